/**
 * Issue 13 item 6 in real Chromium: one record printed from its page (A4 portrait, the print
 * stylesheet) read back with pdftotext, and the register's 导出 Excel downloading exactly the
 * filtered records, at phone and desktop sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { launch, SCREENSHOTS, signIn as signInAs } from '../helpers/browser.js';
import { fixture } from '../helpers/evidence.js';
import { memberReport, studySession } from '../helpers/fixtures.js';
import { openWorkbook } from '../helpers/ledger.js';

let api: TestApi;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'records-print-'));
const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['laptop', { width: 1366, height: 768 }],
] as const;
const NAMES: Record<string, RegExp> = { 'sun-li': /孙丽/, 'zhou-tao': /周涛/ };

/** 4,000-odd characters in numbered paragraphs, so order and completeness are both checkable. */
const LONG = Array.from({ length: 48 }, (_, i) => `第${i + 1}段：围绕意识形态工作责任制落实情况，分管领域开展专题学习和研判，逐项整改网络阵地管理中的问题${i + 1}。`).join('\n');
let reportId = '';
let reportNumber = '';

beforeAll(async () => {
  api = await startTestApi({ web: true });
  browser = await launch();
  expect(LONG.length).toBeGreaterThan(2500);
  expect(LONG.length).toBeLessThanOrEqual(5000);
  // The office files a 代填 for li-na, edits it once and adds a photo: the history has three lines.
  const made = await api.call('POST', '/api/submissions', { as: 'sun-li', body: memberReport({ summary: LONG, topic: '分管领域意识形态工作汇报' }) });
  expect(made.status).toBe(201);
  const edited = await api.call('PUT', `/api/submissions/${made.body.id}`, { as: 'sun-li', body: { data: { ...made.body.data, remarks: '已补充材料' }, version: 1 } });
  expect(edited.status).toBe(200);
  reportId = made.body.id;
  reportNumber = made.body.number;
  // One evidence file, as the page uploads it (the signed form POST), so the sheet lists its name.
  const photo = fixture('photo.jpg');
  const signed = await api.call('POST', `/api/submissions/${reportId}/attachments`, { as: 'sun-li', body: { name: '汇报现场照片.jpg', size: photo.length } });
  expect(signed.status).toBe(201);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.body.upload.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(photo)]), '汇报现场照片.jpg');
  expect((await fetch(new URL(signed.body.upload.url, api.url), { method: 'POST', body: form })).status).toBe(204);
  expect((await api.call('POST', `/api/submissions/${reportId}/attachments/${signed.body.attachmentId}/finalise`, { as: 'sun-li' })).status).toBe(200);
  for (const [date, topic] of [
    ['2026-03-10', '学习习近平文化思想'],
    ['2026-05-10', '网络意识形态安全'],
    ['2025-12-10', '去年的学习'],
  ])
    expect((await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ topic, date }) })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  // KEEP_PRINT=1 keeps the PDFs and workbooks to look at.
  if (!process.env.KEEP_PRINT) rmSync(dir, { recursive: true, force: true });
});

const signIn = (user: string, viewport: { width: number; height: number }) => signInAs(browser, api.url, NAMES[user]!, viewport, { acceptDownloads: true });

const squeeze = (s: string) => s.replace(/\s+/g, '');

describe('printing one record', () => {
  for (const [size, viewport] of SIZES)
    it(`prints the record on A4 with every field in full, the history and the signature block (${size})`, async () => {
      const page = await signIn('sun-li', viewport);
      await page.goto(`${api.url}/#/records/${reportId}`);
      await page.getByRole('button', { name: '打印' }).waitFor();
      // The sheet's history is loaded before printing.
      await page.locator('.print-history li').nth(2).waitFor({ state: 'attached' });
      const pdf = join(dir, `record-${size}.pdf`);
      writeFileSync(pdf, await page.pdf({ format: 'A4', preferCSSPageSize: true }));
      const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
      const flat = squeeze(text);
      const form = (await api.call('GET', '/api/templates/member-report', { as: 'sun-li' })).body;
      expect(flat).toContain(squeeze(form.ledgerTitle));
      expect(flat).toContain(`记录编号：${reportNumber}`);
      expect(flat).toContain('填报单位（盖章）');
      // Every character of the long text, in order (pdftotext breaks lines where the page does).
      expect(flat).toContain(squeeze(LONG));
      for (const f of form.fields as { label: string }[]) expect(flat, f.label).toContain(squeeze(f.label));
      expect(flat).toContain('孙丽（示例）代李娜（示例）填报');
      expect(flat, 'dates written in Chinese').toContain('2026年11月2日');
      expect(flat).toContain('第1版');
      expect(flat).toContain('第2版');
      expect(flat).toMatch(/修改（备注）/);
      expect(flat).toMatch(/第3版.*添加佐证材料（汇报现场照片\.jpg）/);
      // The evidence row names the file (pdftotext reads the label column before the values).
      expect(flat.match(/汇报现场照片\.jpg/g)?.length, 'the evidence file by name, in its row and the history').toBe(2);
      expect(flat).toMatch(/填表人：.*审核人：.*负责人：.*日期：/);
      // None of the frame, navigation or buttons.
      for (const word of ['跳到主要内容', '退出', '记录登记簿', '打印', '撤回', '填报台账']) expect(flat, word).not.toContain(word);
      const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
      // A4 portrait: 595 × 842 pt, narrower than tall.
      const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
      expect(Math.round(Number(w))).toBe(595);
      expect(Math.round(Number(h))).toBe(842);
      // The pages as pictures beside the other screenshots, to look at.
      mkdirSync(SCREENSHOTS, { recursive: true });
      execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(SCREENSHOTS, `record-print-${size}`)]);
      await page.context().close();
    }, 60_000);
});

/** Every 记录编号 on the workbook's ledger sheets. */
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
  return out;
}

describe('exporting the register', () => {
  for (const [size, viewport] of SIZES)
    it(`downloads the filtered register as a workbook (${size})`, async () => {
      const page = await signIn('sun-li', viewport);
      await page.goto(`${api.url}/#/records?form=study-session&period=2026`);
      await page.locator('table tbody tr, .card-row, [role="row"]').first().waitFor({ state: 'attached' });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      const file = join(dir, `export-${size}.xlsx`);
      await download.saveAs(file);
      const got = await numbersIn(readFileSync(file));
      const want = (await api.call('GET', '/api/submissions?templateId=study-session&period=2026&limit=100', { as: 'sun-li' })).body.items.map((r: { number: string }) => r.number);
      expect(want).toHaveLength(2);
      expect(got.sort()).toEqual(want.sort());
      await page.context().close();
    }, 60_000);
});
