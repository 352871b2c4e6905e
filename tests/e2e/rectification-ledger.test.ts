/**
 * The 问题整改台账 in the compiled workbook: its sheet right after the inspections' in the plan's
 * order, one row per item (number, finding, division, person, deadline, measures, status, closed
 * by and on, evidence count) read back with exceljs; the cover sums up open, overdue and closed
 * items; LibreOffice prints the sheet.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { fixture } from '../helpers/evidence.js';
import { openWorkbook } from '../helpers/ledger.js';

const run = promisify(execFile);
let api: TestApi;
let wb: ExcelJS.Workbook;
let bytes: Buffer;
let numbers: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'taizhang-rect-'));

async function step(id: string, as: string, body: Record<string, unknown>) {
  const { version } = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body.item;
  const res = await api.call('POST', `/api/rectifications/${id}/transition`, { as, body: { ...body, version } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

beforeAll(async () => {
  api = await startTestApi();
  const res = await api.call('POST', '/api/submissions', {
    as: 'sun-li',
    body: {
      templateId: 'inspection',
      data: {
        kind: '专项督查', date: '2026-11-10', division: 'policy', team: ['sun-li'], progress: '整改中',
        findingsList: [
          { description: '学习记录不全', division: 'policy', person: 'zhou-tao', deadline: '2026-11-20' },
          { description: '宣传栏未更新', division: 'services', person: 'wu-fang', deadline: '2026-11-25' },
          { description: '群管理员未明确', division: 'center', person: 'huang-lei', deadline: '2026-12-15' },
        ],
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const items = (await api.call('GET', `/api/rectifications?inspection=${res.body.id}`, { as: 'sun-li' })).body.items as any[];
  numbers = Object.fromEntries(items.map((i) => [i.data.description, i.number]));
  const first = items.find((i) => i.data.description === '学习记录不全');
  // The first is rectified with a photo and closed; the second is overdue; the third is still in time.
  await step(first.id, 'zhou-tao', { action: 'report', measures: '补齐学习记录' });
  const photo = fixture('photo.jpg');
  const signed = await api.call('POST', `/api/submissions/${first.id}/attachments`, { as: 'zhou-tao', body: { name: '整改照片.jpg', size: photo.length } });
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.body.upload.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(photo)]), '整改照片.jpg');
  expect((await fetch(new URL(signed.body.upload.url, api.url), { method: 'POST', body: form })).status).toBe(204);
  expect((await api.call('POST', `/api/submissions/${first.id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'zhou-tao' })).status).toBe(200);
  await step(first.id, 'zhou-tao', { action: 'submit' });
  await step(first.id, 'sun-li', { action: 'close' });
  ({ bytes } = await api.compileWorkbook('sun-li', { period: '2026-11' }));
  wb = await openWorkbook(bytes);
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await api.close();
});

const cells = (ws: ExcelJS.Worksheet, r: number) => {
  const out: string[] = [];
  ws.getRow(r).eachCell({ includeEmpty: true }, (c, n) => {
    const v = c.value;
    out[n - 1] = v instanceof Date ? v.toISOString().slice(0, 10) : v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((t) => t.text).join('') : String(v);
  });
  return out;
};

describe('the 问题整改台账 sheet', () => {
  it('follows the inspections’ sheet', () => {
    const names = wb.worksheets.map((w) => w.name);
    expect(names.indexOf('问题整改')).toBe(names.indexOf('综合检查和专项督查') + 1);
  });

  it('has a row per item with its number, finding, division, person, deadline, measures, status, closing and evidence count', () => {
    const ws = wb.getWorksheet('问题整改')!;
    let header = 0;
    for (let r = 1; r <= 10 && !header; r++) if (cells(ws, r).includes('问题描述')) header = r;
    expect(header).toBeGreaterThan(0);
    const head = cells(ws, header);
    expect(head).toEqual(['序号', '记录编号', '问题描述', '责任科室', '责任人', '整改期限', '整改措施', '状态', '销号人', '销号日期', '佐证材料（件）', '填报人', '填报时间']);
    const rows = [1, 2, 3].map((i) => Object.fromEntries(cells(ws, header + i).map((v, j) => [head[j], v])));
    const byNumber = Object.fromEntries(rows.map((r) => [r['记录编号'], r]));
    expect(Object.keys(byNumber).sort()).toEqual(Object.values(numbers).sort());
    expect(byNumber[numbers['学习记录不全']!]).toMatchObject({
      问题描述: '学习记录不全', 责任科室: '政策法规科', 责任人: '周涛（示例）', 整改期限: '2026-11-20', 整改措施: '补齐学习记录',
      状态: '已销号', 销号人: '孙丽（示例）', 销号日期: '2026-11-28', '佐证材料（件）': '1',
    });
    expect(byNumber[numbers['宣传栏未更新']!]).toMatchObject({ 问题描述: '宣传栏未更新', 责任科室: '服务保障科', 状态: '待整改', 销号人: '', '佐证材料（件）': '0' });
  });

  it('is summed up on the cover: open, overdue and closed', () => {
    const cover = wb.worksheets[0]!;
    const text: string[] = [];
    cover.eachRow((row) => text.push(cells(cover, row.number).join(' ')));
    expect(text.join('\n')).toContain('问题整改 共 3 项，未销号 2 项（其中逾期 1 项），已销号 1 项（截至2026年11月28日）');
  });

  it('prints in LibreOffice, every item’s number and finding on the page', async () => {
    const xlsx = join(dir, 'ledger.xlsx');
    writeFileSync(xlsx, bytes);
    await run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], { timeout: 150_000 });
    const text = (await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'ledger.pdf'), '-'], { maxBuffer: 64 * 1024 * 1024 })).stdout.replace(/\s+/g, '');
    expect(readFileSync(join(dir, 'ledger.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(text).toContain('问题整改台账');
    for (const [finding, number] of Object.entries(numbers)) {
      expect(text).toContain(number);
      expect(text).toContain(finding);
    }
  }, 200_000);
});
