/**
 * Evidence archives (档案包) in the table: one item per archive job in the unit's partition
 * (`ARCH#<period end>#<period>.<ulid>`), written when the job starts and marked done with the
 * zip's size, entry count and SHA-256, or failed with its reason.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';

export interface Archive {
  id: string;
  unit: string;
  period: string;
  status: 'running' | 'done' | 'failed';
  /** The compilation whose workbook is inside. */
  compilationId: string;
  blobKey: string;
  filename: string;
  createdAt: string;
  createdBy: string;
  finishedAt?: string;
  entries?: number;
  attachments?: number;
  size?: number;
  sha256?: string;
  error?: string;
}

export interface ArchiveStore {
  start(a: Archive): Promise<void>;
  finish(unit: string, id: string, result: { entries: number; attachments: number; size: number; sha256: string }, at: string): Promise<void>;
  fail(unit: string, id: string, reason: string, at: string): Promise<void>;
  get(unit: string, id: string): Promise<Archive | undefined>;
  /** Newest period first; one period's when given. */
  list(unit: string, period?: string, limit?: number): Promise<Archive[]>;
}

const FIELDS = ['id', 'unit', 'period', 'status', 'compilationId', 'blobKey', 'filename', 'createdAt', 'createdBy', 'finishedAt', 'entries', 'attachments', 'size', 'sha256', 'error'] as const;
const toArchive = (item: Record<string, unknown>) => Object.fromEntries(FIELDS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])) as unknown as Archive;

export function dynamoArchiveStore(doc: DynamoDBDocumentClient, tableName: string): ArchiveStore {
  const Key = (unit: string, id: string) => ({ pk: keys.unit(unit), sk: keys.archive(id) });
  return {
    async start(a) {
      // A retried attempt of the same job starts the same archive again.
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...Key(a.unit, a.id), entity: 'archive', ...a } }));
    },
    async finish(unit, id, r, at) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: Key(unit, id),
          UpdateExpression: 'SET #s = :done, entries = :e, attachments = :a, #size = :z, sha256 = :h, finishedAt = :at REMOVE #err',
          ExpressionAttributeNames: { '#s': 'status', '#size': 'size', '#err': 'error' },
          ExpressionAttributeValues: { ':done': 'done', ':e': r.entries, ':a': r.attachments, ':z': r.size, ':h': r.sha256, ':at': at },
        }),
      );
    },
    async fail(unit, id, reason, at) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: Key(unit, id),
          UpdateExpression: 'SET #s = :failed, #err = :r, finishedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#s': 'status', '#err': 'error' },
          ExpressionAttributeValues: { ':failed': 'failed', ':r': reason, ':at': at },
        }),
      ).catch((err: Error) => {
        // A job that died before it started its archive has no item to mark.
        if (err.name !== 'ConditionalCheckFailedException') throw err;
      });
    },
    async get(unit, id) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: Key(unit, id), ConsistentRead: true }));
      return out.Item ? toArchive(out.Item) : undefined;
    },
    async list(unit, period, limit = 100) {
      const prefix = period ? keys.archive(`${period}.`) : keys.archivePrefix;
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': keys.unit(unit), ':p': prefix },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(toArchive);
    },
  };
}
