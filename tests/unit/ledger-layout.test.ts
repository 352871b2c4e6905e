import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import {
  MAX_CELL_CHARS,
  chineseDate,
  chineseDateTime,
  cleanText,
  compilationFilename,
  excelDate,
  excelDateTime,
  ledgerColumns,
  rangeLabel,
  rowFormatter,
  rowHeight,
  recordLabel,
  detailFormatter,
  ledgerPrintSize,
  DATE_WIDTH,
  DATETIME_WIDTH,
  sheetNamer,
  workbookTitle,
} from '../../functions/core/ledger/layout.js';
import { STATUS, STATUS_KEYS } from '../../functions/core/ledger/style.js';
import { effectivePrintSize, fitScale, splitForRows, textLines, LINES_PER_ROW, ROW_LIMIT, linesHeight } from '../../functions/core/ledger/print.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import type { FormTemplate } from '../../functions/core/templates/templates.js';
import { TEMPLATES_DIR } from '../helpers/api.js';

const catalog = readCatalog(TEMPLATES_DIR);
const org = catalog.exampleOrganisation;

/** A form with one field of every type, one hidden, one with its own width. */
const form: FormTemplate = {
  id: 'every-type',
  title: '测试表',
  code: 'ZZ',
  ledgerTitle: '测试台账',
  dateField: 'day',
  review: false,
  period: 'month',
  rules: [],
  fields: [
    { key: 'day', label: '日期', type: 'date', required: true },
    { key: 'note', label: '说明', type: 'text', required: false },
    { key: 'body', label: '内容', type: 'longtext', required: false, ledger: { width: 44 } },
    { key: 'count', label: '人数', type: 'integer', required: false },
    { key: 'score', label: '分值', type: 'number', required: false },
    { key: 'kind', label: '类别', type: 'select', required: false, options: ['甲', '一个很长很长的选项名称'] },
    { key: 'tags', label: '领域', type: 'multiselect', required: false, options: ['思想理论', '新闻舆论'] },
    { key: 'host', label: '主持人', type: 'person', required: false },
    { key: 'team', label: '参加人员', type: 'people', required: false },
    { key: 'division', label: '责任科室', type: 'division', required: false },
    { key: 'public', label: '是否公开', type: 'boolean', required: false },
    { key: 'secret', label: '内部编号', type: 'text', required: false, ledger: { hidden: true } },
  ],
};

const record = (data: Record<string, unknown>): RecordState => ({
  id: '01TESTLAYOUT00000000000001',
  unit: org.unit.id,
  templateId: form.id,
  version: 1,
  status: 'active',
  date: '2026-11-03',
  period: '2026-11',
  owner: 'sun-li',
  data,
  createdAt: '2026-11-03T17:30:00.000Z',
  createdBy: 'sun-li',
  updatedAt: '2026-11-03T17:30:00.000Z',
  updatedBy: 'sun-li',
});

