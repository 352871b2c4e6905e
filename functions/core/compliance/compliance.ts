/**
 * Compliance (落实情况): for a unit and a period, each obligation's required count, done count,
 * the records that count and a status, per unit, per leadership member or per division.
 *
 * Rules where the plan is silent (the README repeats them):
 * - A record counts by its activity date (the template's dateField), in China Standard Time.
 * - A cadence finer than the period asked for gives one row per cadence period inside it (a year
 *   seen by half-years gives H1 and H2). A coarser cadence gives one row for the cadence period
 *   that holds it, counted from its start to the end of the period asked for: progress toward
 *   the year, never a made-up monthly quota.
 * - `not-due`: the cadence period has not started, or the obligation is event-driven (O9).
 *   `met`: done ≥ required. `in-progress`: short, but the period (plus the grace days) has not
 *   ended yet, or only part of it was counted. `missed`: ended, grace days passed, still short.
 * - A record entered (createdAt, Shanghai date) more than the grace days after its cadence
 *   period ended still counts, flagged late (补报).
 * - A leadership member owes a cadence period when they held a leadership role (secretary or
 *   leader) on at least half of its days: someone who joined on 10 August owes the second half
 *   but not the first; someone who left on 31 July owes the first half but not the second.
 * - Withdrawn records never count (they leave the indexes the records are read from).
 * - Review (DESIGN §10): where an obligation is `reviewedOnly`, a record of a reviewed form counts
 *   only once approved (已审核); otherwise it counts when submitted, pending or returned. A record
 *   without a review state (filed before its form was reviewed) counts as before. Every row says
 *   how many of its records still await review (`awaitingReview`).
 */
import { findPerson, LEADERSHIP_ROLES } from '../roster/organisation.js';
import {
  addDays,
  dayNumber,
  formatPeriod,
  periodBounds,
  periodLabel,
  periodOf,
  parsePeriod,
  shanghaiDate,
  type Period,
  type PeriodKind,
} from '../periods.js';
import type { RecordState } from '../records/record.js';
import type { Deps } from '../types.js';
import type { Obligation, ObligationsFile, Organisation, Person } from '../templates/templates.js';

export type ObligationStatus = 'met' | 'in-progress' | 'missed' | 'not-due';

export interface Subject {
  kind: 'unit' | 'member' | 'division';
  id: string;
  name: string;
}

export interface ComplianceRow {
  obligationId: string;
  title: string;
  plan: string;
  form: string;
  cadence: Obligation['cadence'];
  /** The count is the bureau's own setting, not the plan's. */
  setting: boolean;
  subject: Subject;
  /** The cadence period this row is about, e.g. `2026-H2`. */
  period: string;
  periodLabel: string;
  /** Records are counted from the cadence period's start up to this date. */
  countedTo: string;
  /** The last day of the cadence period. */
  due: string;
  required: number;
  done: number;
  missing: number;
  status: ObligationStatus;
  /** Ids of the records that count, and of those among them entered late. */
  records: string[];
  late: string[];
  /** Records of this row still awaiting review (待审核), counted or not. */
  awaitingReview: number;
}

export interface ComplianceReport {
  unit: string;
  period: string;
  periodLabel: string;
  asOf: string;
  graceDays: number;
  rows: ComplianceRow[];
  /** Records behind these rows still awaiting review, each counted once. */
  awaitingReview: number;
}

const RANK: Record<PeriodKind, number> = { year: 0, half: 1, quarter: 2, month: 3 };
const PER_YEAR: Record<PeriodKind, number> = { year: 1, half: 2, quarter: 4, month: 12 };

/** The cadence periods an obligation is looked at through, for the period asked for. */
function cadencePeriods(kind: PeriodKind, asked: Period): { period: Period; countedTo: string }[] {
  const askedEnd = periodBounds(asked).end;
  if (RANK[kind] < RANK[asked.kind]) {
    return [{ period: periodOf(periodBounds(asked).start, kind), countedTo: askedEnd }];
  }
  const { start, end } = periodBounds(asked);
  const out: { period: Period; countedTo: string }[] = [];
  for (let i = 1; i <= PER_YEAR[kind]; i++) {
    const p: Period = { kind, year: asked.year, index: i };
    const b = periodBounds(p);
    if (b.start >= start && b.end <= end) out.push({ period: p, countedTo: b.end });
  }
  return out;
}

