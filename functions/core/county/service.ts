/**
 * What a county (县委宣传部) sees of its units (DESIGN §14), read-only: per unit and period the
 * compliance matrix, the assessment and the compiled ledgers and archives, and never another
 * county's units (404, as for a record one may not see). Every read is written to the unit's
 * access log, which the unit's office reads.
 */
import { conflict, forbidden, notFound } from '../errors.js';
import { formatPeriod, parsePeriod, periodLabel, shanghaiDate } from '../periods.js';
import { rosterId } from '../templates/templates.js';
import { onlyParams, periodParam } from '../compliance/oversight.js';
import { findPerson } from '../roster/organisation.js';
import type { RosterStore } from '../roster/store.js';
import type { Caller, Deps } from '../types.js';
import type { Organisation } from '../templates/templates.js';
import type { AccessLogStore } from './access-log.js';
import { snapshotAssessment, snapshotReport, type SnapshotStore } from './snapshots.js';
import { NOT_COUNTY } from './messages.js';

export interface CountyReadDeps extends Deps {
  rosters: Pick<RosterStore, 'countyUnits' | 'roster'>;
  accessLog: AccessLogStore;
  snapshots: SnapshotStore;
}

const NOT_OURS = '找不到这个单位，或它不归贵部门管理';

/** The county person calling, or 403. */
export async function countyCaller(deps: Pick<Deps, 'organisation'>, caller: Caller): Promise<{ county: Organisation; name: string }> {
  if (!caller.county || !caller.roles.includes('county')) throw forbidden(NOT_COUNTY);
  const county = await deps.organisation(caller.unit);
  const person = county && findPerson(county, caller.id);
  if (!county || !person) throw forbidden(NOT_COUNTY);
  return { county, name: person.name };
}

/** A unit the caller's county oversees today (its roster names the county), or 404. */
export async function overseenUnit(deps: Pick<Deps, 'organisation'>, caller: Caller, unit: string): Promise<Organisation> {
  if (!rosterId.safeParse(unit).success) throw notFound(NOT_OURS);
  const org = await deps.organisation(unit);
  if (!org || org.kind === 'county' || org.county !== caller.unit) throw notFound(NOT_OURS);
  return org;
}

/** Checks the caller and the unit, writes the access to the unit's log, and returns the unit. */
export async function readUnitAs(
  deps: Pick<CountyReadDeps, 'organisation' | 'accessLog' | 'now'>,
  caller: Caller,
  unit: string,
  what: { route: string; query?: Record<string, string | undefined>; item?: string },
): Promise<{ org: Organisation; period?: string }> {
  const { name } = await countyCaller(deps, caller);
  const org = await overseenUnit(deps, caller, unit);
  let period: string | undefined;
  if (what.query) {
    onlyParams(what.query, ['period']);
    period = formatPeriod(periodParam(what.query.period));
  }
  // Logged before the answer: a read the unit cannot see in its log never happens.
  await deps.accessLog.add(org.unit.id, {
    at: deps.now().toISOString(),
    by: caller.id,
    byName: name,
    county: caller.unit,
    route: what.route,
    ...(period ? { period } : {}),
    ...(what.item ? { item: what.item } : {}),
  });
  return { org, ...(period ? { period } : {}) };
}

/** GET /api/access-log: the unit's log of county reads, newest first (the office and the secretary). */
export async function accessLogView(deps: Pick<CountyReadDeps, 'organisation' | 'accessLog'>, caller: Caller, query: Record<string, string | undefined>) {
  onlyParams(query, []);
  const org = await deps.organisation(caller.unit);
  if (!org || !findPerson(org, caller.id) || caller.county) throw forbidden('您不在本单位的组织名册中，请联系办公室');
  if (!caller.roles.includes('office') && !caller.roles.includes('secretary')) throw forbidden('只有办公室和党组书记可以查看上级查阅记录');
  return { items: await deps.accessLog.list(caller.unit, 200) };
}

/** The unit's snapshot of the period, or 409 while none has been made (a rebuild makes it). */
async function snapshotOf(deps: CountyReadDeps, unit: string, period: string) {
  const snap = await deps.snapshots.get(unit, period);
  if (!snap) throw conflict('该单位这一期间的落实情况尚未汇总，请稍后再试');
  return snap;
}

/** GET /api/county/units/{unit}/compliance?period=: the unit's whole matrix, as its office sees it, from its snapshot. */
export async function unitCompliance(deps: CountyReadDeps, caller: Caller, unit: string, route: string, query: Record<string, string | undefined>) {
  const { org, period } = await readUnitAs(deps, caller, unit, { route, query });
  const report = snapshotReport(await snapshotOf(deps, org.unit.id, period!), shanghaiDate(deps.now()));
  return { ...report, unitName: org.unit.name };
}