describe('ledger columns', () => {
  it('puts 序号 and 记录编号 first, then each visible field in template order, then 填报人, 填报时间', () => {
    const headers = ledgerColumns(form).map((c) => c.header);
    expect(headers).toEqual(['序号', '记录编号', '日期', '说明', '内容', '人数', '分值', '类别', '领域', '主持人', '参加人员', '责任科室', '是否公开', '填报人', '填报时间']);
    expect(headers).not.toContain('内部编号');
  });

  it('takes the template width, and otherwise a default by type wide enough for Chinese labels and options', () => {
    const cols = new Map(ledgerColumns(form).map((c) => [c.header, c]));
    expect(cols.get('内容')!.width).toBe(44);
    // the width rule: the longest date, 2026年12月28日, in 宋体 at Excel's and WPS's pixel widths
    expect(cols.get('日期')!.width).toBe(DATE_WIDTH);
    expect(DATE_WIDTH).toBeGreaterThanOrEqual((8 * 8 + 3 * 15 + 8 - 5) / 7);
    expect(cols.get('填报时间')!.width).toBe(DATETIME_WIDTH);
    expect(DATETIME_WIDTH).toBeGreaterThanOrEqual((14 * 8 + 3 * 15 + 8 - 5) / 7);
    // the longest option, 11 characters at 1.9 units each, plus padding
    expect(cols.get('类别')!.width).toBeGreaterThanOrEqual(11 * 1.9);
    expect(cols.get('类别')!.width).toBeLessThanOrEqual(24);
    for (const c of ledgerColumns(form)) expect(c.width).not.toBe(9);
  });

  it('prints the fields a shipped template lists in ledger.print, in that order', () => {
    for (const f of catalog.forms) {
      const headers = ledgerColumns(f).map((c) => c.header);
      expect(f.ledger?.print, f.id).toBeDefined();
      const byKey = new Map(f.fields.map((x) => [x.key, x.label]));
      // After 序号 and 记录编号, before the review and 代填 columns the form asks for and 填报人, 填报时间.
      const tail = 2 + (f.review ? 2 : 0) + (f.subjectField ? 1 : 0) + (f.ledger?.evidenceCount ? 1 : 0);
      expect(headers.slice(2, -tail)).toEqual(f.ledger!.print!.map((k) => byKey.get(k)));
    }
  });

  it('adds a 佐证材料（件） column with each record’s evidence count where the template asks for it', () => {
    const counted = { ...form, ledger: { ...form.ledger, paper: 'A4' as const, evidenceCount: true } };
    const headers = ledgerColumns(counted).map((c) => c.header);
    const at = headers.indexOf('佐证材料（件）');
    expect(at).toBe(headers.length - 3);
    const withFiles = { ...record({ day: '2026-11-03' }), attachments: [{ id: 'a', name: '照片.jpg', type: 'image/jpeg', size: 1, sha256: 'x', addedAt: '', addedBy: 'sun-li' }, { id: 'b', name: '表.pdf', type: 'application/pdf', size: 1, sha256: 'y', addedAt: '', addedBy: 'sun-li' }] };
    expect(rowFormatter(counted, org)(withFiles, 1)[at]).toBe(2);
    expect(rowFormatter(counted, org)(record({ day: '2026-11-03' }), 1)[at]).toBe(0);
  });

  it('adds 审核人 and 审核日期 for a reviewed form and 代填 for a form with a subject', () => {
    const headers = ledgerColumns({ ...form, review: true, subjectField: 'host' }).map((c) => c.header);
    expect(headers.slice(-5)).toEqual(['审核人', '审核日期', '代填', '填报人', '填报时间']);
  });

  it('wraps text, aligns free text left and centres choices, names and dates', () => {
    const cols = new Map(ledgerColumns(form).map((c) => [c.header, c]));
    expect(cols.get('内容')).toMatchObject({ wrap: true, align: 'left', kind: 'text' });
    expect(cols.get('类别')).toMatchObject({ wrap: true, align: 'center' });
    expect(cols.get('日期')).toMatchObject({ wrap: false, align: 'center' });
    expect(cols.get('人数')).toMatchObject({ kind: 'integer', align: 'right' });
    expect(cols.get('日期')).toMatchObject({ kind: 'date' });
    expect(cols.get('填报时间')).toMatchObject({ kind: 'datetime' });
  });
});

describe('ledger values', () => {
  const format = rowFormatter(form, org);

  it('turns ids into names, choices into text, dates into UTC date cells and numbers into numbers', () => {
    const row = format(
      record({
        day: '2026-11-03',
        note: '普通文字',
        body: '第一行\n第二行',
        count: 12,
        score: 2.5,
        kind: '甲',
        tags: ['思想理论', '新闻舆论'],
        host: 'zhang-wei',
        team: ['li-na', 'wang-qiang'],
        division: 'policy',
        public: false,
        secret: 'X-1',
      }),
      7,
    );
    expect(row).toEqual([
      7,
      recordLabel({ id: '01TESTLAYOUT00000000000001', date: '2026-11-03' }, form).text,
      new Date(Date.UTC(2026, 10, 3)),
      '普通文字',
      '第一行\n第二行',
      12,
      2.5,
      '甲',
      '思想理论、新闻舆论',
      '张伟（示例）',
      '李娜（示例）、王强（示例）',
      '政策法规科',
      '否',
      '孙丽（示例）',
      // 17:30 UTC is 01:30 the next morning in Beijing, shown as such
      new Date(Date.UTC(2026, 10, 4, 1, 30)),
    ]);
  });

  it('leaves absent values empty and shows unknown ids as they are', () => {
    const row = format(record({ day: '2026-11-03', host: 'gone-person', public: true }), 1);
    expect(row[3]).toBeNull();
    expect(row[5]).toBeNull();
    expect(row[9]).toBe('gone-person');
    expect(row[12]).toBe('是');
  });

  it('keeps text that looks like a formula as plain text', () => {
    for (const text of ['=SUM(A1:A9)', '+86 123', '-1', '@cmd']) {
      const row = format(record({ day: '2026-11-03', note: text }), 1);
      expect(row[3]).toBe(text);
    }
  });
});

describe('cell text', () => {
  it('removes characters XML forbids and keeps tab, newline, return and 4-byte characters', () => {
    expect(cleanText('a\u0000b\u0001c\u0008d\u000be\u001ff\ufffeg\uffff')).toBe('abcdefg');
    expect(cleanText('一\t二\n三\r四 𠮷 <>&')).toBe('一\t二\n三\r四 𠮷 <>&');
    expect(cleanText('lone \ud800 high and \udc00 low')).toBe('lone  high and  low');
  });

  it('cuts text at the 32,767-character limit with a note, never splitting a surrogate pair', () => {
    const long = '𠮷'.repeat(20_000);
    const out = cleanText(long);
    expect(out.length).toBeLessThanOrEqual(MAX_CELL_CHARS);
    expect(out).toMatch(/已截断）$/);
    expect(cleanText(out)).toBe(out);
    expect(cleanText('短')).toBe('短');
  });
});

