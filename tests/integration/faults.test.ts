import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { memberReport } from '../helpers/fixtures.js';

// The handlers reach the store through a proxy that can throttle or cut them off; the test
// itself reads the store directly, to see exactly what was written.
let proxy: FaultProxy;
let api: TestApi;
beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamoEndpoint'));
  api = await startTestApi({ handlerEndpoint: proxy.endpoint });
});
afterAll(async () => {
  await api.close();
  await proxy.close();
});

const ids = (items: { id: string }[]) => items.map((i) => i.id);

describe('store faults', () => {
  it('answers throttling with 503 and Retry-After, and writes nothing', async () => {
    const before = await api.snapshot();
    proxy.set({ kind: 'throttle' });
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
    proxy.set({ kind: 'down' });
    const read = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    const write = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data: rec.data, version: 1 } });
    proxy.set({ kind: 'none' });
    expect([read.status, write.status]).toEqual([503, 503]);
    expect(await api.snapshot()).toEqual(before);
    expect((await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' })).body).toEqual(rec);
  });

  it('repairs an edit cut off between its version and its head on the next read', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const data = { ...rec.data, summary: '中断前写入的新版本汇报内容摘要。' };
    // The version item gets through; the head update after it is cut off.
    proxy.set({ kind: 'cut-after', pass: 1, target: 'PutItem' });
    const cut = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } });
    proxy.set({ kind: 'none' });
    expect(cut.status).toBe(503);
    const stale = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    expect(stale.body.items.find((r: { id: string }) => r.id === rec.id).version).toBe(1);

    const read = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    expect(read.body).toMatchObject({ version: 2, data });
    const listed = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    expect(listed.body.items.find((r: { id: string }) => r.id === rec.id)).toEqual(read.body);
    const history = await api.call('GET', `/api/submissions/${rec.id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: { version: number }) => h.version)).toEqual([1, 2]);
  });

  it('lets a client retry a create that was cut off, with one record as the result', async () => {
    const headers = { 'idempotency-key': 'cut-off-create' };
    const body = memberReport({ reportDate: '2026-08-08' });
    proxy.set({ kind: 'cut-after', pass: 1, target: 'PutItem' });
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
      proxy.set({ kind: 'throttle' });
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
