import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('concurrent edits', () => {
  it('lets exactly one of 20 concurrent updates of the same version win', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.call('PUT', `/api/submissions/${rec.id}`, {
          as: 'li-na',
          body: { data: { ...rec.data, summary: `第 ${i} 位编辑者写入的汇报内容摘要。` }, version: 1 },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!.body;
    const history = await api.call('GET', `/api/submissions/${rec.id}/history`, { as: 'li-na' });
    expect(history.body.items).toHaveLength(2);
    expect(history.body.items[1].changes).toEqual([{ field: 'summary', before: rec.data.summary, after: winner.data.summary }]);
    const now = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    expect(now.body).toEqual(winner);
  });
});

describe('idempotent create', () => {
  const countMine = async () =>
    (await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'wang-qiang' })).body.items.length as number;

  it('turns the same Idempotency-Key sent twice into one record', async () => {
    const before = await countMine();
    const body = memberReport({ reporter: 'wang-qiang' });
    const headers = { 'idempotency-key': 'report-2026-h2-once' };
    const first = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body, headers });
    const second = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await countMine()).toBe(before + 1);
  });

  it('turns 10 concurrent sends of one key into one record', async () => {
    const before = await countMine();
    const body = memberReport({ reporter: 'wang-qiang', reportDate: '2026-09-09' });
    const headers = { 'idempotency-key': 'concurrent-key-10' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/api/submissions', { as: 'wang-qiang', body, headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await countMine()).toBe(before + 1);
    const history = await api.call('GET', `/api/submissions/${results[0]!.body.id}/history`, { as: 'wang-qiang' });
    expect(history.body.items).toHaveLength(1);
  });

  it('refuses a key reused for different content, and keeps keys apart per person', async () => {
    const headers = { 'idempotency-key': 'reused-key' };
    const first = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: memberReport({ reporter: 'wang-qiang' }), headers });
    expect(first.status).toBe(201);
    const changed = await api.call('POST', '/api/submissions', {
      as: 'wang-qiang',
      body: memberReport({ reporter: 'wang-qiang', area: '另一项内容' }),
      headers,
    });
    expect(changed.status).toBe(409);
    const someoneElse = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport(), headers });
    expect(someoneElse.status).toBe(201);
    expect(someoneElse.body.id).not.toBe(first.body.id);
  });

  it('treats the same content in another key order as the same request', async () => {
    const headers = { 'idempotency-key': 'key-order' };
    const body = memberReport({ reporter: 'wang-qiang' });
    const reordered = { data: Object.fromEntries(Object.entries(body.data).reverse()), templateId: body.templateId };
    const a = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body, headers });
    const b = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: reordered, headers });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
  });
});
