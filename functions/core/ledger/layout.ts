/**
 * The ledger layout as pure code: which columns a form template becomes, how a record's values
 * become cell values, titles, sheet names and row heights. The workbook writer only draws what
 * this module decides, so a new template gets its sheet with no code.
 */
import { parseCalendarDate, parsePeriod, periodBounds, periodLabel, shanghaiDate, type Period } from '../periods.js';
import type { RecordState } from '../records/record.js';
import { effectivePrintSize, LINES_PER_ROW, linesHeight, splitForRows, textLines, widthFor, type PageSetup } from './print.js';
import { CJK_WIDTH, FONTS } from './style.js';
import type { Field, FieldType, FormTemplate, Organisation } from '../templates/templates.js';

/** Excel refuses (or silently mangles) longer cell text. */
export const MAX_CELL_CHARS = 32_767;
export const MAX_SHEET_NAME = 31;
const TRUNCATED = '…（内容过长，已截断）';

export type LedgerValue = string | number | Date | null;

export type ColumnKind = 'index' | 'text' | 'integer' | 'number' | 'date' | 'datetime';

export interface LedgerColumn {
  header: string;
  width: number;
  kind: ColumnKind;
  /** Text wraps and raises the row; numbers and dates stay on one line. */
  wrap: boolean;
  align: 'left' | 'center' | 'right';
}

/** Anything that might need removing; surrogates included, as only a lone one is forbidden. A cheap test. */
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
/** Characters XML 1.0 forbids: C0 controls other than tab, LF, CR; U+FFFE/U+FFFF; lone surrogates. */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as a cell can hold it: characters XML forbids removed (so no workbook needs repair) and cut
 * at Excel's 32,767-character limit with a visible note. Text that looks like a formula stays text.
 */
export function cleanText(text: string): string {
  let out = text;
  // Most text has nothing suspect; the exact pattern (with look-arounds) is slower, so it runs second.
  if (SUSPECT.test(out)) out = out.replace(FORBIDDEN, '');
  if (out.length > MAX_CELL_CHARS) {
    let cut = MAX_CELL_CHARS - TRUNCATED.length;
    // Never split a surrogate pair.
    const code = out.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    out = out.slice(0, cut) + TRUNCATED;
  }
  return out;
}

/**
 * Hands out sheet names: at most 31 characters, none of `[]:*?/\`, no apostrophe (print titles
 * quote the name), not Excel's reserved "History", unique ignoring case, deduplicated with (2), (3)….
 */
export function sheetNamer(): (wanted: string) => string {
  const used = new Set<string>();
  const cut = (s: string, n: number) => {
    let out = s.slice(0, n);
    const last = out.charCodeAt(out.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
    return out;
  };
  return (wanted) => {
    let base = cleanText(wanted)
      .replace(/[[\]:*?/\\]/g, '')
      .replace(/'/g, '’')
      .replace(/[\t\r\n]/g, ' ')
      .trim();
    if (!base) base = 'Sheet';
    if (base.toLowerCase() === 'history') base = 'History表';
    base = cut(base, MAX_SHEET_NAME);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = `(${n})`;
      name = cut(base, MAX_SHEET_NAME - suffix.length) + suffix;
    }
    used.add(name.toLowerCase());
    return name;
  };
}

/** Display width of text in width units: about 1.9 per Chinese character, 1 per Latin one. */
export function textWidth(text: string): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) units += text.charCodeAt(i) >= 0x2e80 ? CJK_WIDTH : 1;
  return units;
}

/** A width that survives in the file: exceljs drops a width of exactly 9 (the default). */
const fixWidth = (w: number) => (Math.round(w * 100) / 100 === 9 ? 9.01 : Math.round(w * 100) / 100);

/** The longest date and date-time a cell shows, for the width rule in print.ts. */
export const DATE_WIDTH = widthFor('2026年12月28日');
export const DATETIME_WIDTH = widthFor('2026年12月28日 23:59');

