/**
 * Signed evidence uploads waiting to be finalised: one item each in the record's partition
 * (`UPLOAD#<attachment>`), holding what was signed, with the table's TTL set to when it is no
 * use any more. Finalise takes it away with a conditional delete, so only one finalise wins.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { evidenceType, type EvidenceKind } from '../core/evidence/types.js';
import type { PendingUpload } from './evidence-blobs.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

export interface PendingUploadItem extends PendingUpload {
  recordId: string;
  attachmentId: string;
  createdBy: string;
  createdAt: string;
  /** Set when this upload is the preview of that (finalised, image) attachment. */
  previewOf?: string;
}

export interface PendingUploadStore {
  put(item: PendingUploadItem): Promise<void>;
  get(recordId: string, attachmentId: string): Promise<PendingUploadItem | undefined>;
  /** Removes the item; false when it was already gone (another finalise took it). */
  take(recordId: string, attachmentId: string): Promise<boolean>;
}

/** How long after its signature expired the item is kept (TTL), so a late finalise still gets a clear answer. */
const KEEP_SECONDS = 24 * 3600;

export function dynamoPendingUploads(doc: DynamoDBDocumentClient, tableName: string): PendingUploadStore {
  const Key = (recordId: string, attachmentId: string) => ({ pk: keys.record(recordId), sk: keys.pendingUpload(attachmentId) });
  return {
    async put(item) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...Key(item.recordId, item.attachmentId),
            entity: 'pending-upload',
            ...item,
            // The planned type is kept by kind; the table row need not repeat the type table.
            planned: { name: item.planned.name, size: item.planned.size, kind: item.planned.type.kind },
            expiresAt: Math.floor(Date.parse(item.expiresAt) / 1000) + KEEP_SECONDS,
            signedUntil: item.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async get(recordId, attachmentId) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: Key(recordId, attachmentId), ConsistentRead: true }));
      const it = out.Item;
      // TTL removes items late, so an expired one is treated as gone here (DESIGN §6).
      if (!it || (it.expiresAt as number) * 1000 <= Date.now()) return undefined;
      return {
        recordId,
        attachmentId,
        uploadKey: it.uploadKey as string,
        keptKey: it.keptKey as string,
        planned: { name: it.planned.name as string, size: it.planned.size as number, type: evidenceType(it.planned.kind as EvidenceKind) },
        expiresAt: it.signedUntil as string,
        createdBy: it.createdBy as string,
        createdAt: it.createdAt as string,
        ...(typeof it.previewOf === 'string' ? { previewOf: it.previewOf } : {}),
      };
    },
    async take(recordId, attachmentId) {
      try {
        await doc.send(new DeleteCommand({ TableName: tableName, Key: Key(recordId, attachmentId), ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },
  };
}
