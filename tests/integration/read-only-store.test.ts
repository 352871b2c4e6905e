import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { storedRecord as record } from '../helpers/fixtures.js';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import { dynamoRecordStore } from '../../functions/store/records.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `readonly-${randomUUID()}`;

/** What a GET route's role allows in the cloud: reads pass, every write is refused. */
const readOnly = {
  send: (command: unknown) => {
    if (command instanceof PutCommand) {
      const denied = new Error('not authorized to perform: dynamodb:PutItem');
      denied.name = 'AccessDeniedException';
      return Promise.reject(denied);
    }
    return doc.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
  },
} as unknown as DynamoDBDocumentClient;

beforeAll(() => ensureTable(doc, tableName));
afterAll(() => doc.destroy());


describe('a reader that may not write', () => {
  it('gets the newest version of a record whose head fell behind, and leaves the repair to the next writer', async () => {
    const writer = dynamoRecordStore(doc, tableName);
    const reader = dynamoRecordStore(readOnly, tableName);
    const id = '01TESTREADONLY000000000001';
    await writer.create(record(id), 'hash');
    const v2 = record(id, { version: 2, data: { topic: '第二版' }, updatedBy: 'p2' });
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: keys.record(id), sk: keys.version(2), entity: 'version', ...v2, change: 'update' } }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    expect(await reader.get(id)).toEqual(v2);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();

    const v3 = record(id, { version: 3, data: { topic: '第三版' } });
    expect(await writer.append(v3, 'update')).toBe(true);
    const listed = await writer.list({ unit: 'u1', scope: { kind: 'unit' }, templateId: 'study-session', limit: 10 });
    expect(listed.items.find((r) => r.id === id)).toEqual(v3);
  });
});