const DEFAULT_WIDTH: Record<FieldType, number> = {
  text: 20,
  longtext: 36,
  date: DATE_WIDTH,
  number: 10,
  integer: 10,
  select: 12,
  multiselect: 18,
  person: 10,
  people: 20,
  division: 14,
  boolean: 8,
  rows: 40,
};

function fieldWidth(field: Field): number {
  // A date column never narrower than its longest date, whatever the template asks.
  if (field.type === 'date') return Math.max(field.ledger?.width ?? 0, DATE_WIDTH);
  if (field.ledger?.width) return field.ledger.width;
  let width = DEFAULT_WIDTH[field.type];
  if (field.type === 'select' && field.options)
    width = Math.min(24, Math.max(width, ...field.options.map((o) => textWidth(o) + 2)));
  // The header wraps, but no word of it should be split: at least four characters wide.
  return Math.max(width, Math.min(textWidth(field.label), 4 * CJK_WIDTH) + 2);
}

function fieldKind(type: FieldType): ColumnKind {
  switch (type) {
    case 'date':
      return 'date';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    default:
      return 'text';
  }
}

/** Free text and lists sit left-aligned; choices, names and dates sit centred. */
const LEFT: ReadonlySet<FieldType> = new Set(['text', 'longtext', 'multiselect', 'people', 'rows']);

/** The fields of a form that print in its ledger table: `ledger.print` in order, or every visible field. */
export function printedFields(form: FormTemplate): Field[] {
  const print = form.ledger?.print;
  if (!print) return visibleFields(form);
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  return print.map((k) => byKey.get(k)).filter((f): f is Field => f !== undefined && !f.ledger?.hidden);
}

/** The page a form's ledger prints on: landscape, A4 unless the template asks for A3. */
export function ledgerPageSetup(form: FormTemplate): PageSetup {
  return { paper: form.ledger?.paper ?? 'A4', orientation: 'landscape' };
}

/** The table's text size once fitted to the page width (≥ 9 pt for every shipped template, tested). */
export function ledgerPrintSize(form: FormTemplate): number {
  return effectivePrintSize(FONTS.body.size, ledgerColumns(form).map((c) => c.width), ledgerPageSetup(form));
}

/**
 * The columns of a form's ledger table: 序号, 记录编号, the printed fields, 审核人 and 审核日期 for a
 * reviewed form, 代填 for a form with a subject, 填报人, 填报时间. Everything else is in the detail.
 */
export function ledgerColumns(form: FormTemplate): LedgerColumn[] {
  const columns: LedgerColumn[] = [
    { header: '序号', width: 6, kind: 'index', wrap: false, align: 'center' },
    { header: '记录编号', width: 17, kind: 'text', wrap: true, align: 'center' },
  ];
  for (const field of printedFields(form)) {
    const kind = fieldKind(field.type);
    columns.push({
      header: field.label,
      width: fixWidth(fieldWidth(field)),
      kind,
      // Every text column wraps (a long option or name must not spill over); numbers and dates never need to.
      wrap: kind === 'text',
      align: kind === 'integer' || kind === 'number' ? 'right' : LEFT.has(field.type) ? 'left' : 'center',
    });
  }
  if (form.ledger?.evidenceCount) columns.push({ header: '佐证材料（件）', width: 9, kind: 'integer', wrap: false, align: 'center' });
  if (form.review)
    columns.push(
      { header: '审核人', width: 10, kind: 'text', wrap: true, align: 'center' },
      { header: '审核日期', width: DATE_WIDTH, kind: 'date', wrap: false, align: 'center' },
    );
  if (form.subjectField) columns.push({ header: '代填', width: 6, kind: 'text', wrap: false, align: 'center' });
  columns.push(
    { header: '填报人', width: 10, kind: 'text', wrap: true, align: 'center' },
    { header: '填报时间', width: DATETIME_WIDTH, kind: 'datetime', wrap: false, align: 'center' },
  );
  return columns;
}

