import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompilationContent } from '../../functions/core/ledger/content.js';
import { planOrder } from '../../functions/core/ledger/layout.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import type { Field, FormTemplate } from '../../functions/core/templates/templates.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { NO_RECORDS, writeWorkbook } from '../../functions/ledger/workbook.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { fixedContent, openWorkbook, quotePrefixedCells, readWithSecondReader } from '../helpers/ledger.js';

// The printed ledger as an inspection team gets it: LibreOffice (libreoffice-calc-nogui) prints the
// workbook to PDF and poppler's pdftotext reads the pages back (both installed by .ci/run).
const run = promisify(execFile);
const catalog = readCatalog(TEMPLATES_DIR);
const org = catalog.exampleOrganisation;
const dir = mkdtempSync(join(tmpdir(), 'taizhang-print-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = catalog.form('member-report')!;
const meeting = catalog.form('party-group-meeting')!;
// 5,000 characters that never repeat in a window, so "in order" means something: numbered sentences.
const LONG = (() => {
  let s = '';
  for (let i = 1; s.length < 5000; i++) s += `第${i}句：落实意识形态工作责任制情况${i % 7 === 0 ? '=公式样' : ''}。`;
  return s.slice(0, 5000);
})();

function base(form: FormTemplate, i: number, data: Record<string, unknown>): RecordState {
  return {
    id: `01TESTPRINT${form.id.slice(0, 4).toUpperCase()}${String(i).padStart(11, '0')}`,
    unit: org.unit.id,
    templateId: form.id,
    version: 1,
    status: 'active',
    date: '2026-11-05',
    period: form.period === 'half' ? '2026-H2' : '2026-11',
    owner: 'sun-li',
    number: `${form.title.slice(0, 2)}-2026-${String(i).padStart(3, '0')}`,
    data,
    createdAt: '2026-11-06T02:00:00.000Z',
    createdBy: 'sun-li',
    updatedAt: '2026-11-06T02:00:00.000Z',
    updatedBy: 'sun-li',
  };
}

/** Every field at its maximum: the longest text allowed, the longest option, the most people. */
function maxValue(f: Field): unknown {
  const people = org.people.map((p) => p.id);
  switch (f.type) {
    case 'date':
      return '2026-11-28';
    case 'integer':
    case 'number':
      return f.max ?? 100;
    case 'select':
      return [...f.options!].sort((a, b) => b.length - a.length)[0];
    case 'multiselect':
      return f.options;
    case 'person':
      return people[0];
    case 'people':
      return Array.from({ length: f.maxLength ?? 20 }, (_, i) => people[i % people.length]);
    case 'division':
      return org.divisions[0]!.id;
    case 'boolean':
      return true;
    default:
      return Array.from({ length: f.maxLength ?? 200 }, (_, i) => '满格文字测试'[i % 6]).join('');
  }
}

async function* items<T>(list: T[]) {
  for (const x of list) yield x;
}

/** A matrix long enough to need a second cover page. */
function longContent(): CompilationContent {
  const c = fixedContent();
  c.cover.matrix.rows = Array.from({ length: 45 }, (_, i) => [`第${i + 1}项责任要求`, { status: 'met', text: '已完成' }, { status: 'not-due', text: '未到期' }, null]);
  return c;
}

let text: string;
let pages: string[];
let xlsx: string;
beforeAll(async () => {
  xlsx = join(dir, 'print.xlsx');
  const summary = base(report, 1, { reporter: 'zhang-wei', reportDate: '2026-11-05', reportType: '专题汇报', topic: '意识形态工作专题汇报', summary: LONG });
  const full = base(meeting, 1, Object.fromEntries(meeting.fields.map((f) => [f.key, maxValue(f)])));
  const ledgers = planOrder(catalog.forms, catalog.obligations.obligations).map((form) => ({
    form,
    records: () => items(form.id === report.id ? [summary] : form.id === meeting.id ? [full] : []),
  }));
  await writeWorkbook(
    {
      org,
      period: parsePeriod('2026-11')!,
      asOf: '2026-11-30',
      compiledAt: new Date('2026-12-01T01:00:00+08:00'),
      compiledBy: '孙丽（示例）',
      trigger: 'scheduled',
      content: longContent(),
      ledgers,
    },
    xlsx,
  );
  await run('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], { timeout: 150_000 });
  text = (await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'print.pdf'), '-'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  pages = text.split('\f');
}, 200_000);

const squeeze = (s: string) => s.replace(/\s+/g, '');
/** The printed text without white space and without the page footers (sheet name, page number) between pages. */
const SHEETS = ['封面', ...catalog.forms.map((f) => f.title), '记录详情', '考核评分', '月度汇总', '佐证材料目录'];
const FOOTER = new RegExp(`(${SHEETS.join('|')})第\\d+页`, 'g');
const body = () => squeeze(text).replace(FOOTER, '');

describe('the printed workbook (LibreOffice → PDF → pdftotext)', () => {
  it('prints every character of a 5,000-character text, in order', () => {
    // The detail splits the text over rows labelled （续）; taken out, the rest is the text itself.
    const printed = body().replace(/主要内容摘要（续）/g, '');
    expect(printed).toContain(squeeze(LONG));
  });

  it('prints every field of a record filled to the maximum', () => {
    const printed = body();
    for (const f of meeting.fields.filter((x) => x.type === 'longtext')) {
      const v = String(maxValue(f));
      expect(printed.replace(new RegExp(`${f.label}（续）`, 'g'), ''), f.label).toContain(v);
    }
  });

  it('says 本期无记录 on an empty ledger and prints the signature block under each table', () => {
    expect(text).toContain(NO_RECORDS);
    const signatures = pages.filter((p) => ['填表人：', '审核人：', '负责人：', '日期：'].every((w) => p.includes(w))).length;
    // One per ledger sheet, the assessment, the monthly summary and the evidence index.
    expect(signatures).toBeGreaterThanOrEqual(catalog.forms.length + 3);
  });

  it('puts the 目录 on the cover’s first page and repeats the matrix header on every later page', () => {
    expect(squeeze(pages[0]!)).toContain('目录');
    expect(squeeze(pages[1]!)).toContain('责任要求上半年下半年');
    expect(squeeze(pages[1]!)).toContain('第1项责任要求');
    // The matrix runs over to a further page, which starts with the header again.
    expect(squeeze(pages[2]!)).not.toContain('第1项责任要求');
    expect(squeeze(pages[2]!).startsWith('责任要求上半年下半年')).toBe(true);
  });

  it('numbers each sheet’s pages from 1', () => {
    const firsts = pages.filter((p) => /第\s*1\s*页/.test(p)).length;
    expect(firsts).toBeGreaterThanOrEqual(catalog.forms.length + 5);
  });

  it('is read by exceljs and a second reader, with the quote prefix kept and no cell over 32,767 characters', async () => {
    const wb = await openWorkbook(xlsx);
    const second = await readWithSecondReader(xlsx);
    expect(second.map((s) => s.sheet)).toEqual(wb.worksheets.map((w) => w.name));
    for (const ws of wb.worksheets)
      ws.eachRow((row) => row.eachCell((cell) => expect(String(cell.value ?? '').length).toBeLessThanOrEqual(32_767)));
    const quoted = await quotePrefixedCells(xlsx);
    expect([...quoted.values()].flat().every((t) => /^[=+\-@]/.test(t))).toBe(true);
  });
});
