/** The export's bound on the workbook's size (EXPORT_MAX_BYTES), set low here so a few records pass it. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { EXPORT_MAX_BYTES: '20000' } });
  // Varied text compresses as real text does, not as one repeated phrase would.
  const text = (n: number) => Array.from({ length: 4900 }, (_, k) => String.fromCodePoint(0x4e00 + ((n * 7919 + k * 104729) % 3500))).join('');
  for (let i = 0; i < 4; i++)
    expect((await api.call('POST', '/api/submissions', { as: 'sun-li', body: memberReport({ summary: text(i), reportDate: `2026-0${i + 1}-10` }) })).status).toBe(201);
});
afterAll(() => api.close());

it('answers 413 when the workbook would pass the bound, and exports a smaller filter', async () => {
  const big = await api.call('POST', '/api/submissions/export', { as: 'sun-li', body: {} });
  expect(big.status).toBe(413);
  expect(big.headers.get('content-type')).toContain('application/problem+json');
  expect(big.body.detail).toContain('20 KB');
  expect(big.body.detail).toContain('缩小筛选范围');
  const small = await api.call('POST', '/api/submissions/export', { as: 'sun-li', body: { period: '2026-01' } });
  expect(small.status).toBe(200);
});
