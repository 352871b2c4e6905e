import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { refreshesSettled } from '../../functions/core/county/keep-current.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';
import { memberReport } from '../helpers/fixtures.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { keys } from '../../functions/store/keys.js';

// The handlers reach the store through a proxy that can throttle or cut them off; the test
// itself reads the store directly, to see exactly what was written.
let proxy: FaultProxy;

/** A fault counts the requests after it is set: the snapshot refreshes of earlier answered writes must not be among them. */
const arm = async (f: Fault) => {
  await refreshesSettled();
  proxy.set(f);
};
let api: TestApi;
const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const rawHead = async (id: string) =>
  (await doc.send(new GetCommand({ TableName: api.tableName, Key: { pk: keys.record(id), sk: keys.head }, ConsistentRead: true }))).Item!;
beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamoEndpoint'));
  api = await startTestApi({ handlerEndpoint: proxy.endpoint });
});
afterAll(async () => {
  doc.destroy();
  await api.close();
  await proxy.close();
});

const ids = (items: { id: string }[]) => items.map((i) => i.id);

describe('store faults', () => {
  it('answers throttling with 503 and Retry-After, and writes nothing', async () => {
    const before = await api.snapshot();
    await arm({ kind: 'throttle' });
    const res = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const attempts = proxy.seen.length;
    proxy.set({ kind: 'none' });
    expect(res.status).toBe(503);
    // The SDK retried with back-off before giving up.
    expect(attempts).toBeGreaterThan(1);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toBe('系统繁忙，请稍后重试');
    expect(await api.snapshot()).toEqual(before);
    expect((await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() })).status).toBe(201);
  });

  it('answers an outage with 503 for reads and writes, and recovers when the store is back', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const before = await api.snapshot();
    await arm({ kind: 'down' });
    const read = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    const write = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data: rec.data, version: 1 } });
    proxy.set({ kind: 'none' });
    expect([read.status, write.status]).toEqual([503, 503]);
    expect(await api.snapshot()).toEqual(before);
    expect((await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' })).body).toEqual(rec);
  });

  it('shows an edit cut off between its version and its head in the list, without anyone opening the record', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const data = { ...rec.data, summary: '中断前写入的新版本汇报内容摘要。' };
    // The marker (an update) and the version item get through; the head put after them is cut off.
    await arm({ kind: 'cut-after', pass: 1, target: 'PutItem' });
    const cut = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } });
    proxy.set({ kind: 'none' });
    expect(cut.status).toBe(503);
    const head = await rawHead(rec.id);
    expect([head.version, head.pendingVersion]).toEqual([1, 2]);

    const listed = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    expect(listed.body.items.find((r: { id: string }) => r.id === rec.id)).toMatchObject({ version: 2, data });
    const repaired = await rawHead(rec.id);
    expect(repaired.version).toBe(2);
    expect(repaired).not.toHaveProperty('pendingVersion');
    expect(repaired).not.toHaveProperty('flightPk');
    const read = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    expect(listed.body.items.find((r: { id: string }) => r.id === rec.id)).toEqual(read.body);
    const history = await api.call('GET', `/api/submissions/${rec.id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: { version: number }) => h.version)).toEqual([1, 2]);
  });

  it('lists and counts a create cut off after its version, found through the in-flight index', async () => {
    const body = memberReport({ reportDate: '2026-09-09', summary: '只写入了版本、未写入头部的汇报内容。' });
    await arm({ kind: 'cut-after', pass: 1, target: 'PutItem' });
    const cut = await api.call('POST', '/api/submissions', { as: 'li-na', body, headers: { 'idempotency-key': 'create-cut-after-version' } });
    proxy.set({ kind: 'none' });
    expect(cut.status).toBe(503);
    // The head holds only the marker, so it is in no record index: the unit's in-flight partition finds it.
    const listed = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    const found = listed.body.items.filter((r: { data: { summary: string } }) => r.data.summary === body.data.summary);
    expect(found).toHaveLength(1);
    const compliance = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'li-na' });
    expect(compliance.body.rows.flatMap((r: { records: string[] }) => r.records)).toContain(found[0].id);
    const retry = await api.call('POST', '/api/submissions', { as: 'li-na', body, headers: { 'idempotency-key': 'create-cut-after-version' } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(found[0].id);
  });

  it('leaves a change that never wrote its version out of every view, and clears its marker once old', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const data = { ...rec.data, summary: '从未写入的修改内容，不应出现在任何地方。' };
    // Only the marker gets through: the version item is cut off.
    await arm({ kind: 'cut-after', pass: 0, target: 'PutItem' });
    const cut = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } });
    proxy.set({ kind: 'none' });
    expect(cut.status).toBe(503);
    expect((await rawHead(rec.id)).pendingVersion).toBe(2);
    const listed = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    expect(listed.body.items.find((r: { id: string }) => r.id === rec.id)).toEqual(rec);
    // Young, it may belong to a request still running, so a read leaves it; the sweep clears an old one.
    expect((await rawHead(rec.id)).pendingVersion).toBe(2);
    const store = dynamoRecordStore(doc, api.tableName);
    expect(await store.repairInFlight!('example-bureau', { olderThanMs: 0 })).toBeGreaterThanOrEqual(1);
    const head = await rawHead(rec.id);
    expect(head).not.toHaveProperty('pendingVersion');
    expect(head.version).toBe(1);
    // And the record takes the next edit as usual.
    expect((await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } })).status).toBe(200);
  });

  it('lets a client retry a create that was cut off, with one record as the result', async () => {
    const headers = { 'idempotency-key': 'cut-off-create' };
    const body = memberReport({ reportDate: '2026-08-08' });
    await arm({ kind: 'cut-after', pass: 1, target: 'PutItem' });
    const first = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: { ...body, data: { ...body.data, reporter: 'wang-qiang' } }, headers });
    proxy.set({ kind: 'none' });
    expect(first.status).toBe(503);
    const retry = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: { ...body, data: { ...body.data, reporter: 'wang-qiang' } }, headers });
    expect(retry.status).toBe(201);
    const mine = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'wang-qiang' });
    expect(ids(mine.body.items).filter((id) => id === retry.body.id)).toHaveLength(1);
    expect(mine.body.items).toHaveLength(1);
  });
});

describe('logs', () => {
  it('carry the request id, never record contents or tokens', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    const secret = '只在记录里出现的内容甲乙丙';
    const token = await api.token('li-na');
    try {
      await arm({ kind: 'throttle' });
      const res = await api.call('POST', '/api/submissions', {
        body: memberReport({ summary: `${secret}，用于检查日志。` }),
        headers: { authorization: `Bearer ${token}` },
      });
      proxy.set({ kind: 'none' });
      expect(res.status).toBe(503);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.some((l) => l.includes(res.body.requestId))).toBe(true);
      for (const l of lines) {
        expect(l).not.toContain(secret);
        expect(l).not.toContain(token);
      }
    } finally {
      proxy.set({ kind: 'none' });
      for (const s of spies) s.mockRestore();
    }
  });
});
