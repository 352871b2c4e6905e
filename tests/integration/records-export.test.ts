/** POST /api/submissions/export: the register's filters as a workbook, with the list's scope rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';
import { openWorkbook } from '../helpers/ledger.js';

let api: TestApi;
beforeAll(async () => {
  // A bound of 4 records, so that the 5 filed here pass it unfiltered (the default is 2,000, config.ts).
  api = await startTestApi({ env: { EXPORT_MAX_RECORDS: '4' } });
  const file = async (as: string, body: unknown) => expect((await api.call('POST', '/api/submissions', { as, body })).status).toBe(201);
  await file('sun-li', studySession({ topic: '学习习近平文化思想', date: '2026-03-10' }));
  await file('zhou-tao', studySession({ topic: '网络意识形态安全', date: '2026-05-10', recorder: 'xu-jing' }));
  await file('xu-jing', studySession({ topic: '保密法专题', date: '2026-07-10' }));
  await file('li-na', memberReport({ reportDate: '2026-09-01' }));
  await file('sun-li', studySession({ topic: '去年的学习', date: '2025-12-10' }));
});
afterAll(() => api.close());

async function exportAs(as: string, body: unknown) {
  const res = await fetch(`${api.url}/api/submissions/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await api.token(as)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every 记录编号 on the workbook's ledger sheets (column B under the header), sheet by sheet. */
async function numbersIn(bytes: Buffer) {
  const book = await openWorkbook(bytes);
  const out: string[] = [];
  for (const ws of book.worksheets) {
    if (ws.name === '封面' || ws.name === '记录详情') continue;
    ws.eachRow((row, n) => {
      const v = row.getCell(2).value;
      if (n > 3 && typeof v === 'string' && /^.+-\d{4}-\d{3}$/.test(v)) out.push(v);
    });
  }
  return { book, numbers: out };
}

/** The same filters through the list, every page. */
async function listed(as: string, query: string): Promise<string[]> {
  const res = await api.call('GET', `/api/submissions?limit=100&${query}`, { as });
  expect(res.status).toBe(200);
  expect(res.body.nextCursor).toBeUndefined();
  return (res.body.items as { number: string }[]).map((r) => r.number);
}

describe('exporting the register', () => {
  it('writes exactly the filtered records, in the ledgers’ style', async () => {
    const res = await exportAs('sun-li', { period: '2026', templateId: 'study-session' });
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml');
    expect(decodeURIComponent(res.disposition)).toContain('.xlsx');
    const { book, numbers } = await numbersIn(res.bytes);
    const want = await listed('sun-li', 'period=2026&templateId=study-session');
    expect(want).toHaveLength(3);
    expect(numbers.sort()).toEqual([...want].sort());
    const cover: unknown[] = [];
    book.getWorksheet('封面')!.eachRow((row) => cover.push(...(row.values as unknown[])));
    expect(cover).toContain('3 条');
    expect(cover.some((v) => typeof v === 'string' && v.includes('2026年') && v.includes('理论学习'))).toBe(true);
    // The detail holds every exported record's number too.
    const detail: unknown[] = [];
    book.getWorksheet('记录详情')!.eachRow((row) => detail.push(...(row.values as unknown[])));
    for (const n of want) expect(detail.some((v) => typeof v === 'string' && v.includes(n))).toBe(true);
  });

  it('applies keyword, person and review filters as the list does', async () => {
    for (const [body, query] of [
      [{ q: '意识形态安全' }, 'q=' + encodeURIComponent('意识形态安全')],
      [{ person: 'xu-jing' }, 'person=xu-jing'],
      [{ review: 'pending' }, 'review=pending'],
      [{ period: '2025' }, 'period=2025'],
    ] as const) {
      const res = await exportAs('sun-li', body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      const { numbers } = await numbersIn(res.bytes);
      expect(numbers.sort(), JSON.stringify(body)).toEqual((await listed('sun-li', query)).sort());
    }
  });

  it('gives each caller only what their list shows', async () => {
    // A division head (policy) sees the division's two studies, not the office's.
    const head = await exportAs('zhou-tao', { period: '2026' });
    expect(head.status).toBe(200);
    const got = (await numbersIn(head.bytes)).numbers.sort();
    expect(got).toEqual((await listed('zhou-tao', 'period=2026')).sort());
    expect(got).toHaveLength(2);
    expect((await exportAs('zhou-tao', { scope: 'unit' })).status).toBe(403);
    const mine = await exportAs('li-na', { scope: 'mine' });
    expect((await numbersIn(mine.bytes)).numbers).toEqual(await listed('li-na', 'scope=mine'));
  });

  it('writes a cover saying 本期无记录 when nothing matches', async () => {
    const res = await exportAs('sun-li', { q: '没有这样的内容' });
    expect(res.status).toBe(200);
    const { book, numbers } = await numbersIn(res.bytes);
    expect(numbers).toEqual([]);
    const cover: unknown[] = [];
    book.getWorksheet('封面')!.eachRow((row) => cover.push(...(row.values as unknown[])));
    expect(cover).toContain('0 条');
  });

  it('refuses a list past the bound with 413, asking to narrow the filters', async () => {
    expect((await listed('sun-li', '')).length).toBe(5);
    const res = await api.call('POST', '/api/submissions/export', { as: 'sun-li', body: {} });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toContain('超过 4 条');
    expect(res.body.detail).toContain('缩小筛选范围');
    // Exactly at the bound it exports.
    expect((await exportAs('sun-li', { period: '2026' })).status).toBe(200);
  });

  it('refuses bad filters with problem+json naming the field', async () => {
    for (const [body, path] of [
      [{ period: '2026-13' }, 'body.period'],
      [{ templateId: 'no-such-form' }, 'body.templateId'],
      [{ review: 'maybe' }, 'body.review'],
      [{ cursor: 'x' }, 'body.cursor'],
      [{ q: '' }, 'body.q'],
    ] as const) {
      const res = await api.call('POST', '/api/submissions/export', { as: 'sun-li', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }
  });
});
