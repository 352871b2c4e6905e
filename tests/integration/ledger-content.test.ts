import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ExcelJS from 'exceljs';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { openWorkbook } from '../helpers/ledger.js';

// The example year (infra/local/demo.ts) compiled for 2026-11 on 2026-11-28: the cover, the
// assessment and the monthly summary carry the compliance and assessment figures of the API.
let api: TestApi;
let wb: ExcelJS.Workbook;
beforeAll(async () => {
  api = await startTestApi({ demo: true });
  await api.call('PUT', '/api/assessment/2026/items/A10', { as: 'sun-li', body: { score: 8, reason: '舆情处置及时' } });
  wb = await openWorkbook((await api.compileWorkbook('sun-li', { period: '2026-11' })).bytes);
});
afterAll(() => api.close());

function rows(sheet: ExcelJS.Worksheet): string[][] {
  const out: string[][] = [];
  sheet.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in (v as object) ? '' : String(v)))));
  return out;
}

const find = (sheet: ExcelJS.Worksheet, ...words: string[]) => {
  let hit: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    const text = (row.values as unknown[]).map(String).join('|');
    if (!hit && words.every((w) => text.includes(w))) hit = row;
  });
  return hit;
};

describe('the compiled figures', () => {
  it('show the compliance matrix on the cover, coloured by status', () => {
    const cover = wb.worksheets[0]!;
    const centre = find(cover, 'O8', '信息中心', '2026年第四季度');
    expect(centre).toBeDefined();
    const q4 = centre!.getCell(8);
    expect(q4.value).toBe('进行中');
    const wang = find(cover, 'O4', '王强（示例）');
    expect(wang?.getCell(7).value).toBe(0);
    const lina = find(cover, 'O4', '李娜（示例）');
    expect(lina?.getCell(8).value).toBe('已完成');
    expect((lina?.getCell(8).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFC6EFCE');
  });

  it('score the year on the assessment sheet, with reasons and the office’s own score', () => {
    const sheet = wb.worksheets.find((s) => s.name.includes('考核'))!;
    const a8 = find(sheet, '定期检查网站');
    expect(a8?.getCell(5).value).toBe(4);
    expect(String(a8?.getCell(6).value)).toContain('2026年第二季度信息中心');
    expect(a8?.getCell(8).value).toBe(6);
    const a10 = find(sheet, '网络舆情及时处置');
    expect(a10?.getCell(8).value).toBe(8);
    expect(String(a10?.getCell(6).value)).toContain('舆情处置及时');
    const total = find(sheet, '合计');
    expect(total).toBeDefined();
  });

  it('count this month and the year to date in the monthly summary', () => {
    const sheet = wb.worksheets.find((s) => s.name.includes('月度'))!;
    const o4 = find(sheet, 'O4');
    // li-na's report of 5 November is this month's only one; five reports so far this year.
    expect(o4?.getCell(2).value).toBe(1);
    expect(o4?.getCell(3).value).toBe(5);
    const o8 = find(sheet, 'O8');
    expect(o8?.getCell(5).value).toMatch(/%$/);
    expect(rows(sheet).length).toBeGreaterThan(10);
  });
});
