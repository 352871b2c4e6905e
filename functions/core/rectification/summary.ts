/**
 * Rectification items as a period sees them on one day: those found in the period (by their
 * inspection's date), which were closed by that day, which were open, and which of those were
 * past their deadline. One definition for the workbook's cover and the assessment.
 */
import type { RecordState, RecordStore } from '../records/record.js';
import type { Catalog } from '../templates/catalog.js';
import { rectificationForm } from './findings.js';
import { statusOf } from './items.js';

export interface RectificationSummary {
  total: number;
  open: RecordState[];
  /** Open on the day and past their deadline (overdue from the day after it). */
  overdue: RecordState[];
  closed: RecordState[];
}

/** Closed by `day`: 已销号 with a 销号日期 on or before it. */
export const closedBy = (item: RecordState, day: string) =>
  statusOf(item) === '已销号' && typeof item.data.closedOn === 'string' && item.data.closedOn <= day;

/** The items found between `start` and `end` (inclusive), as they stood on `day`. */
export async function summariseItems(deps: { catalog: Catalog; records: Pick<RecordStore, 'iterateByForm'> }, unit: string, start: string, end: string, day: string): Promise<RectificationSummary> {
  const out: RectificationSummary = { total: 0, open: [], overdue: [], closed: [] };
  const form = rectificationForm(deps.catalog);
  if (!form) return out;
  for await (const item of deps.records.iterateByForm(unit, form.id, start, end)) {
    out.total++;
    if (closedBy(item, day)) {
      out.closed.push(item);
      continue;
    }
    out.open.push(item);
    if (typeof item.data.deadline === 'string' && day > item.data.deadline) out.overdue.push(item);
  }
  return out;
}

/** The cover's line: 共 3 项，未销号 2 项（其中逾期 1 项），已销号 1 项. */
export function summaryText(s: RectificationSummary): string {
  if (s.total === 0) return '本期无检查发现的问题';
  return `共 ${s.total} 项，未销号 ${s.open.length} 项（其中逾期 ${s.overdue.length} 项），已销号 ${s.closed.length} 项`;
}

/**
 * What the assessment counts for a period on `asOf`: the items it found, as they stood on its last
 * day (or on `asOf` while it runs), and whether it has ended.
 */
export async function rectificationFacts(deps: { catalog: Catalog; records: Pick<RecordStore, 'iterateByForm'> }, unit: string, start: string, end: string, asOf: string) {
  const day = asOf < end ? asOf : end;
  const s = await summariseItems(deps, unit, start, day, day);
  const brief = (r: RecordState) => ({ id: r.id, ...(r.number ? { number: r.number } : {}) });
  return { open: s.open.map(brief), overdue: s.overdue.map(brief), ended: asOf > end };
}
