/** Record numbers (DESIGN §10): from one atomic counter per unit, form and year; never repeated. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** Runs `tasks` with at most `width` at once (bounded load on 127.0.0.1). */
async function bounded<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

describe('record numbers', () => {
  it('gives 200 concurrent creates of one form 200 distinct numbers of the form 学习-2026-NNN', async () => {
    const created = await bounded(200, 16, (i) =>
      api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ topic: `编号并发测试 ${i}` }) }),
    );
    expect(created.map((r) => r.status)).toEqual(new Array(200).fill(201));
    const numbers = created.map((r) => r.body.number as string);
    expect(new Set(numbers).size).toBe(200);
    for (const n of numbers) expect(n).toMatch(/^学习-2026-\d{3,}$/);
    // Nothing failed, so nothing was skipped: exactly 1..200.
    const seqs = numbers.map((n) => Number(n.split('-')[2])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  }, 120_000);

  it('keeps the number of a replayed idempotent create, and takes none for the replay', async () => {
    const body = studySession({ topic: '幂等编号测试', date: '2025-06-01' });
    const headers = { 'idempotency-key': 'number-replay-1' };
    const first = await api.call('POST', '/api/submissions', { as: 'sun-li', body, headers });
    expect(first.status).toBe(201);
    expect(first.body.number).toBe('学习-2025-001');
    const again = await api.call('POST', '/api/submissions', { as: 'sun-li', body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, number: '学习-2025-001' });
    const next = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ topic: '下一条', date: '2025-06-02' }) });
    expect(next.body.number).toBe('学习-2025-002');
  });

  it('keeps the number through edits, withdrawal and restore, and numbers each form and year apart', async () => {
    const a = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date: '2024-03-01' }) });
    expect(a.body.number).toBe('学习-2024-001');
    const edited = await api.call('PUT', `/api/submissions/${a.body.id}`, { as: 'sun-li', body: { data: { ...a.body.data, remarks: '改' }, version: 1 } });
    expect(edited.body.number).toBe('学习-2024-001');
    expect((await api.call('DELETE', `/api/submissions/${a.body.id}?version=2`, { as: 'sun-li' })).status).toBe(204);
    const restored = await api.call('POST', `/api/submissions/${a.body.id}/restore`, { as: 'sun-li', body: { reason: '误撤回', version: 3 } });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ number: '学习-2024-001', status: 'active', version: 4 });
    // A withdrawn number is not handed out again.
    const b = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date: '2024-03-02' }) });
    expect(b.body.number).toBe('学习-2024-002');
  });
});