describe('sheet names', () => {
  it('keeps names at most 31 characters, unique, without characters Excel refuses', () => {
    const name = sheetNamer();
    const long = '党组会议专题研究意识形态工作及其他各项工作的落实情况登记表汇总（含附件）';
    const a = name(long);
    const b = name(long);
    const c = name(long);
    expect(a.length).toBeLessThanOrEqual(31);
    expect(b.length).toBeLessThanOrEqual(31);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(b.endsWith('(2)')).toBe(true);
    expect(c.endsWith('(3)')).toBe(true);
    expect(name('a/b\\c?d*e[f]g:h')).toBe('abcdefgh');
    expect(name("it's")).toBe('it’s');
    expect(name('')).toBe('Sheet');
    expect(name('History')).not.toBe('History');
    expect(name('ABC')).toBe('ABC');
    expect(name('abc')).toBe('abc(2)');
  });
});

describe('row heights', () => {
  const cols = [
    { width: 6, wrap: false },
    { width: 20, wrap: true },
  ];
  it('leaves a one-line row alone and raises a row by the lines its wrapped text needs', () => {
    expect(rowHeight([1, '短文字'], cols)).toBeUndefined();
    // 20 units are 145 px, 137 px inside the padding: 9 characters of 15 px a line, so 95 need 11 lines
    const eleven = rowHeight([1, '字'.repeat(95)], cols)!;
    expect(eleven).toBeGreaterThanOrEqual(11 * 16);
    expect(rowHeight([1, '一\n二\n三'], cols)).toBeGreaterThanOrEqual(3 * 14);
    expect(rowHeight([1, '字'.repeat(20_000)], cols)).toBe(409);
    // An unwrapped column never raises the row.
    expect(rowHeight(['字'.repeat(100), ''], cols)).toBeUndefined();
  });
});

describe('rows fields', () => {
  it('print each row in the detail as a numbered line: the first sub-field, then the others labelled', () => {
    const inspection = catalog.form('inspection')!;
    const lines = detailFormatter(inspection, org)({
      ...record({}),
      templateId: 'inspection',
      data: {
        date: '2026-11-03',
        findingsList: [
          { id: 'r1', description: '学习记录不全', division: 'policy', person: 'zhou-tao', deadline: '2026-12-01' },
          { id: 'r2', description: '宣传栏未更新' },
        ],
      },
    });
    expect(lines.find((l) => l.label === '问题清单')!.value).toBe('1. 学习记录不全（责任科室：政策法规科；责任人：周涛（示例）；整改期限：2026年12月1日）\n2. 宣传栏未更新');
  });
});

describe('printed size', () => {
  it('prints every shipped template’s ledger table at 9 pt or more, even with review and 代填 columns', () => {
    for (const f of catalog.forms) {
      expect(ledgerPrintSize(f), f.id).toBeGreaterThanOrEqual(9);
      expect(ledgerPrintSize({ ...f, review: true, subjectField: f.fields[0]!.key }), `${f.id} with review`).toBeGreaterThanOrEqual(9);
    }
  });

  it('computes the fit scale from the paper and the column widths', () => {
    // A4 landscape leaves 841.89 − 0.7 × 72 = 791.5 pt; 15 columns of 25 units print (7w + 5) × 0.75
    // = 135 pt each, 2,025 pt in all: 39 %, the 4 pt text of issue 13.
    const wide = Array.from({ length: 15 }, () => 25);
    expect(fitScale(wide, { paper: 'A4', orientation: 'landscape' })).toBe(0.39);
    expect(effectivePrintSize(11, wide, { paper: 'A4', orientation: 'landscape' })).toBeCloseTo(4.29, 2);
    // A3 landscape: 1,190.55 − 50.4 = 1,140 pt, 56 %.
    expect(effectivePrintSize(11, wide, { paper: 'A3', orientation: 'landscape' })).toBeCloseTo(6.16, 2);
    expect(effectivePrintSize(11, wide.slice(0, 5), { paper: 'A4', orientation: 'landscape' })).toBe(11);
    expect(fitScale([10, 10], { paper: 'A4', orientation: 'portrait' })).toBe(1);
  });

  it('splits a long text into row-sized pieces that join back into the whole text', () => {
    const text = Array.from({ length: 5000 }, (_, i) => '意识形态工作责任制𠮷abc\n'[i % 15]).join('').replace(/\\n/g, '\n');
    const pieces = splitForRows(text, 80);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) {
      expect(p.lines).toBeLessThanOrEqual(LINES_PER_ROW);
      expect(textLines(p.text, 80)).toBeLessThanOrEqual(LINES_PER_ROW);
      expect(linesHeight(p.lines)).toBeLessThanOrEqual(ROW_LIMIT);
    }
    expect(pieces.map((p) => p.text).join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
  });

  it('cuts a printed text that needs more than one row, pointing to the detail', () => {
    const row = rowFormatter(form, org)(record({ day: '2026-11-03', note: '长'.repeat(3000) }), 1);
    expect(String(row[3]).endsWith('…（全文见记录详情）')).toBe(true);
    expect(textLines(String(row[3]), 20)).toBeLessThanOrEqual(LINES_PER_ROW);
  });
});

