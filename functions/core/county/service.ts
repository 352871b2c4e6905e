/**
 * What a county (县委宣传部) sees of its units (DESIGN §14), read-only: per unit and period the
 * compliance matrix, the assessment and the compiled ledgers and archives, and never another
 * county's units (404, as for a record one may not see). Every read is written to the unit's
 * access log, which the unit's office reads.
 */
import { forbidden, notFound } from '../errors.js';
import { formatPeriod, parsePeriod } from '../periods.js';
import { complianceFor } from '../compliance/compliance.js';
import { assess } from '../compliance/assessment.js';
import { rosterId } from '../templates/templates.js';
import { onlyParams, periodParam } from '../compliance/oversight.js';
import { findPerson } from '../roster/organisation.js';
import type { RosterStore } from '../roster/store.js';
import type { Caller, Deps } from '../types.js';
import type { Organisation } from '../templates/templates.js';
import type { AccessLogStore } from './access-log.js';
import { NOT_COUNTY } from './messages.js';

export interface CountyReadDeps extends Deps {
  rosters: Pick<RosterStore, 'countyUnits' | 'roster'>;
  accessLog: AccessLogStore;
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

/** GET /api/county/units/{unit}/compliance?period=: the unit's whole matrix, as its office sees it. */
export async function unitCompliance(deps: CountyReadDeps, caller: Caller, unit: string, route: string, query: Record<string, string | undefined>) {
  const { org, period } = await readUnitAs(deps, caller, unit, { route, query });
  const report = await complianceFor(deps, org, parsePeriod(period!)!);
  return { ...report, unitName: org.unit.name };
}

/** GET /api/county/units/{unit}/assessment?period=: the unit's assessment sheet with its deductions. */
export async function unitAssessment(deps: CountyReadDeps, caller: Caller, unit: string, route: string, query: Record<string, string | undefined>) {
  const { org, period } = await readUnitAs(deps, caller, unit, { route, query });
  const [report, entries] = await Promise.all([complianceFor(deps, org, parsePeriod(period!)!), deps.scores.list(org.unit.id, period!)]);
  return { ...assess(deps.catalog.assessment, report, entries, org), unitName: org.unit.name };
}
