import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RecordState } from '../../functions/core/records/record.js';
import { storedRecord as record } from '../helpers/fixtures.js';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import { dynamoRecordStore } from '../../functions/store/records.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `store-${randomUUID()}`;
const store = dynamoRecordStore(doc, tableName);

beforeAll(() => ensureTable(doc, tableName));
afterAll(() => doc.destroy());


describe('record store', () => {
  it('rolls the head forward when a change stopped between its two writes', async () => {
    const id = '01TESTCRASH0000000000000001';
    await store.create(record(id), 'hash');
    // The crash: version 2 was claimed, the head was never moved.
    const v2 = record(id, { version: 2, data: { topic: '第二版' }, updatedBy: 'p2' });
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: keys.record(id), sk: keys.version(2), entity: 'version', ...v2, change: 'update' } }));
    const listed = await store.list({ unit: 'u1', scope: { kind: 'unit' }, templateId: 'study-session', limit: 10 });
    expect(listed.items.find((r) => r.id === id)?.version).toBe(1);

    expect(await store.get(id)).toEqual(v2);
    const after = await store.list({ unit: 'u1', scope: { kind: 'unit' }, templateId: 'study-session', limit: 10 });
    expect(after.items.find((r) => r.id === id)).toEqual(v2);
  });

  it('refuses a second writer of the same version', async () => {
    const id = '01TESTRACE00000000000000001';
    await store.create(record(id), 'hash');
    expect(await store.append(record(id, { version: 2, data: { topic: 'A' } }), 'update')).toBe(true);
    expect(await store.append(record(id, { version: 2, data: { topic: 'B' } }), 'update')).toBe(false);
    expect((await store.get(id))?.data).toEqual({ topic: 'A' });
  });

  it('streams one form of a unit in date order across pages, without withdrawn records', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `01TESTITER${String(i).padStart(16, '0')}`;
      ids.push(id);
      await store.create(record(id, { unit: 'u2', date: `2026-04-${String((i % 28) + 1).padStart(2, '0')}` }), 'h');
    }
    await store.append(record(ids[0]!, { unit: 'u2', date: '2026-04-01', version: 2, status: 'withdrawn' }), 'withdraw');
    const seen: RecordState[] = [];
    for await (const r of store.iterateByForm('u2', 'study-session', '2026-04-01', '2026-04-30', 7)) seen.push(r);
    expect(seen).toHaveLength(29);
    expect(seen.map((r) => r.date)).toEqual([...seen.map((r) => r.date)].sort());
    expect(seen.some((r) => r.id === ids[0])).toBe(false);
  });

  it('reads only the named fields of data when a counting pass asks for them', async () => {
    const id = '01TESTPROJECT0000000000001';
    await store.create(record(id, { unit: 'u3', data: { topic: '主题', host: 'p1', content: '很长的内容'.repeat(100) } }), 'h');
    const seen: RecordState[] = [];
    for await (const r of store.iterateByForm('u3', 'study-session', '2026-01-01', '2026-12-31', 10, ['host'])) seen.push(r);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.data).toEqual({ host: 'p1' });
    expect(seen[0]).toMatchObject({ id, date: '2026-03-01', status: 'active', createdAt: '2026-03-01T00:00:00.000Z' });
  });
});
