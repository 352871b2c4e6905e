/** The roster routes' core: read the caller's unit's roster, apply one office change, read the history. */
import { conflict, forbidden, validationError } from '../errors.js';
import { roleMisfit } from '../templates/catalog.js';
import { planImport, type ImportRow } from './import.js';
import { shanghaiDate } from '../periods.js';
import type { Organisation } from '../templates/templates.js';
import type { Caller } from '../types.js';
import { accountName, noInvitations, takeContact, type IdentityProvider } from './identity.js';
import { addPerson, assertMayChangeRoster, updatePerson, type Roster, type RosterChange } from './roster.js';
import type { RosterStore } from './store.js';

export interface RosterDeps {
  rosters: RosterStore;
  now(): Date;
  /** Who signs people in (identity.ts); local sign-in when not given. */
  identity?: IdentityProvider;
}

async function rosterOf(deps: RosterDeps, caller: Caller): Promise<Roster> {
  const roster = await deps.rosters.roster(caller.unit);
  if (!roster) throw forbidden('您不在本单位的组织名册中，请联系办公室');
  return roster;
}

/**
 * The roster as the caller may see it: everyone sees the unit's people; only the office sees sign-in
 * subjects, and which provider signs people in (so a page knows to ask for an e-mail or a subject).
 */
export async function readRoster(deps: RosterDeps, caller: Caller) {
  const { org, version } = await rosterOf(deps, caller);
  const office = caller.roles.includes('office');
  return {
    version,
    ...(office ? { accounts: (deps.identity ?? noInvitations('local')).kind } : {}),
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
  const misfits = org.people.flatMap((p) =>
    p.roles.flatMap((r, i) => {
      const message = roleMisfit(org, r.role);
      return message ? [{ path: `people.${p.id}.roles.${i}.role`, message }] : [];
    }),
  );
  if (misfits.length) throw validationError('角色与本单位不符', misfits);
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

/**
 * POST /api/roster/people with the provider in use (identity.ts).
 *
 * Order, so that no failure leaves a half state the API would honour: the change is first checked
 * against the current roster (a bad body or a taken id is refused before anyone is invited); then
 * the account is created, named by unit and person id; then the roster is written with its `sub`.
 * An account without a roster entry signs in to nothing (the API refuses a subject the roster does
 * not give), and when the write fails the next attempt finds the same account (invite is idempotent
 * on the account name) and records the same `sub`, so a retry never makes a second account.
 */
export async function addRosterPerson(deps: RosterDeps, caller: Caller, body: unknown) {
  const identity = deps.identity ?? noInvitations('local');
  const { contact, rest } = takeContact(body, identity.kind);
  const given = (rest as { subject?: unknown } | undefined)?.subject;
  if (identity.kind === 'external' && given === undefined)
    throw validationError('请填写此人在外部身份提供方的登录身份（subject）', [{ path: 'subject', message: '不能为空' }]);
  if (identity.kind !== 'cognito') return changeRoster(deps, caller, (roster, day) => addPerson(roster, rest, day));
  if (given !== undefined)
    throw validationError('使用 Cognito 登录时，登录身份由系统在邀请后记录，请不要填写 subject', [{ path: 'subject', message: '请改填电子邮箱或手机号' }]);
  if (!contact) throw validationError('请填写电子邮箱或手机号，以便发送登录邀请', [{ path: 'email', message: '电子邮箱和手机号至少填写一项' }]);
  assertMayChangeRoster(caller);
  const base = await rosterOf(deps, caller);
  const id = (addPerson(base, rest, shanghaiDate(deps.now())).change.after as { id: string }).id;
  const subject = await identity.invite(accountName(caller.unit, id), contact);
  return changeRoster(deps, caller, (roster, day) => addPerson(roster, { ...(rest as object), subject }, day));
}

/**
 * PUT /api/roster/people/{id} with the provider in use. With Cognito, a person without an account
 * can be invited (email or phone), and `left` disables the account or (`left: null`) enables it.
 *
 * Order, as for adding: the change is checked, then every account call is made, and the roster is
 * written last, so a failure anywhere leaves the roster as it was and the office can send the same
 * request again (each call is idempotent). What a failure can leave is harmless: an account created
 * or enabled that the roster does not yet give (the API refuses it), or one disabled while the
 * roster still has the person (closed early, never open late).
 */
export async function updateRosterPerson(deps: RosterDeps, caller: Caller, id: string, body: unknown) {
  const identity = deps.identity ?? noInvitations('local');
  const { contact, rest } = takeContact(body, identity.kind);
  if (identity.kind !== 'cognito') return changeRoster(deps, caller, (roster, day) => updatePerson(roster, id, rest, day));
  const input = (typeof rest === 'object' && rest !== null ? rest : {}) as { subject?: unknown; left?: unknown };
  if (input.subject !== undefined)
    throw validationError('使用 Cognito 登录时，登录身份由系统在邀请后记录，不能手工修改', [{ path: 'subject', message: '请不要填写' }]);
  assertMayChangeRoster(caller);
  const base = await rosterOf(deps, caller);
  const { change } = updatePerson(base, id, rest, shanghaiDate(deps.now()));
  const before = change.before as { subject?: string; left?: string };
  const account = accountName(caller.unit, id);
  let subject: string | undefined;
  if (contact) {
    if (before.subject !== undefined)
      throw validationError('此人已有登录账号，无需再次邀请', [{ path: contact.email !== undefined ? 'email' : 'phone', message: '已有登录账号' }]);
    subject = await identity.invite(account, contact);
  }
  if (before.subject !== undefined || subject !== undefined) {
    if (typeof input.left === 'string') await identity.disable(account);
    else if (input.left === null && before.left !== undefined) await identity.enable(account);
  }
  return changeRoster(deps, caller, (roster, day) => updatePerson(roster, id, subject ? { ...(rest as object), subject } : rest, day));
}
