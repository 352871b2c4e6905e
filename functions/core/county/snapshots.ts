/**
 * Per-unit, per-period snapshots of compliance and assessment (DESIGN §14), so the county view
 * costs O(units), not O(records).
 *
 * A snapshot keeps only what does not depend on the day: each row's counts, records, due date and
 * cadence, and the period's score entries. Status (met / in progress / missed) and the assessment
 * are derived when it is read, with that request's date and the same code as a full evaluation
 * (rowStatus, assess), so a snapshot never goes stale by days passing.
 *
 * A refresh recomputes a unit's whole year from the store (never increments), so an event
 * delivered twice, late or out of order only triggers one more correct recomputation. Each refresh
 * first takes a ticket from the unit's change counter; a snapshot is written only over one with a
 * lower ticket, so a slow refresh that read older data never overwrites a newer one.
 */
import { assess, type ScoreEntry } from '../compliance/assessment.js';
import { evaluateCompliance, planCompliance, rowStatus, type ComplianceReport, type ComplianceRow } from '../compliance/compliance.js';
import { formatPeriod, parsePeriod, periodLabel, type Period } from '../periods.js';
import type { RecordState, RecordStore } from '../records/record.js';
import type { Roster } from '../roster/roster.js';
import type { Catalog } from '../templates/catalog.js';
import type { Organisation } from '../templates/templates.js';

/** What a snapshot keeps of a row: everything but the day-dependent status and missing count. */
export type SnapshotRow = Omit<ComplianceRow, 'status' | 'missing'>;

export interface Snapshot {
  unit: string;
  unitName: string;
  unitShortName: string;
  period: string;
  /** The ticket of the refresh that wrote it (the unit's change counter when it began). */
  ticket: number;
  graceDays: number;
  rows: SnapshotRow[];
  awaitingReview: number;
  scores: ScoreEntry[];
  /** Names of the people who gave scores, for the sheet's 评分人. */
  scorers: { id: string; name: string }[];
}

export interface SnapshotStore {
  /** The next ticket of the unit's change counter (an atomic increment). */
  ticket(unit: string): Promise<number>;
  /** Writes the snapshot unless one with a higher ticket is there; returns whether it wrote. */
  put(snapshot: Snapshot): Promise<boolean>;
  get(unit: string, period: string): Promise<Snapshot | undefined>;
  /** One period's snapshots of many units (batched Gets: one item read per unit). */
  many(units: string[], period: string): Promise<Map<string, Snapshot>>;
  /** The years the unit has snapshots of (a roster change refreshes each). */
  years(unit: string): Promise<number[]>;
  /** The unit's score entries of every period of a year, oldest first. */
  scoresOfYear(unit: string, year: number): Promise<ScoreEntry[]>;
}

export interface SnapshotDeps {
  catalog: Pick<Catalog, 'obligations' | 'assessment'>;
  records: Pick<RecordStore, 'iterateByForm'>;
  rosters: { roster(unit: string): Promise<Roster | undefined> };
  snapshots: SnapshotStore;
}

/** Every period of a year a county may ask for: the year, its halves, quarters and months. */
export function periodsOfYear(year: number): Period[] {
  const out: Period[] = [{ kind: 'year', year, index: 1 }];
  for (let i = 1; i <= 2; i++) out.push({ kind: 'half', year, index: i });
  for (let i = 1; i <= 4; i++) out.push({ kind: 'quarter', year, index: i });
  for (let i = 1; i <= 12; i++) out.push({ kind: 'month', year, index: i });
  return out;
}

/** The day before any period: evaluating "as of" it leaves every status out of what is kept. */
const BEFORE_ALL = '0000-01-01';

/** Snapshots of every period of the year from the year's records (pure). */
export function buildSnapshots(
  catalog: SnapshotDeps['catalog'],
  org: Organisation,
  year: number,
  records: RecordState[],
  scores: ScoreEntry[],
  ticket: number,
): Snapshot[] {
  return periodsOfYear(year).map((period) => {
    const report = evaluateCompliance({ org, obligations: catalog.obligations, period, asOf: BEFORE_ALL, records });
    const p = formatPeriod(period);
    const own = scores.filter((s) => s.period === p);
    const scorers = [...new Set(own.map((s) => s.by))].map((id) => ({ id, name: org.people.find((x) => x.id === id)?.name ?? id }));
    return {
      unit: org.unit.id,
      unitName: org.unit.name,
      unitShortName: org.unit.shortName,
      period: p,
      ticket,
      graceDays: report.graceDays,
      rows: report.rows.map(({ status: _s, missing: _m, ...row }) => row),
      awaitingReview: report.awaitingReview,
      scores: own,
      scorers,
    };
  });
}

/** Recomputes the unit's snapshots of each year from the store; a county or an unknown unit has none. */
export async function refreshSnapshots(deps: SnapshotDeps, unit: string, years: Iterable<number>): Promise<number> {
  const wanted = [...new Set(years)].filter((y) => Number.isInteger(y) && y >= 2000 && y <= 2999);
  if (!wanted.length) return 0;
  // The ticket before any read: whatever this refresh reads is at least as new as the ticket says.
  const ticket = await deps.snapshots.ticket(unit);
  const roster = await deps.rosters.roster(unit);
  if (!roster || roster.org.kind === 'county') return 0;
  let written = 0;
  for (const year of wanted) {
    const plan = planCompliance({ org: roster.org, obligations: deps.catalog.obligations, period: { kind: 'year', year, index: 1 }, asOf: BEFORE_ALL });
    const records: RecordState[] = [];
    for (const form of plan.forms)
      for await (const r of deps.records.iterateByForm(unit, form, `${year}-01-01`, `${year}-12-31`, 500, plan.fieldsOf(form))) records.push(r);
    const scores = await deps.snapshots.scoresOfYear(unit, year);
    for (const s of buildSnapshots(deps.catalog, roster.org, year, records, scores, ticket)) if (await deps.snapshots.put(s)) written++;
  }
  return written;
}

/** The compliance report a snapshot gives on the day `asOf`: what complianceFor would answer. */
export function snapshotReport(s: Snapshot, asOf: string, label = periodLabelOf(s.period)): ComplianceReport {
  return {
    unit: s.unit,
    period: s.period,
    periodLabel: label,
    asOf,
    graceDays: s.graceDays,
    rows: s.rows.map((r) => ({ ...r, ...rowStatus(r, s.graceDays, asOf) })),
    awaitingReview: s.awaitingReview,
  };
}

/** The assessment sheet a snapshot gives on the day `asOf`: what assess over a full evaluation would answer. */
export function snapshotAssessment(catalog: Pick<Catalog, 'assessment'>, s: Snapshot, asOf: string) {
  const scorers: Organisation = {
    unit: { id: s.unit, name: s.unitName, shortName: s.unitShortName },
    divisions: [],
    people: s.scorers.map((p) => ({ id: p.id, name: p.name, title: '', roles: [] })),
  };
  return assess(catalog.assessment, snapshotReport(s, asOf), s.scores, scorers);
}

const periodLabelOf = (period: string) => periodLabel(parsePeriod(period)!);