/** GET /api/county/units/{unit}/assessment?period=: the unit's assessment sheet with its deductions, from its snapshot. */
export async function unitAssessment(deps: CountyReadDeps, caller: Caller, unit: string, route: string, query: Record<string, string | undefined>) {
  const { org, period } = await readUnitAs(deps, caller, unit, { route, query });
  const sheet = snapshotAssessment(deps.catalog, await snapshotOf(deps, org.unit.id, period!), shanghaiDate(deps.now()));
  return { ...sheet, unitName: org.unit.name };
}

type Counts = { met: number; inProgress: number; missed: number; notDue: number };
const zero = (): Counts => ({ met: 0, inProgress: 0, missed: 0, notDue: 0 });
const KEY = { met: 'met', 'in-progress': 'inProgress', missed: 'missed', 'not-due': 'notDue' } as const;

/**
 * GET /api/county/overview?period=: every unit of the county, units × obligations (met / in progress /
 * missed rows), the score, ranked: units with missed items first, then by obligations met, then by
 * score; `rankByMet` and `rankByScore` give both rankings. Reads one roster and one snapshot per unit.
 */
export async function countyOverview(deps: CountyReadDeps, caller: Caller, route: string, query: Record<string, string | undefined>) {
  const { county, name } = await countyCaller(deps, caller);
  onlyParams(query, ['period']);
  const period = formatPeriod(periodParam(query.period));
  return overviewOf(deps, county, period, (units) => {
    const at = deps.now().toISOString();
    // Each unit's log shows the county looked at it, as a drill-down does.
    // Ten at a time: a county of a hundred units does not open a hundred requests at once.
    const entry = { at, by: caller.id, byName: name, county: caller.unit, route, period };
    return (async () => {
      for (let i = 0; i < units.length; i += 10) await Promise.all(units.slice(i, i + 10).map((u) => deps.accessLog.add(u, entry)));
    })();
  });
}

/** The overview of a county's units for a period, from snapshots; `read` is told which units it read (the access log). */
export async function overviewOf(
  deps: Pick<CountyReadDeps, 'catalog' | 'rosters' | 'snapshots' | 'now'>,
  county: Organisation,
  period: string,
  read: (units: string[]) => Promise<void> = async () => {},
) {
  const today = shanghaiDate(deps.now());
  const units = (await deps.rosters.countyUnits(county.unit.id)).map((r) => r.org);
  const snaps = await deps.snapshots.many(units.map((u) => u.unit.id), period);
  await read(units.map((u) => u.unit.id));
  const obligations = deps.catalog.obligations.obligations.map((o) => ({ id: o.id, title: o.title }));
  const rows = units.map((u) => {
    const snap = snaps.get(u.unit.id);
    if (!snap) return { unit: u.unit.id, name: u.unit.name, shortName: u.unit.shortName, pending: true as const };
    const report = snapshotReport(snap, today);
    const sheet = snapshotAssessment(deps.catalog, snap, today);
    const cells: Record<string, Counts> = Object.fromEntries(obligations.map((o) => [o.id, zero()]));
    const totals = zero();
    for (const r of report.rows) {
      cells[r.obligationId]![KEY[r.status]]++;
      totals[KEY[r.status]]++;
    }
    // An obligation is met when every row of it that is due is met.
    const obligationsMet = obligations.filter((o) => {
      const c = cells[o.id]!;
      return c.met > 0 && c.inProgress === 0 && c.missed === 0;
    }).length;
    return { unit: u.unit.id, name: u.unit.name, shortName: u.unit.shortName, cells, totals, obligationsMet, score: sheet.total, standardTotal: sheet.standardTotal, scoreComplete: sheet.complete };
  });
  type Row = (typeof rows)[number];
  const done = rows.filter((r): r is Extract<Row, { totals: Counts }> => !('pending' in r));
  const rankOf = (sorted: typeof done) => new Map(sorted.map((r, i) => [r.unit, i + 1]));
  const byMet = rankOf([...done].sort((a, b) => b.obligationsMet - a.obligationsMet || b.totals.met - a.totals.met || a.unit.localeCompare(b.unit)));
  const byScore = rankOf([...done].sort((a, b) => b.score - a.score || a.unit.localeCompare(b.unit)));
  const ranked = [...done].sort(
    (a, b) => Number(b.totals.missed > 0) - Number(a.totals.missed > 0) || byMet.get(a.unit)! - byMet.get(b.unit)! || byScore.get(a.unit)! - byScore.get(b.unit)!,
  );
  return {
    county: { id: county.unit.id, name: county.unit.name },
    period,
    periodLabel: periodLabel(parsePeriod(period)!),
    asOf: today,
    obligations,
    units: ranked.map((r) => ({ ...r, rankByMet: byMet.get(r.unit)!, rankByScore: byScore.get(r.unit)! })),
    pending: rows.filter((r) => 'pending' in r).map((r) => ({ unit: r.unit, name: r.name, shortName: r.shortName })),
  };
}