function visibleFields(form: FormTemplate): Field[] {
  return form.fields.filter((f) => !f.ledger?.hidden);
}

/**
 * The record's number as printed (DESIGN §10). Until the records work hands every record its number,
 * one without is given a stable stand-in: its template's code and six characters of a hash of its
 * id (ids need not end in anything random: the example year's end in the year), marked by a
 * trailing *; `derived` says so, and the sheet explains it in a note.
 */
export function recordLabel(record: Pick<RecordState, 'id' | 'date' | 'number'>, form: Pick<FormTemplate, 'code' | 'title'>): { text: string; derived: boolean } {
  if (record.number) return { text: record.number, derived: false };
  const code = form.code ?? form.title.slice(0, 2);
  return { text: `${code}-${idHash(record.id)}*`, derived: true };
}

/** FNV-1a of the id, six base-36 characters: about two billion values, so a unit's year of records does not collide in practice. */
function idHash(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).toUpperCase().padStart(6, '0').slice(-6);
}
export const DERIVED_NUMBER_NOTE = '记录编号后带“*”的，是系统在正式编号启用前按表单和记录标识生成的临时编号，同一记录始终相同。';

/** A calendar date as an Excel date cell: midnight UTC, because exceljs writes dates as UTC. */
export function excelDate(date: string): Date | null {
  const p = parseCalendarDate(date);
  return p ? new Date(Date.UTC(p.year, p.month - 1, p.day)) : null;
}

/** An instant as an Excel date-time showing the wall clock in Beijing. */
export function excelDateTime(iso: string): Date | null {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t + 8 * 3_600_000);
}

/** `2026-11-28` → 2026年11月28日 (no zero padding, GB/T 15835). */
export function chineseDate(date: string): string {
  const p = parseCalendarDate(date);
  return p ? `${p.year}年${p.month}月${p.day}日` : date;
}

