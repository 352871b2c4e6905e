/** The score box (issue 11): only a number in [0, the item's standard] with one decimal; clearing is explicit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const put = (item: string, body: unknown) => api.call('PUT', `/api/assessment/2026/items/${item}`, { as: 'sun-li', body });
const line = async (item: string) =>
  (await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' })).body.items.find((i: { id: string }) => i.id === item);

describe('an assessment score', () => {
  it('refuses 七分, abc, -1 and 11 on a 10-point item, as text or as numbers, and keeps the stored override', async () => {
    const a8 = await line('A8');
    expect(a8.standard).toBe(10);
    expect((await put('A8', { score: 7, reason: '办公室复核' })).status).toBe(200);
    const before = await api.snapshot();
    for (const score of ['七分', 'abc', '-1', '11', -1, 11, 7.25, '7', null, true, [7], { v: 7 }]) {
      const res = await put('A8', { score, reason: '错误输入' });
      expect(res.status, JSON.stringify(score)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(score)).toEqual(['score']);
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await api.snapshot()).toEqual(before);
    expect((await line('A8')).override).toMatchObject({ score: 7, reason: '办公室复核' });
  });

  it('accepts 0, the full score and one decimal', async () => {
    for (const score of [0, 10, 7.5, 0.1]) {
      const res = await put('A8', { score, reason: '边界分值' });
      expect(res.status, String(score)).toBe(200);
      expect(res.body.items.find((i: { id: string }) => i.id === 'A8').score).toBe(score);
    }
  });

  it('clears an override only on an explicit request with a reason, back to the computed score', async () => {
    expect((await put('A8', { clear: true })).status).toBe(400);
    const both = await put('A8', { clear: true, score: 5, reason: '既清又给' });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].path).toBe('score');
    const cleared = await put('A8', { clear: true, reason: '撤销办公室调整' });
    expect(cleared.status).toBe(200);
    const a8 = cleared.body.items.find((i: { id: string }) => i.id === 'A8');
    expect(a8.override).toBeUndefined();
    expect(a8.score).toBe(a8.standard - a8.computedDeduction);
    expect(a8.history.at(-1)).toMatchObject({ score: null, reason: '撤销办公室调整', by: 'sun-li' });
  });
});