/** Days of [start, end] on which the person held a leadership role. */
function leadershipDays(person: Person, start: string, end: string): number {
  const s = dayNumber(start);
  const e = dayNumber(end);
  const days = new Set<number>();
  for (const r of person.roles) {
    if (!LEADERSHIP_ROLES.includes(r.role)) continue;
    const from = Math.max(s, dayNumber(r.from));
    const to = Math.min(e, r.to ? dayNumber(r.to) : e);
    for (let d = from; d <= to; d++) days.add(d);
  }
  return days.size;
}

/** Leadership members who owe the period: a leadership role on at least half of its days. */
export function membersOwing(org: Organisation, period: Period): Person[] {
  const { start, end } = periodBounds(period);
  const length = dayNumber(end) - dayNumber(start) + 1;
  return org.people.filter((p) => leadershipDays(p, start, end) * 2 >= length);
}

function matches(o: Obligation, r: RecordState): boolean {
  if (r.templateId !== o.form || r.status !== 'active') return false;
  for (const [field, wanted] of Object.entries(o.where)) {
    const value = r.data[field];
    if (Array.isArray(wanted) ? !wanted.includes(value as string) : value !== wanted) return false;
  }
  return true;
}

interface Bucket {
  obligation: Obligation;
  row: ComplianceRow;
  start: string;
  lateAfter: string;
}

export interface CompliancePlan {
  /** The forms to read, and the date range to read them in. */
  forms: string[];
  /** The fields of a form's data that counting looks at: a read may fetch only these. */
  fieldsOf(form: string): string[];
  start: string;
  end: string;
  /** Counts one record (any order, any form); records outside every row are ignored. */
  add(record: RecordState): void;
  report(): ComplianceReport;
}

/** Sets up the rows for a period so that records can be streamed through it one at a time. */
export function planCompliance(input: {
  org: Organisation;
  obligations: ObligationsFile;
  period: Period;
  asOf: string;
}): CompliancePlan {
  const { org, obligations, period, asOf } = input;
  const grace = obligations.graceDays;
  const buckets: Bucket[] = [];
  for (const o of obligations.obligations) {
    const views =
      o.cadence === 'event'
        ? [{ period, countedTo: periodBounds(period).end }]
        : cadencePeriods(o.cadence, period);
    for (const view of views) {
      const { start, end } = periodBounds(view.period);
      let subjects: Subject[];
      if (o.scope === 'member') {
        subjects = membersOwing(org, view.period).map((p) => ({ kind: 'member', id: p.id, name: p.name }));
      } else if (o.scope === 'division') {
        subjects = (o.divisions ?? []).flatMap((id) => {
          const d = org.divisions.find((x) => x.id === id);
          return d ? [{ kind: 'division' as const, id, name: d.name }] : [];
        });
      } else {
        subjects = [{ kind: 'unit', id: org.unit.id, name: org.unit.name }];
      }
      for (const subject of subjects) {
        buckets.push({
          obligation: o,
          start,
          lateAfter: addDays(end, grace),
          row: {
            obligationId: o.id,
            title: o.title,
            plan: o.plan,
            form: o.form,
            cadence: o.cadence,
            setting: o.setting,
            subject,
            period: formatPeriod(view.period),
            periodLabel: periodLabel(view.period),
            countedTo: view.countedTo,
            due: end,
            required: o.minimum,
            done: 0,
            missing: 0,
            status: 'not-due',
            records: [],
            late: [],
            awaitingReview: 0,
          },
        });
      }
    }
  }
  const forms = [...new Set(obligations.obligations.map((o) => o.form))];
  const starts = buckets.map((b) => b.start).sort();
  const ends = buckets.map((b) => b.row.countedTo).sort();
  const byForm = new Map<string, Bucket[]>();
  for (const b of buckets) byForm.set(b.obligation.form, [...(byForm.get(b.obligation.form) ?? []), b]);

  const fieldsOf = (form: string) => [
    ...new Set(
      obligations.obligations
        .filter((o) => o.form === form)
        .flatMap((o) => [...Object.keys(o.where), ...(o.personField ? [o.personField] : []), ...(o.divisionField ? [o.divisionField] : [])]),
    ),
  ];
  const awaiting = new Set<string>();
  return {
    forms,
    fieldsOf,
    start: starts[0] ?? periodBounds(period).start,
    end: ends[ends.length - 1] ?? periodBounds(period).end,
    add(record) {
      for (const b of byForm.get(record.templateId) ?? []) {
        if (record.date < b.start || record.date > b.row.countedTo || !matches(b.obligation, record)) continue;
        const o = b.obligation;
        if (o.scope === 'member' && record.data[o.personField!] !== b.row.subject.id) continue;
        if (o.scope === 'division' && record.data[o.divisionField!] !== b.row.subject.id) continue;
        if (record.review?.state === 'pending') {
          b.row.awaitingReview++;
          awaiting.add(record.id);
        }
        if (o.reviewedOnly && record.review && record.review.state !== 'approved') continue;
        b.row.done++;
        b.row.records.push(record.id);
        if (shanghaiDate(new Date(record.createdAt)) > b.lateAfter) b.row.late.push(record.id);
      }
    },
    report() {
      const rows = buckets.map(({ row }) => ({ ...row, ...rowStatus(row, grace, asOf) }));
      return { unit: org.unit.id, period: formatPeriod(period), periodLabel: periodLabel(period), asOf, graceDays: grace, rows, awaitingReview: awaiting.size };
    },
  };
}

