/** The roster routes' core: read the caller's unit's roster, apply one office change, read the history. */
import { conflict, forbidden, validationError } from '../errors.js';
import { planImport, type ImportRow } from './import.js';
import { shanghaiDate } from '../periods.js';
import type { Organisation } from '../templates/templates.js';
import type { Caller } from '../types.js';
import { assertMayChangeRoster, type Roster, type RosterChange } from './roster.js';
import type { RosterStore } from './store.js';

export interface RosterDeps {
  rosters: RosterStore;
  now(): Date;
}

async function rosterOf(deps: RosterDeps, caller: Caller): Promise<Roster> {
  const roster = await deps.rosters.roster(caller.unit);
  if (!roster) throw forbidden('您不在本单位的组织名册中，请联系办公室');
  return roster;
}

/** The roster as the caller may see it: everyone sees the unit's people; only the office sees sign-in subjects. */
export async function readRoster(deps: RosterDeps, caller: Caller) {
  const { org, version } = await rosterOf(deps, caller);
  const office = caller.roles.includes('office');
  return {
    version,
    unit: org.unit,
    divisions: org.divisions,
    people: office ? org.people : org.people.map(({ subject: _s, ...p }) => p),
  };
}

/** Applies one change by the office to the newest roster; 409 when `version` is not the newest. */
export async function changeRoster(
  deps: RosterDeps,
  caller: Caller,
  apply: (roster: Roster, day: string) => { org: Organisation; change: RosterChange },
): Promise<{ version: number; change: RosterChange }> {
  assertMayChangeRoster(caller);
  const base = await rosterOf(deps, caller);
  const now = deps.now();
  const { org, change } = apply(base, shanghaiDate(now));
  const written = await deps.rosters.write(base, org, change, { by: caller.id, at: now.toISOString(), issuer: caller.issuer ?? '' });
  return { version: written.version, change };
}

/** Every change to the roster, who and when, oldest first: for the office and the secretary. */
export async function rosterHistory(deps: RosterDeps, caller: Caller, query: Record<string, string | undefined>) {
  if (!caller.roles.includes('office') && !caller.roles.includes('secretary')) throw forbidden('只有办公室和党组书记可以查看名册的修改记录');
  const after = query.after === undefined ? undefined : Number(query.after);
  if (after !== undefined && !(Number.isInteger(after) && after >= 0))
    throw validationError('参数 after 应为非负整数（上一页最后的版本号）', [{ path: 'after', message: '应为非负整数' }]);
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 200))
    throw validationError('参数 limit 应为 1 到 200 的整数', [{ path: 'limit', message: '应为 1 到 200 的整数' }]);
  await rosterOf(deps, caller);
  return deps.rosters.history(caller.unit, { after, limit });
}

/** What an import would do, or did: the people added and changed, and the version after. */
export async function importRoster(
  deps: RosterDeps,
  caller: Caller,
  rows: ImportRow[],
  options: { dryRun: boolean; version?: string },
) {
  assertMayChangeRoster(caller);
  const base = await rosterOf(deps, caller);
  const now = deps.now();
  const { plan, errors } = planImport(base.org, rows, shanghaiDate(now));
  if (!plan) throw validationError(`花名册有 ${errors.length} 处错误，未导入任何内容`, errors);
  const summary = {
    added: plan.added,
    changed: plan.changed,
    unchanged: plan.unchanged,
    skippedExamples: plan.skippedExamples,
  };
  if (options.dryRun) return { dryRun: true, version: base.version, ...summary };
  if (options.version === undefined || !/^\d{1,10}$/.test(options.version))
    throw validationError('确认导入时须提供预览时的名册版本号 ?version=', [{ path: 'version', message: '应为预览返回的 version' }]);
  if (Number(options.version) !== base.version)
    throw conflict(`名册在预览之后已被修改（当前版本 ${base.version}），请重新预览`, { version: base.version });
  // The same file again changes nothing, and writes nothing.
  if (!plan.added.length && !plan.changed.length) return { dryRun: false, version: base.version, ...summary };
  const change: RosterChange = {
    kind: 'import',
    target: base.org.unit.id,
    before: plan.changed.map((c) => c.before),
    after: [...plan.added, ...plan.changed.map((c) => c.after)],
  };
  const written = await deps.rosters.write(base, plan.org, change, { by: caller.id, at: now.toISOString(), issuer: caller.issuer ?? '' });
  return { dryRun: false, version: written.version, ...summary };
}
