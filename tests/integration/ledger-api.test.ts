import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';
import { SIGNATURE } from '../../functions/ledger/workbook.js';
import { openWorkbook } from '../helpers/ledger.js';

let api: TestApi;
const ids: Record<string, string> = {};

/** The file route answers with a signed link (302); the link gives the bytes. */
async function download(path: string, as: string) {
  const res = await fetch(api.url + path, { headers: { authorization: `Bearer ${await api.token(as)}` }, redirect: 'manual' });
  if (res.status !== 302) return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  const link = res.headers.get('location')!;
  const file = await fetch(new URL(link, api.url));
  return { status: file.status, headers: file.headers, bytes: Buffer.from(await file.arrayBuffer()), link };
}

/** Starts a compilation job and waits for it: 202 with Location, then polled to the end. */
async function compile(as: string, body: unknown) {
  const res = await api.call('POST', '/api/compilations', { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.get('location')).toBe(`/api/compilations/${res.body.id}`);
  const job = await api.waitForJob(res.headers.get('location')!, as);
  expect(job.status, JSON.stringify(job)).toBe('done');
  return { accepted: res.body, job, body: job.compilation };
}

beforeAll(async () => {
  api = await startTestApi();
  const post = async (as: string, body: unknown) => {
    const res = await api.call('POST', '/api/submissions', { as, body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  ids.first = await post('sun-li', studySession({ date: '2026-11-02', topic: '=1+1 不是公式' }));
  ids.second = await post('sun-li', studySession({ date: '2026-11-20' }));
  ids.october = await post('sun-li', studySession({ date: '2026-10-15' }));
  ids.report = await post('li-na', memberReport({ reportDate: '2026-11-05' }));
  ids.withdrawn = await post('sun-li', studySession({ date: '2026-11-21' }));
  expect((await api.call('DELETE', `/api/submissions/${ids.withdrawn}`, { as: 'sun-li' })).status).toBe(204);
  // Another unit's record never shows in this unit's ledgers.
  await post('other-office', studySession({ date: '2026-11-03', host: 'other-leader', recorder: 'other-office' }));
});
afterAll(() => api.close());

const rowsOf = (body: any, templateId: string) => body.sheets.find((s: any) => s.templateId === templateId)?.rows;

describe('compiling on demand', () => {
  let first: any;

  it('compiles the current month up to today for the office as a job: 202, then done with its metadata', async () => {
    const res = await compile('sun-li', { period: '2026-11' });
    expect(res.accepted).toMatchObject({ status: 'queued', progress: { done: 0 }, kind: 'compile', period: '2026-11' });
    expect(res.job.progress.done).toBe(res.job.progress.total);
    // Three records, each written twice: its ledger row and its block in the detail.
    expect(res.job.progress.total).toBe(6);
    first = res.body;
    expect(first).toMatchObject({
      unit: 'example-bureau',
      period: '2026-11',
      asOf: '2026-11-28',
      trigger: 'on-demand',
      by: 'sun-li',
      byName: '孙丽（示例）',
      status: 'done',
      current: true,
      superseded: false,
      filename: '2026年11月意识形态工作台账.xlsx',
    });
    expect(first.id).toMatch(/^2026-11\.[0-9A-Z]{26}$/);
    expect(first.id).toBe(res.job.id);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.size).toBeGreaterThan(5000);
    expect(first).not.toHaveProperty('blobKey');
    expect(rowsOf(first, 'study-session')).toBe(2);
    expect(rowsOf(first, 'member-report')).toBe(1);
    expect(rowsOf(first, 'party-group-meeting')).toBe(0);
    expect(existsSync(join(api.blobDir, 'example-bureau', '2026-11', `${first.id}.xlsx`))).toBe(true);
  });

  it('downloads the workbook locally with its Chinese file name, bytes matching the recorded hash', async () => {
    const res = await download(first.file, 'sun-li');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="taizhang-2026-11.xlsx"; filename*=UTF-8''${encodeURIComponent('2026年11月意识形态工作台账.xlsx')}`,
    );
    expect(res.bytes.length).toBe(first.size);
    expect(createHash('sha256').update(res.bytes).digest('hex')).toBe(first.sha256);
    const wb = await openWorkbook(res.bytes);
    const ws = wb.getWorksheet('理论学习记录')!;
    expect([ws.getCell('A4').value, ws.getCell('A5').value]).toEqual([1, 2]);
    expect(ws.getCell('A6').value).toBe(SIGNATURE);
    const detail: unknown[] = [];
    wb.getWorksheet('记录详情')!.eachRow((row) => detail.push(...(row.values as unknown[])));
    expect(detail).toContain('=1+1 不是公式');
    expect(ws.getCell('A1').value).toBe('XX局2026年11月理论学习中心组学习及专题学习台账');
    expect(wb.getWorksheet('封面')!.getCell('A1').value).toBe('XX局2026年11月意识形态工作台账');
  });

  it('supersedes the earlier run when compiled again, keeping one current per period', async () => {
    const again = await compile('zhang-wei', { period: '2026-11' });
    expect(again.body).toMatchObject({ current: true, supersedes: first.id, byName: '张伟（示例）' });
    const list = await api.call('GET', '/api/compilations?period=2026-11', { as: 'sun-li' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.id)).toEqual([again.body.id, first.id]);
    expect(list.body.items.map((c: any) => [c.current, c.superseded])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(list.body.items[1].supersededBy).toBe(again.body.id);
    // The superseded file is kept and can still be downloaded.
    expect((await download(first.file, 'sun-li')).status).toBe(200);
  });

  it('compiles the year so far, counting every month', async () => {
    const res = await compile('sun-li', { period: '2026' });
    expect(res.body).toMatchObject({ period: '2026', asOf: '2026-11-28', filename: '2026年度意识形态工作台账.xlsx' });
    expect(rowsOf(res.body, 'study-session')).toBe(3);
    const all = await api.call('GET', '/api/compilations', { as: 'sun-li' });
    // Latest period first: the year (ends 31 December) before November.
    expect(all.body.items.map((c: any) => c.period)).toEqual(['2026', '2026-11', '2026-11']);
  });

  it('compiles the year so far with one 月度汇总 row per month to date, the running month marked 截至', async () => {
    const res = await compile('sun-li', { period: '2026' });
    expect(res.body.asOf).toBe('2026-11-28');
    const wb = await openWorkbook((await download(res.body.file, 'sun-li')).bytes);
    const ws = wb.getWorksheet('月度汇总')!;
    const months: string[] = [];
    ws.eachRow((row, n) => {
      const v = String(row.getCell(1).value ?? '');
      if (n > 3 && /^2026年\d+月/.test(v)) months.push(v);
    });
    expect(months).toEqual([...Array.from({ length: 10 }, (_, i) => `2026年${i + 1}月`), '2026年11月（截至11月28日）']);
    // 合计 follows the months, outside the filter's range; the filter ends at the last month.
    const total = 3 + months.length + 1;
    expect(ws.getCell(total, 1).value).toBe('合计');
    expect(ws.autoFilter).toBe(`A3:${ws.getColumn(ws.getRow(3).cellCount).letter}${total - 1}`);
    // November's three study sessions and the report, October's session.
    const sum = (r: number) => (ws.getRow(r).values as unknown[]).slice(2).filter((v): v is number => typeof v === 'number');
    expect(sum(3 + 10).at(-1)).toBe(1);
    expect(sum(3 + 11).at(-1)).toBeGreaterThanOrEqual(3);
    // One 统计截至 on the cover, in Chinese.
    const cover: string[] = [];
    wb.worksheets[0]!.eachRow((row) => cover.push(...(row.values as unknown[]).map(String)));
    expect(cover.filter((v) => v === '统计截至')).toHaveLength(1);
    expect(cover.some((v) => /\d{4}-\d{2}-\d{2}/.test(v))).toBe(false);
  });

  it('compiles a period without records: every ledger says 本期无记录, and no error', async () => {
    const res = await compile('sun-li', { period: '2026-01' });
    expect(res.body.asOf).toBe('2026-01-31');
    for (const s of res.body.sheets.filter((x: any) => x.templateId)) expect(s.rows).toBe(0);
    const wb = await openWorkbook((await download(res.body.file, 'sun-li')).bytes);
    for (const s of res.body.sheets.filter((x: any) => x.templateId)) {
      const ws = wb.getWorksheet(s.name)!;
      expect(ws.getCell('A3').value).toBe('序号');
      expect(ws.getCell('A4').value).toBe('本期无记录');
    }
  });
});

describe('who may compile and what is refused', () => {
  it('refuses leaders, division heads and staff with 403', async () => {
    for (const as of ['li-na', 'zhou-tao', 'xu-jing']) {
      const res = await api.call('POST', '/api/compilations', { as, body: { period: '2026-11' } });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await api.call('GET', '/api/compilations', { as })).status).toBe(403);
    }
  });

  it('answers a malformed or future period with 400 naming the field', async () => {
    for (const [body, path] of [
      [{ period: '2026-13' }, 'period'],
      [{ period: '26-11' }, 'period'],
      [{ period: 202611 }, 'period'],
      [{}, 'period'],
      [{ period: '2026-12' }, 'period'],
      [{ period: '2026-11', extra: 1 }, 'extra'],
    ] as const) {
      const res = await api.call('POST', '/api/compilations', { as: 'sun-li', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: any) => e.path)).toContain(path);
    }
    const list = await api.call('GET', '/api/compilations?period=nope', { as: 'sun-li' });
    expect(list.status).toBe(400);
    expect(list.body.errors[0].path).toBe('query.period');
  });

  it('answers 404 for an unknown id, a malformed one, and another unit’s compilation', async () => {
    const mine = (await api.call('GET', '/api/compilations?period=2026-11', { as: 'sun-li' })).body.items[0];
    expect((await download('/api/compilations/2026-11.01KBAAAAAAAAAAAAAAAAAAAAAA/file', 'sun-li')).status).toBe(404);
    expect((await download('/api/compilations/..%2F..%2Fetc/file', 'sun-li')).status).toBe(404);
    expect((await download(mine.file, 'other-office')).status).toBe(404);
    const theirs = await api.call('GET', '/api/compilations', { as: 'other-office' });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
  });
});