describe('record numbers and details', () => {
  it('prints the record’s number, or a stable stand-in marked * when it has none', () => {
    expect(recordLabel({ id: 'X', date: '2026-01-01', number: '研判-2026-003' }, form)).toEqual({ text: '研判-2026-003', derived: false });
    const a = recordLabel({ id: '01TESTLAYOUT00000000000001', date: '2026-11-03' }, form);
    expect(a.text).toMatch(/^ZZ-[0-9A-Z]{6}\*$/);
    expect(a.derived).toBe(true);
    expect(recordLabel({ id: '01TESTLAYOUT00000000000001', date: '2026-11-03' }, form)).toEqual(a);
    // Ids that share their ends (the example year's all end in the year) still get different stand-ins.
    const demo = Array.from({ length: 2000 }, (_, i) => recordLabel({ id: `DEMO${String(i).padStart(7, '0')}02026`, date: '2026-01-01' }, form).text);
    expect(new Set(demo).size).toBe(demo.length);
  });

  it('lists every field with its label and full value, then period, filer and time', () => {
    const long = '长'.repeat(5000);
    const lines = detailFormatter(form, org)(record({ day: '2026-11-03', body: long, secret: 'X-1', host: 'zhang-wei' }));
    const byLabel = new Map(lines.map((l) => [l.label, l.value]));
    expect(byLabel.get('内容')).toBe(long);
    expect(byLabel.get('日期')).toBe('2026年11月3日');
    expect(byLabel.get('主持人')).toBe('张伟（示例）');
    expect(byLabel.has('内部编号')).toBe(false);
    expect(lines.slice(-3).map((l) => l.label)).toEqual(['期间', '填报人', '填报时间']);
    expect(byLabel.get('填报时间')).toBe('2026年11月4日 01:30');
  });
});

describe('titles and dates', () => {
  it('labels a whole period by itself and a year so far by its months', () => {
    expect(rangeLabel(parsePeriod('2026-11')!, '2026-11-30')).toBe('2026年11月');
    expect(rangeLabel(parsePeriod('2026-11')!, '2026-11-28')).toBe('2026年11月');
    expect(rangeLabel(parsePeriod('2026')!, '2026-11-30')).toBe('2026年1—11月');
    expect(rangeLabel(parsePeriod('2026')!, '2026-01-31')).toBe('2026年1月');
    expect(rangeLabel(parsePeriod('2026')!, '2026-12-31')).toBe('2026年度');
    expect(rangeLabel(parsePeriod('2026')!, '2026-11-28')).toBe('2026年度');
    expect(rangeLabel(parsePeriod('2026-H2')!, '2026-11-30')).toBe('2026年下半年');
  });

  it('names the workbook and its file in Chinese', () => {
    expect(workbookTitle('XX局', '2026年11月')).toBe('XX局2026年11月意识形态工作台账');
    expect(compilationFilename('2026年11月')).toBe('2026年11月意识形态工作台账.xlsx');
  });

  it('writes dates without zero padding and date cells as UTC midnight', () => {
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
    expect(chineseDateTime(new Date('2026-11-27T16:05:00Z'))).toBe('2026年11月28日 00:05');
    expect(excelDate('2026-02-30')).toBeNull();
    expect(excelDate('2026-02-28')!.toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(excelDateTime('nonsense')).toBeNull();
  });
});

describe('status colours', () => {
  it('defines a label, a hint and a fill for every status, all different', () => {
    expect(STATUS_KEYS.map((k) => STATUS[k].label)).toEqual(['已完成', '进行中', '未完成', '补报', '未到期']);
    expect(new Set(STATUS_KEYS.map((k) => STATUS[k].argb)).size).toBe(5);
    for (const k of STATUS_KEYS) {
      expect(STATUS[k].argb).toMatch(/^FF[0-9A-F]{6}$/);
      expect(STATUS[k].css.toUpperCase()).toBe(`#${STATUS[k].argb.slice(2)}`);
    }
  });
});