/**
 * A row's missing count and status on the day `asOf`: the one place the date enters, so a row's
 * counts can be kept (a snapshot, DESIGN §14) and its status derived on the day it is read.
 */
export function rowStatus(
  row: Pick<ComplianceRow, 'cadence' | 'period' | 'countedTo' | 'due' | 'required' | 'done'>,
  graceDays: number,
  asOf: string,
): { missing: number; status: ObligationStatus } {
  const missing = Math.max(0, row.required - row.done);
  const start = row.cadence === 'event' ? '' : periodBounds(parsePeriod(row.period)!).start;
  let status: ObligationStatus;
  if (row.cadence === 'event' || start > asOf) status = 'not-due';
  else if (missing === 0) status = 'met';
  else if (row.countedTo < row.due || asOf <= addDays(row.due, graceDays)) status = 'in-progress';
  else status = 'missed';
  return { missing, status };
}

/** Evaluates a period over records already in memory (tests, small units). */
export function evaluateCompliance(input: {
  org: Organisation;
  obligations: ObligationsFile;
  period: Period;
  asOf: string;
  records: Iterable<RecordState>;
}): ComplianceReport {
  const plan = planCompliance(input);
  for (const r of input.records) plan.add(r);
  return plan.report();
}

/** The rows that concern one person: their own member rows and their division's rows. */
export function rowsFor(report: ComplianceReport, org: Organisation, personId: string): ComplianceRow[] {
  const person = findPerson(org, personId);
  return report.rows.filter(
    (r) =>
      (r.subject.kind === 'member' && r.subject.id === personId) ||
      (r.subject.kind === 'division' && !!person?.division && r.subject.id === person.division),
  );
}

/** Reads the records of each form the obligations name (paged Queries) and evaluates the period. */
export async function complianceFor(
  deps: Pick<Deps, 'catalog' | 'records' | 'now'>,
  org: Organisation,
  period: Period,
): Promise<ComplianceReport> {
  const plan = planCompliance({ org, obligations: deps.catalog.obligations, period, asOf: shanghaiDate(deps.now()) });
  for (const form of plan.forms)
    for await (const r of deps.records.iterateByForm(org.unit.id, form, plan.start, plan.end, 500, plan.fieldsOf(form))) plan.add(r);
  return plan.report();
}
