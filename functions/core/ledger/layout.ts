/**
 * The ledger layout as pure code: which columns a form template becomes, how a record's values
 * become cell values, titles, sheet names and row heights. The workbook writer only draws what
 * this module decides, so a new template gets its sheet with no code.
 */
import { parseCalendarDate, parsePeriod, periodBounds, periodLabel, type Period } from '../periods.js';
import type { RecordState } from '../records/record.js';
import { CJK_WIDTH, LINE_HEIGHT, MAX_ROW_HEIGHT } from './style.js';
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

const DEFAULT_WIDTH: Record<FieldType, number> = {
  text: 20,
  longtext: 36,
  date: 15,
  number: 10,
  integer: 10,
  select: 12,
  multiselect: 18,
  person: 10,
  people: 20,
  division: 14,
  boolean: 8,
};

function fieldWidth(field: Field): number {
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
const LEFT: ReadonlySet<FieldType> = new Set(['text', 'longtext', 'multiselect', 'people']);

/** The columns of a form's ledger: 序号, each visible field in template order, 期间, 填报人, 填报时间. */
export function ledgerColumns(form: FormTemplate): LedgerColumn[] {
  const columns: LedgerColumn[] = [{ header: '序号', width: 6, kind: 'index', wrap: false, align: 'center' }];
  for (const field of visibleFields(form)) {
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
  columns.push(
    { header: '期间', width: 16, kind: 'text', wrap: true, align: 'center' },
    { header: '填报人', width: 10, kind: 'text', wrap: true, align: 'center' },
    { header: '填报时间', width: 20, kind: 'datetime', wrap: false, align: 'center' },
  );
  return columns;
}

function visibleFields(form: FormTemplate): Field[] {
  return form.fields.filter((f) => !f.ledger?.hidden);
}

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

/**
 * Turns records into ledger rows. Built once per sheet: the organisation's names are looked up in
 * maps, not searched per cell.
 */
export function rowFormatter(form: FormTemplate, org: Organisation): (record: RecordState, index: number) => LedgerValue[] {
  const people = new Map(org.people.map((p) => [p.id, p.name]));
  const divisions = new Map(org.divisions.map((d) => [d.id, d.name]));
  const personName = (id: unknown) => (typeof id === 'string' ? (people.get(id) ?? id) : '');
  const periodLabels = new Map<string, string>();
  const labelOf = (period: string) => {
    let label = periodLabels.get(period);
    if (label === undefined) {
      const p = parsePeriod(period);
      label = p ? periodLabel(p) : period;
      periodLabels.set(period, label);
    }
    return label;
  };
  const cells = visibleFields(form).map((field): ((v: unknown) => LedgerValue) => {
    switch (field.type) {
      case 'date':
        return (v) => (typeof v === 'string' ? excelDate(v) : null);
      case 'number':
      case 'integer':
        return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      case 'boolean':
        return (v) => (v === true ? '是' : v === false ? '否' : null);
      case 'person':
        return (v) => (typeof v === 'string' ? cleanText(personName(v)) : null);
      case 'people':
        return (v) => (Array.isArray(v) ? cleanText(v.map(personName).join('、')) : null);
      case 'division':
        return (v) => (typeof v === 'string' ? cleanText(divisions.get(v) ?? v) : null);
      case 'multiselect':
        return (v) => (Array.isArray(v) ? cleanText(v.map(String).join('、')) : null);
      default:
        return (v) => (typeof v === 'string' ? cleanText(v) : v === undefined || v === null ? null : cleanText(String(v)));
    }
  });
  const keys = visibleFields(form).map((f) => f.key);
  return (record, index) => {
    const row: LedgerValue[] = new Array(keys.length + 4);
    row[0] = index;
    for (let i = 0; i < keys.length; i++) row[i + 1] = cells[i]!(record.data[keys[i]!]);
    row[keys.length + 1] = labelOf(record.period);
    row[keys.length + 2] = cleanText(personName(record.createdBy ?? record.owner));
    row[keys.length + 3] = excelDateTime(record.createdAt);
    return row;
  };
}

/**
 * Height in points for a row whose wrapped cells hold this text, or undefined for one line.
 * Estimated from characters and column widths: there is no auto-fit, and LibreOffice does not grow
 * rows for wrapped text on its own.
 */
export function rowHeight(values: readonly unknown[], columns: readonly { width: number; wrap: boolean }[]): number | undefined {
  let lines = 1;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c]!;
    const v = values[c];
    if (!col.wrap || typeof v !== 'string' || v.length === 0) continue;
    // Quick exit: text that fits even if every character were Chinese.
    if (v.length * CJK_WIDTH <= col.width - 1 && v.indexOf('\n') < 0) continue;
    const usable = Math.max(1, col.width - 1);
    let n = 0;
    let units = 0;
    for (let i = 0; i < v.length; i++) {
      const code = v.charCodeAt(i);
      if (code === 10) {
        n += Math.max(1, Math.ceil(units / usable));
        units = 0;
        continue;
      }
      units += code >= 0x2e80 ? CJK_WIDTH : 1;
    }
    n += Math.max(1, Math.ceil(units / usable));
    if (n > lines) lines = n;
  }
  return lines > 1 ? Math.min(MAX_ROW_HEIGHT, Math.ceil(lines * LINE_HEIGHT + 2)) : undefined;
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
