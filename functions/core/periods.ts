/**
 * Periods (考核期间): a year `2026`, a half `2026-H1`, a quarter `2026-Q3` or a month `2026-11`.
 * Dates are calendar dates `YYYY-MM-DD` in China Standard Time. Asia/Shanghai has kept UTC+8
 * without daylight saving since 1991, so a fixed offset is exact for every date we accept.
 */

export type PeriodKind = 'year' | 'half' | 'quarter' | 'month';

export interface Period {
  kind: PeriodKind;
  year: number;
  /** 1–2 for a half, 1–4 for a quarter, 1–12 for a month; 1 for a year. */
  index: number;
}

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const PERIOD_RE = /^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a period string; returns undefined when it is not one. */
export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1900 || year > 2999) return undefined;
  const part = m[2];
  if (part === undefined) return { kind: 'year', year, index: 1 };
  if (part.startsWith('H')) return { kind: 'half', year, index: Number(part.slice(1)) };
  if (part.startsWith('Q')) return { kind: 'quarter', year, index: Number(part.slice(1)) };
  return { kind: 'month', year, index: Number(part) };
}

/** The canonical string form, the inverse of parsePeriod. */
export function formatPeriod(p: Period): string {
  switch (p.kind) {
    case 'year':
      return String(p.year);
    case 'half':
      return `${p.year}-H${p.index}`;
    case 'quarter':
      return `${p.year}-Q${p.index}`;
    case 'month':
      return `${p.year}-${String(p.index).padStart(2, '0')}`;
  }
}

const QUARTER_NAMES = ['第一季度', '第二季度', '第三季度', '第四季度'];

/** The Chinese label used on forms and ledgers: 2026年度, 2026年下半年, 2026年第三季度, 2026年11月. */
export function periodLabel(p: Period): string {
  switch (p.kind) {
    case 'year':
      return `${p.year}年度`;
    case 'half':
      return `${p.year}年${p.index === 1 ? '上' : '下'}半年`;
    case 'quarter':
      return `${p.year}年${QUARTER_NAMES[p.index - 1]}`;
    case 'month':
      return `${p.year}年${p.index}月`;
  }
}

/** First and last month (1–12) that the period covers. */
function monthSpan(p: Period): [number, number] {
  switch (p.kind) {
    case 'year':
      return [1, 12];
    case 'half':
      return p.index === 1 ? [1, 6] : [7, 12];
    case 'quarter':
      return [p.index * 3 - 2, p.index * 3];
    case 'month':
      return [p.index, p.index];
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The first and last calendar day of the period, as `YYYY-MM-DD`. */
export function periodBounds(p: Period): { start: string; end: string } {
  const [first, last] = monthSpan(p);
  return {
    start: `${p.year}-${pad2(first)}-01`,
    end: `${p.year}-${pad2(last)}-${pad2(daysInMonth(p.year, last))}`,
  };
}

/** True when the calendar date lies within the period. */
export function periodContains(p: Period, date: string): boolean {
  const { start, end } = periodBounds(p);
  return date >= start && date <= end;
}

/** The period of the given kind that holds the calendar date. */
export function periodOf(date: string, kind: PeriodKind): Period {
  const parts = parseCalendarDate(date);
  if (!parts) throw new RangeError(`not a calendar date: ${date}`);
  const { year, month } = parts;
  switch (kind) {
    case 'year':
      return { kind, year, index: 1 };
    case 'half':
      return { kind, year, index: month <= 6 ? 1 : 2 };
    case 'quarter':
      return { kind, year, index: Math.ceil(month / 3) };
    case 'month':
      return { kind, year, index: month };
  }
}

/** Splits `YYYY-MM-DD` into numbers, or undefined when it is not a real calendar date. */
export function parseCalendarDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Today's calendar date in Asia/Shanghai for an instant, whatever the machine's time zone. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Adds whole days to a calendar date. */
export function addDays(date: string, days: number): string {
  const parts = parseCalendarDate(date);
  if (!parts) throw new RangeError(`not a calendar date: ${date}`);
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day + days)).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 for a calendar date: day arithmetic without time zones. */
export function dayNumber(date: string): number {
  const d = parseCalendarDate(date);
  if (!d) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
}

/** The period just before this one, of the same kind. */
export function previousPeriod(p: Period): Period {
  const perYear = { year: 1, half: 2, quarter: 4, month: 12 }[p.kind];
  return p.index > 1 ? { ...p, index: p.index - 1 } : { ...p, year: p.year - 1, index: perYear };
}