/** An instant as 2026年11月28日 12:00 in Beijing time. */
export function chineseDateTime(instant: Date): string {
  const d = new Date(instant.getTime() + 8 * 3_600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hh}:${mm}`;
}

const REVIEW_WORD = { pending: '待审核', approved: '已审核', returned: '已退回' } as const;
const MORE = '…（全文见记录详情）';

/** Text cut to what one row shows in a column, with a pointer to the detail, where it is whole. */
function fitRow(text: string, width: number): string {
  if (text.length * 15 < (7 * width - 3) * (LINES_PER_ROW - 1)) return text;
  if (textLines(text, width) <= LINES_PER_ROW) return text;
  // Room for the pointer: two lines even in a narrow column.
  return splitForRows(text, width, LINES_PER_ROW - 2)[0]!.text + MORE;
}

/** A field's value as text for the detail and as the table shows it (dates in Chinese). */
function fieldText(field: Field, v: unknown, personName: (id: unknown) => string, divisions: Map<string, string>): string {
  if (v === undefined || v === null || v === '') return '';
  switch (field.type) {
    case 'date':
      return typeof v === 'string' ? chineseDate(v) : '';
    case 'boolean':
      return v === true ? '是' : v === false ? '否' : '';
    case 'person':
      return personName(v);
    case 'people':
      return Array.isArray(v) ? v.map(personName).join('、') : '';
    case 'division':
      return typeof v === 'string' ? (divisions.get(v) ?? v) : '';
    case 'multiselect':
      return Array.isArray(v) ? v.map(String).join('、') : '';
    case 'rows':
      return Array.isArray(v) ? v.map((row, i) => `${i + 1}. ${rowText(field, row, personName, divisions)}`).join('\n') : '';
    default:
      return String(v);
  }
}

/** One row of a rows field as a line: its first sub-field, then the others' values labelled, e.g. 问题（责任科室：办公室；整改期限：2026年12月1日）. */
function rowText(field: Field, row: unknown, personName: (id: unknown) => string, divisions: Map<string, string>): string {
  if (!row || typeof row !== 'object') return '';
  const values = row as Record<string, unknown>;
  const [first, ...rest] = (field.fields ?? []).map((sub) => ({ label: sub.label, text: fieldText(sub as Field, values[sub.key], personName, divisions) }));
  const others = rest.filter((x) => x.text).map((x) => `${x.label}：${x.text}`);
  return `${first?.text ?? ''}${others.length ? `（${others.join('；')}）` : ''}`;
}

function lookups(org: Organisation) {
  const people = new Map(org.people.map((p) => [p.id, p.name]));
  const divisions = new Map(org.divisions.map((d) => [d.id, d.name]));
  const personName = (id: unknown) => (typeof id === 'string' ? (people.get(id) ?? id) : '');
  return { people, divisions, personName };
}

/** 代填: the filer is not the person the record is about. */
const isProxy = (form: FormTemplate, r: RecordState) => {
  if (!form.subjectField) return false;
  const subject = r.subject ?? (typeof r.data[form.subjectField] === 'string' ? (r.data[form.subjectField] as string) : undefined);
  return subject !== undefined && subject !== (r.createdBy ?? r.owner);
};

/**
 * Turns records into ledger rows, one value per column of ledgerColumns(form). Built once per
 * sheet: the organisation's names are looked up in maps, not searched per cell.
 */
export function rowFormatter(form: FormTemplate, org: Organisation): (record: RecordState, index: number) => LedgerValue[] {
  const { divisions, personName } = lookups(org);
  const fields = printedFields(form);
  const widths = ledgerColumns(form).map((c) => c.width);
  const cells = fields.map((field, i): ((v: unknown) => LedgerValue) => {
    const width = widths[i + 2]!;
    switch (field.type) {
      case 'date':
        return (v) => (typeof v === 'string' ? excelDate(v) : null);
      case 'number':
      case 'integer':
        return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      default:
        return (v) => {
          const text = fieldText(field, v, personName, divisions);
          return text ? fitRow(cleanText(text), width) : null;
        };
    }
  });
  const keys = fields.map((f) => f.key);
  return (record, index) => {
    const row: LedgerValue[] = [index, recordLabel(record, form).text];
    for (let i = 0; i < keys.length; i++) row.push(cells[i]!(record.data[keys[i]!]));
    if (form.ledger?.evidenceCount) row.push(record.attachments?.length ?? 0);
    if (form.review) {
      const review = record.review;
      row.push(review ? (review.state === 'approved' && review.by ? cleanText(personName(review.by)) : REVIEW_WORD[review.state]) : null);
      row.push(review?.state === 'approved' && review.at ? excelDate(shanghaiDate(new Date(review.at))) : null);
    }
    if (form.subjectField) row.push(isProxy(form, record) ? '代填' : null);
    row.push(cleanText(personName(record.createdBy ?? record.owner)));
    row.push(excelDateTime(record.createdAt));
    return row;
  };
}

/** One label and value of a record's detail block. */
export interface DetailLine {
  label: string;
  value: string;
}

/**
 * A record's detail (记录详情, DESIGN §13): every field's label and full value in template order,
 * then its period, review, filer and filing time and its evidence files.
 */
export function detailFormatter(form: FormTemplate, org: Organisation): (record: RecordState) => DetailLine[] {
  const { divisions, personName } = lookups(org);
  const fields = visibleFields(form);
  return (record) => {
    const lines: DetailLine[] = fields.map((f) => ({ label: f.label, value: cleanText(fieldText(f, record.data[f.key], personName, divisions)) }));
    const p = parsePeriod(record.period);
    lines.push({ label: '期间', value: p ? periodLabel(p) : record.period });
    if (form.review) {
      const r = record.review;
      const who = r?.by ? `，${personName(r.by)}` : '';
      const when = r?.at ? `，${chineseDate(shanghaiDate(new Date(r.at)))}` : '';
      const why = r?.reason ? `，理由：${r.reason}` : '';
      lines.push({ label: '审核', value: cleanText(r ? `${REVIEW_WORD[r.state]}${who}${when}${why}` : '') });
    }
    const filer = personName(record.createdBy ?? record.owner);
    lines.push({ label: '填报人', value: cleanText(isProxy(form, record) ? `${filer}（代填）` : filer) });
    lines.push({ label: '填报时间', value: chineseDateTime(new Date(record.createdAt)) });
    if (record.attachments?.length) lines.push({ label: '佐证材料', value: cleanText(record.attachments.map((a) => a.name).join('\n')) });
    return lines;
  };
}

/**
 * Height in points for a row whose wrapped cells hold this text, or undefined for one line.
 * Estimated from characters and column widths (print.ts): there is no auto-fit, and LibreOffice
 * does not grow rows for wrapped text on its own.
 */
export function rowHeight(values: readonly unknown[], columns: readonly { width: number; wrap: boolean }[]): number | undefined {
  let lines = 1;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const v = values[c];
    if (!col.wrap || typeof v !== 'string' || v.length === 0) continue;
    // Quick exit: text that fits even if every character were Chinese.
    if (v.length * 15 <= 7 * col.width - 3 && v.indexOf('\n') < 0) continue;
    const n = textLines(v, col.width);
    if (n > lines) lines = n;
  }
  return lines > 1 ? linesHeight(lines) : undefined;
}

/**
 * The label of what a compilation covers: the period's own label (2026年11月, 2026年度), except a
 * year compiled to the end of an earlier month, which reads 2026年1—11月. Any other cut-off date
 * is shown beside the title (统计截至), not in it.
 */
export function rangeLabel(period: Period, asOf: string): string {
  const { end } = periodBounds(period);
  const p = parseCalendarDate(asOf);
  if (asOf >= end || !p || period.kind !== 'year') return periodLabel(period);
  const monthEnd = periodBounds({ kind: 'month', year: p.year, index: p.month }).end === asOf;
  if (!monthEnd) return periodLabel(period);
  return p.month === 1 ? `${p.year}年1月` : `${p.year}年1—${p.month}月`;
}

/**
 * The ledgers in the plan's order (O1–O9, DESIGN §7): each form where its first obligation stands,
 * forms no obligation names after them in catalog order.
 */
export function planOrder<T extends { id: string; ledger?: { after?: string } }>(forms: readonly T[], obligations: readonly { form: string }[]): T[] {
  const rank = new Map<string, number>();
  obligations.forEach((o, i) => {
    if (!rank.has(o.form)) rank.set(o.form, i);
  });
  const ordered = forms
    .filter((f) => !f.ledger?.after)
    .map((f, i) => ({ f, key: rank.get(f.id) ?? obligations.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.f);
  // A form of items derived from another's records (问题整改台账 from the inspections) follows that form's sheet.
  for (const f of forms.filter((x) => x.ledger?.after)) {
    const at = ordered.findIndex((x) => x.id === f.ledger!.after);
    ordered.splice(at < 0 ? ordered.length : at + 1, 0, f);
  }
  return ordered;
}

/** The title of the workbook: XX局2026年11月意识形态工作台账. */
export function workbookTitle(unitShortName: string, label: string): string {
  return `${unitShortName}${label}意识形态工作台账`;
}

/** The title of one ledger sheet: XX局2026年11月理论学习中心组学习及专题学习台账. */
export function ledgerSheetTitle(unitShortName: string, label: string, form: FormTemplate): string {
  return `${unitShortName}${label}${form.ledgerTitle}`;
}

/** The download name: 2026年11月意识形态工作台账.xlsx. */
export function compilationFilename(label: string): string {
  return `${label}意识形态工作台账.xlsx`.replace(/[\\/:*?"<>|]/g, '');
}
