import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { ledgerColumns, planOrder, recordLabel } from '../../functions/core/ledger/layout.js';
import { LINES_PER_ROW, ROW_LIMIT } from '../../functions/core/ledger/print.js';
import { STATUS, STATUS_KEYS } from '../../functions/core/ledger/style.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import { SIGNATURE, writeRecordList, writeWorkbook, type WorkbookResult, type WorkbookSpec } from '../../functions/ledger/workbook.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { fixedContent, openWorkbook, quotePrefixedCells, readWithSecondReader, sheetXml } from '../helpers/ledger.js';

const catalog = readCatalog(TEMPLATES_DIR);
const org = catalog.exampleOrganisation;
const dir = mkdtempSync(join(tmpdir(), 'ledger-wb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const study = catalog.form('study-session')!;
const meeting = catalog.form('party-group-meeting')!;

function studyRecord(i: number, over: Record<string, unknown> = {}): RecordState {
  const day = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`;
  return {
    id: `01TESTWORKBOOK${String(i).padStart(12, '0')}`,
    unit: org.unit.id,
    templateId: study.id,
    version: 1,
    status: 'active',
    date: day,
    period: '2026-11',
    owner: 'sun-li',
    data: {
      sessionType: '意识形态专题学习',
      date: day,
      location: '局三楼会议室',
      format: '集中学习',
      topic: `第${i}次专题学习`,
      content: '学习《党委（党组）意识形态工作责任制实施办法》\n交流讨论 <要点> & 体会 𠮷',
      host: 'zhang-wei',
      speakers: ['li-na', 'wang-qiang'],
      expected: 12,
      attended: 11,
      recorder: 'sun-li',
      ...over,
    },
    createdAt: '2026-11-20T02:00:00.000Z',
    createdBy: 'sun-li',
    updatedAt: '2026-11-20T02:00:00.000Z',
    updatedBy: 'sun-li',
  };
}

async function* items<T>(list: T[]) {
  for (const x of list) yield x;
}

const studies = [
  studyRecord(1, { location: '=HYPERLINK("http://example.com","点我")', topic: '=SUM(A1:A3)' }),
  studyRecord(2, { location: '+86 10 1234', absentees: '-王五（病假）', remarks: '@所有人' }),
  studyRecord(3, { topic: '控制\u0001字符\u0007会被去掉' }),
];

function spec(over: Partial<WorkbookSpec> = {}): WorkbookSpec {
  return {
    org,
    period: parsePeriod('2026-11')!,
    asOf: '2026-11-30',
    compiledAt: new Date('2026-12-01T01:00:00+08:00'),
    compiledBy: '孙丽（示例）',
    trigger: 'scheduled',
    content: fixedContent(),
    ledgers: planOrder(catalog.forms, catalog.obligations.obligations).map((form) => ({ form, records: () => items(form.id === study.id ? studies : []) })),
    ...over,
  };
}

let file: string;
let result: WorkbookResult;
let wb: ExcelJS.Workbook;
beforeAll(async () => {
  file = join(dir, 'a.xlsx');
  result = await writeWorkbook(spec(), file);
  wb = await openWorkbook(file);
});

const sheet = (name: string) => {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
};

describe('the compiled workbook', () => {
  it('has the cover, one ledger per form in the plan’s order, the detail, assessment, monthly summary and evidence index', () => {
    const order = planOrder(catalog.forms, catalog.obligations.obligations);
    expect(order.slice(0, 4).map((f) => f.id)).toEqual(['party-group-meeting', 'study-session', 'situation-analysis', 'member-report']);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', ...order.map((f) => f.title), '记录详情', '考核评分', '月度汇总', '佐证材料目录']);
    expect(result.sheets.map((s) => s.name)).toEqual(wb.worksheets.map((w) => w.name));
    for (const s of wb.worksheets) expect(s.name.length).toBeLessThanOrEqual(31);
  });

  it('reports its size and SHA-256 truthfully', () => {
    const bytes = readFileSync(file);
    expect(result.size).toBe(statSync(file).size);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('titles each ledger in one merged row, with the unit and the date below', () => {
    const ws = sheet(study.title);
    const n = ledgerColumns(study).length;
    expect(ws.getCell('A1').value).toBe('XX局2026年11月理论学习中心组学习及专题学习台账');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect((ws.model as { merges: string[] }).merges).toContain(`A1:${ws.getColumn(n).letter}1`);
    expect(ws.getCell('A1').font).toMatchObject({ name: '宋体', bold: true });
    expect(ws.getCell('A2').value).toBe('填报单位（盖章）：中共XX县XX局党组（示例）');
    expect(ws.getRow(2).values).toContain('填报时间：2026年12月1日');
  });

  it('takes the header row from the template', () => {
    for (const form of [study, meeting]) {
      const ws = sheet(form.title);
      const headers = (ws.getRow(3).values as unknown[]).slice(1);
      const labels = new Map(form.fields.map((f) => [f.key, f.label]));
      expect(headers).toEqual(['序号', '记录编号', ...form.ledger!.print!.map((k) => labels.get(k)), '填报人', '填报时间']);
      expect(ws.getCell('A3').border?.top?.style).toBe('thin');
    }
  });

  it('writes one row per record, numbered 1 to n', () => {
    const ws = sheet(study.title);
    expect(result.sheets.find((s) => s.templateId === study.id)?.rows).toBe(studies.length);
    expect([4, 5, 6].map((r) => ws.getCell(r, 1).value)).toEqual([1, 2, 3]);
    // Each row carries its record number; these records have none yet, so a stable stand-in.
    expect(ws.getCell(4, 2).value).toBe(recordLabel(studies[0]!, study).text);
    expect(ws.getCell(4, 2).value).toMatch(new RegExp(`^${study.code}-[0-9A-Z]{6}\\*$`));
    expect(ws.getCell(7, 1).value).toBe(SIGNATURE);
  });

  it('writes dates as real date cells shown as 2026年11月2日', () => {
    const ws = sheet(study.title);
    const cell = ws.getCell(4, 4); // 学习日期
    expect(cell.value).toBeInstanceOf(Date);
    expect((cell.value as Date).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(cell.numFmt).toBe('yyyy"年"m"月"d"日"');
    const at = ws.getCell(4, ledgerColumns(study).length); // 填报时间, Beijing wall clock
    expect((at.value as Date).toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('shows names for people and keeps Chinese, markup characters and 4-byte characters intact', () => {
    const ws = sheet(study.title);
    const values = ws.getRow(4).values as unknown[];
    expect(values).toContain('张伟（示例）');
    const detail = sheet('记录详情');
    const texts: unknown[] = [];
    detail.eachRow((row) => texts.push(...(row.values as unknown[])));
    expect(texts).toContain('李娜（示例）、王强（示例）');
    expect(texts).toContain('学习《党委（党组）意识形态工作责任制实施办法》\n交流讨论 <要点> & 体会 𠮷');
  });

  it('reads text that looks like a formula back as text, not a formula', () => {
    const ws = sheet(study.title);
    const cell = ws.getCell(4, 5); // 学习主题
    expect(cell.value).toBe('=SUM(A1:A3)');
    expect(cell.formula).toBeUndefined();
    expect(typeof cell.value).toBe('string');
    const texts: unknown[] = [];
    sheet('记录详情').eachRow((row) => texts.push(...(row.values as unknown[])));
    for (const t of ['=HYPERLINK("http://example.com","点我")', '+86 10 1234', '-王五（病假）', '@所有人']) expect(texts).toContain(t);
  });

  it('marks formula-looking text with the quote prefix, so editing it in Excel keeps it text', async () => {
    const quoted = await quotePrefixedCells(file);
    expect(quoted.get(study.title)).toEqual(['=SUM(A1:A3)']);
    expect(quoted.get('记录详情')).toEqual(expect.arrayContaining(['=SUM(A1:A3)', '=HYPERLINK("http://example.com","点我")', '+86 10 1234', '-王五（病假）', '@所有人']));
    // Nothing else is quoted: ordinary text keeps its ordinary style.
    for (const [, texts] of quoted) for (const t of texts) expect(t).toMatch(/^[=+\-@]/);
  });

  it('is read, every sheet, by a second reader too', async () => {
    const sheets = await readWithSecondReader(file);
    expect(sheets.map((s) => s.sheet)).toEqual(wb.worksheets.map((w) => w.name));
    const ledger = sheets.find((s) => s.sheet === study.title)!;
    expect(ledger.data.flat()).toContain('=SUM(A1:A3)');
    for (const s of sheets) for (const row of s.data) for (const v of row) if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(32_767);
  });

  it('drops control characters so the file needs no repair', () => {
    expect(sheet(study.title).getRow(6).values).toContain('控制字符会被去掉');
  });

  it('sets up printing: A4 landscape, one page wide, header row repeated, page numbers', () => {
    for (const name of [study.title, '考核评分', '月度汇总']) {
      const ws = sheet(name);
      expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' });
      // Each sheet numbers its own pages from 1 (LibreOffice's &N would count the whole workbook).
      expect(ws.pageSetup.firstPageNumber).toBe(1);
      expect(ws.headerFooter.oddFooter).toContain('&P');
      expect(ws.headerFooter.oddFooter).not.toContain('&N');
    }
    expect(sheet('封面').pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9 });
    // The compliance matrix's header repeats on every page of the cover.
    const cover = sheet('封面');
    const header = Number(cover.pageSetup.printTitlesRow!.split(':')[0]);
    expect(cover.getCell(header, 1).value).toBe('责任要求');
    expect(sheet('记录详情').pageSetup).toMatchObject({ orientation: 'portrait', paperSize: 9 });
  });

  it('freezes the header and filters on it', () => {
    const ws = sheet(study.title);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.autoFilter).toBe(`A3:${ws.getColumn(ledgerColumns(study).length).letter}6`);
  });

  it('says 本期无记录 on a form with no records, with the signature block below', () => {
    const ws = sheet(meeting.title);
    expect(ws.getCell('C3').value).toBe(meeting.fields[0]!.label);
    expect(ws.getCell('A4').value).toBe('本期无记录');
    expect(ws.getCell('A5').value).toBe(SIGNATURE);
    expect(result.sheets.find((s) => s.templateId === meeting.id)?.rows).toBe(0);
  });

  it('colours the compliance matrix by status and explains the colours in a legend', () => {
    const ws = sheet('封面');
    expect(ws.getCell('A1').value).toBe('XX局2026年11月意识形态工作台账');
    const fills = new Map<string, string>();
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const fill = cell.fill as ExcelJS.FillPattern | undefined;
        if (fill?.pattern === 'solid' && typeof cell.value === 'string') fills.set(cell.value, fill.fgColor!.argb!);
      }),
    );
    expect(fills.get('已完成')).toBe(STATUS.met.argb);
    expect(fills.get('1/2')).toBe(STATUS['in-progress'].argb);
    expect(fills.get('未完成')).toBe(STATUS.missed.argb);
    expect(fills.get('补报')).toBe(STATUS.late.argb);
    expect(fills.get('未到期')).toBe(STATUS['not-due'].argb);
    const texts: unknown[] = [];
    ws.eachRow((row) => texts.push(...(row.values as unknown[])));
    expect(texts).toContain('图例');
    for (const k of STATUS_KEYS) expect(texts).toContain(STATUS[k].hint);
    for (const fact of ['中共XX县XX局党组（示例）', '2026年11月', '2026年12月1日 01:00', '孙丽（示例）', '每月定时汇编', '9 项'])
      expect(texts).toContain(fact);
  });

  it('writes the assessment and monthly sheets from the provider, numbers as numbers and dates as dates', () => {
    const a = sheet('考核评分');
    expect(a.getCell('A1').value).toBe('XX局2026年意识形态工作责任制考核评分表');
    expect((a.getRow(3).values as unknown[]).slice(1)).toEqual(['考核项目', '标准分', '扣分', '扣分原因', '佐证记录编号', '得分']);
    expect(a.getCell('F6').value).toBe(18);
    expect(a.getCell('A7').value).toBe(SIGNATURE);
    const m = sheet('月度汇总');
    expect(m.getCell('F4').value).toBeInstanceOf(Date);
    expect(m.getCell('F4').numFmt).toBe('yyyy"年"m"月"d"日"');
    expect((m.getCell('E5').fill as ExcelJS.FillPattern).fgColor?.argb).toBe(STATUS.missed.argb);
  });
});

describe('the record detail', () => {
  it('gives each record a block: its number, every field’s label and full value, long values over several rows', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => '意识形态工作责任制落实情况abc'[i % 16]).join('');
    const one = studyRecord(9, { content: long, absentees: '缺'.repeat(300) });
    const out = join(dir, 'detail.xlsx');
    await writeWorkbook(spec({ ledgers: [{ form: study, records: () => items([one]) }, { form: meeting, records: () => items([]) }] }), out);
    const book = await openWorkbook(out);
    const detail = book.getWorksheet('记录详情')!;
    const rows: { label: string; value: string; height: number }[] = [];
    detail.eachRow((row, n) => {
      if (n > 2) rows.push({ label: String(row.getCell(1).value ?? ''), value: String(row.getCell(2).value ?? ''), height: row.height });
    });
    expect(rows).toContainEqual(expect.objectContaining({ label: '1. 记录编号', value: recordLabel(one, study).text }));
    for (const f of study.fields) expect(rows.some((r) => r.label === f.label), f.label).toBe(true);
    const label = study.fields.find((f) => f.key === 'content')!.label;
    const pieces = rows.filter((r) => r.label === label || r.label === `${label}（续）`);
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.map((r) => r.value).join('')).toBe(long);
    for (const r of rows) {
      expect(r.value.length).toBeLessThanOrEqual(32_767);
      expect(r.height ?? 0).toBeLessThanOrEqual(ROW_LIMIT);
    }
    expect(LINES_PER_ROW).toBeGreaterThan(10);
    // The empty ledger says so in the detail too.
    expect(rows.some((r) => r.label === '本期无记录')).toBe(true);
    // In the ledger table the long value is cut with a pointer to the detail; nothing passes one row.
    const ledger = book.getWorksheet(study.title)!;
    const absent = (ledger.getRow(4).values as unknown[]).find((v) => typeof v === 'string' && v.startsWith('缺'));
    expect(absent).toBeUndefined(); // 缺席人员 is not a printed column of this template
  });

  it('starts a block on a new page when it would straddle one', async () => {
    const many = Array.from({ length: 12 }, (_, i) => studyRecord(i, { content: '长'.repeat(500) }));
    const out = join(dir, 'breaks.xlsx');
    await writeWorkbook(spec({ ledgers: [{ form: study, records: () => items(many) }] }), out);
    const book = await openWorkbook(out);
    const detail = book.getWorksheet('记录详情')!;
    const xml = await sheetXml(out, '记录详情');
    const breaks = [...xml.matchAll(/<brk [^>]*id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(breaks.length).toBeGreaterThan(0);
    // Each break falls just before a block's first row.
    for (const id of breaks) expect(String(detail.getCell(id + 1, 1).value)).toMatch(/^(\d+\. 记录编号|《)/);
  });
});

describe('exporting a filtered list', () => {
  it('writes any records as a workbook in the ledgers’ style: cover with the filter, one ledger per form, the detail', async () => {
    const meetingRecord: RecordState = { ...studyRecord(5), id: '01TESTWORKBOOKMEETING00001', templateId: meeting.id, number: '党组-2026-001', data: { date: '2026-11-05', meetingName: '第5次党组会议', topics: '=研究意识形态工作' } };
    const out = join(dir, 'list.xlsx');
    const res = await writeRecordList(
      { org, forms: planOrder(catalog.forms, catalog.obligations.obligations), records: [studies[0]!, meetingRecord, studies[1]!], filterLabel: '2026年11月 · 全部表单', exportedAt: new Date('2026-12-01T01:00:00+08:00'), exportedBy: '孙丽（示例）' },
      out,
    );
    const book = await openWorkbook(out);
    expect(book.worksheets.map((w) => w.name)).toEqual(['封面', meeting.title, study.title, '记录详情']);
    expect(res.sheets.find((s) => s.templateId === study.id)?.rows).toBe(2);
    const cover: unknown[] = [];
    book.getWorksheet('封面')!.eachRow((row) => cover.push(...(row.values as unknown[])));
    expect(cover).toContain('2026年11月 · 全部表单');
    expect(cover).toContain('3 条');
    const m = book.getWorksheet(meeting.title)!;
    expect(m.getCell('B4').value).toBe('党组-2026-001');
    expect(m.getCell('A2').value).toBe('填报单位（盖章）：中共XX县XX局党组（示例）');
    expect(m.getCell('A5').value).toBe(SIGNATURE);
    expect((await quotePrefixedCells(out)).get(meeting.title)).toEqual(['=研究意识形态工作']);
    expect((await readWithSecondReader(out)).length).toBe(4);
  });
});

describe('writing under load', () => {
  it('waits for the zip stream, so what is queued for it stays bounded', async () => {
    const many = Array.from({ length: 4000 }, (_, i) => studyRecord(i, { content: '长'.repeat(600) }));
    const out = await writeWorkbook(spec({ ledgers: [{ form: study, records: () => items(many) }] }), join(dir, 'b.xlsx'));
    expect(out.sheets.find((s) => s.templateId === study.id)?.rows).toBe(4000);
    // The check saw the queue (the exceljs internals are still where the writer expects them)…
    expect(out.maxBuffered).toBeGreaterThan(0);
    // …and never let it grow past the threshold by more than a batch of rows.
    expect(out.maxBuffered).toBeLessThan(2 * 1024 * 1024);
  });

  it('names sheets uniquely when the provider reuses a form title', async () => {
    const content = fixedContent();
    content.assessment.name = study.title;
    content.monthly.name = '一个远远超过三十一个字符的月度汇总工作表名称，需要截断才行';
    const out = await writeWorkbook(spec({ content }), join(dir, 'c.xlsx'));
    const names = out.sheets.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(`${study.title}(2)`);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(31);
    const reopened = await openWorkbook(join(dir, 'c.xlsx'));
    expect(reopened.worksheets.map((w) => w.name)).toEqual(names);
  });
});

describe('when the store fails mid-sheet', () => {
  it('rejects with the store’s error and leaves no stray stream errors behind', async () => {
    async function* failing() {
      for (let i = 0; i < 300; i++) yield studyRecord(i, { content: '长'.repeat(2000) });
      throw new Error('store went away');
    }
    const unhandled: unknown[] = [];
    const onError = (e: unknown) => unhandled.push(e);
    process.on('uncaughtException', onError);
    process.on('unhandledRejection', onError);
    try {
      await expect(writeWorkbook(spec({ ledgers: [{ form: study, records: failing }] }), join(dir, 'd.xlsx'))).rejects.toThrow('store went away');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    }
  });
});
