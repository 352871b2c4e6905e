/**
 * The roster as data: the changes the office makes to its divisions and people, checked and
 * applied to a copy (pure; the store keeps every version). Nothing is ever removed: a division is
 * retired, a person is marked left, a role is ended with a date.
 */
import { z } from 'zod';
import { conflict, forbidden, notFound, validationError } from '../errors.js';
import { parseOrThrow } from '../templates/schema.js';
import { calendarDate, rosterId, ROLES, type Organisation, type Person, type Role } from '../templates/templates.js';
import type { Caller } from '../types.js';
import { rolesOn } from './organisation.js';

export type Division = Organisation['divisions'][number];

/** A roster as stored: the organisation, and the version the next change must name. */
export interface Roster {
  org: Organisation;
  version: number;
}

/** What one change did, for the history: the entity before and after. */
export interface RosterChange {
  kind: 'load' | 'add-division' | 'update-division' | 'add-person' | 'update-person' | 'import' | 'attach-county';
  target: string;
  before?: unknown;
  after?: unknown;
}

/** One version of a roster as the history shows it. */
export interface RosterVersion extends RosterChange {
  version: number;
  at: string;
  by: string;
}

/** The person on the day, or undefined when the roster does not know them or they had left. */
export function personOn(org: Organisation, id: string, day: string): Person | undefined {
  const person = org.people.find((p) => p.id === id);
  if (!person || (person.left !== undefined && person.left < day)) return undefined;
  return person;
}

/** The roles the person holds on the day by the roster; none once they have left. */
export function rosterRolesOn(org: Organisation, id: string, day: string): Role[] {
  const person = personOn(org, id, day);
  return person ? rolesOn(person, day) : [];
}

/** The subject that names the person in the roster: their own, or their id (unique in the unit either way). */
export const subjectOf = (person: Person): string => person.subject ?? person.id;

/** The issuer of local sign-in (infra/local/jwt.ts signs with it). */
export const LOCAL_ISSUER = 'http://localhost/taizhang-local';

/**
 * The subject a token from `issuer` must carry to sign in as the person. Only local sign-in may
 * name someone by roster id: an external issuer's own subjects could be usernames that happen to
 * equal an id ("zhang-wei"), so a person without an entered subject cannot sign in through it.
 */
export const signInSubject = (person: Person, issuer: string): string | undefined =>
  person.subject ?? (issuer === LOCAL_ISSUER ? person.id : undefined);

const text = (max: number) => z.string().trim().min(1, '不能为空').max(max, `不能超过 ${max} 个字`);
const role = z.strictObject({
  role: z.enum(ROLES, `职务应为 ${ROLES.join('、')} 之一`),
  from: calendarDate,
  to: calendarDate.optional(),
});
const version = z.number('应提供名册版本号 version').int().min(0);

export const AddDivisionSchema = z.strictObject({ version, id: rosterId, name: text(30) });
export const UpdateDivisionSchema = z.strictObject({ version, name: text(30).optional(), retired: calendarDate.nullable().optional() });
export const AddPersonSchema = z.strictObject({
  version,
  id: rosterId,
  name: text(20),
  title: z.string().trim().max(30).default(''),
  division: rosterId.optional(),
  roles: z.array(role).max(20).default([]),
  subject: z.string().trim().min(1).max(200).optional(),
});
export const UpdatePersonSchema = z.strictObject({
  version,
  name: text(20).optional(),
  title: z.string().trim().max(30).optional(),
  division: rosterId.nullable().optional(),
  roles: z.array(role).max(20).optional(),
  subject: z.string().trim().min(1).max(200).optional(),
  left: calendarDate.nullable().optional(),
});

/** Only the office changes the roster; the caller's own unit only. */
export function assertMayChangeRoster(caller: Caller): void {
  if (!caller.roles.includes('office')) throw forbidden('只有办公室可以修改组织名册');
}

function assertVersion(roster: Roster, given: number): void {
  if (given !== roster.version)
    throw conflict(`名册已被他人修改（当前版本 ${roster.version}，您提交的是 ${given}），请刷新后重试`, { version: roster.version });
}

function checkRoles(roles: Person['roles'], prefix: string): void {
  const errors = roles.flatMap((r, i) => (r.to !== undefined && r.to < r.from ? [{ path: `${prefix}.${i}.to`, message: '结束日期早于开始日期' }] : []));
  if (errors.length) throw validationError('职务的日期有误', errors);
}

function checkDivision(org: Organisation, id: string | undefined | null, day: string, path: string): void {
  if (id === undefined || id === null) return;
  const d = org.divisions.find((x) => x.id === id);
  if (!d) throw validationError('没有这个科室', [{ path, message: `名册中没有科室 ${id}` }]);
  if (d.retired !== undefined && d.retired <= day) throw validationError('该科室已撤销', [{ path, message: `科室 ${d.name} 已于 ${d.retired} 撤销` }]);
}

/**
 * A role that had begun by `day` is part of what happened: it may be ended (given a `to`) but not
 * removed or moved to another start, so the roster never rewrites who held what when.
 */
function checkKeepsPastRoles(before: Person['roles'], after: Person['roles'], day: string): void {
  const errors: { path: string; message: string }[] = [];
  before.forEach((r, i) => {
    if (r.from > day) return;
    if (!after.some((a) => a.role === r.role && a.from === r.from))
      errors.push({ path: `roles.${i}`, message: `已开始的职务（${r.role}，自 ${r.from}）不能删除，请填写结束日期` });
  });
  if (errors.length) throw validationError('已开始的职务只能结束，不能删除', errors);
}

type Applied = { org: Organisation; change: RosterChange };

export function addDivision(roster: Roster, body: unknown): Applied {
  const input = parseOrThrow(AddDivisionSchema, body, [], '科室信息有误');
  assertVersion(roster, input.version);
  if (roster.org.divisions.some((d) => d.id === input.id)) throw conflict(`科室编号 ${input.id} 已存在`);
  const division: Division = { id: input.id, name: input.name };
  return { org: { ...roster.org, divisions: [...roster.org.divisions, division] }, change: { kind: 'add-division', target: input.id, after: division } };
}

export function updateDivision(roster: Roster, id: string, body: unknown): Applied {
  const input = parseOrThrow(UpdateDivisionSchema, body, [], '科室信息有误');
  const before = roster.org.divisions.find((d) => d.id === id);
  if (!before) throw notFound('名册中没有这个科室');
  assertVersion(roster, input.version);
  const after: Division = { ...before, ...(input.name !== undefined ? { name: input.name } : {}) };
  if (input.retired === null) delete after.retired;
  else if (input.retired !== undefined) {
    const members = roster.org.people.filter((p) => p.division === id && personOn(roster.org, p.id, input.retired!));
    if (members.length)
      throw validationError('科室中还有人员，不能撤销', [
        { path: 'retired', message: `请先将 ${members.map((p) => p.name).join('、')} 调到其他科室` },
      ]);
    after.retired = input.retired;
  }
  return {
    org: { ...roster.org, divisions: roster.org.divisions.map((d) => (d.id === id ? after : d)) },
    change: { kind: 'update-division', target: id, before, after },
  };
}

export function addPerson(roster: Roster, body: unknown, day: string): Applied {
  const input = parseOrThrow(AddPersonSchema, body, [], '人员信息有误');
  assertVersion(roster, input.version);
  if (roster.org.people.some((p) => p.id === input.id)) throw conflict(`人员编号 ${input.id} 已存在`);
  checkDivision(roster.org, input.division, day, 'division');
  checkRoles(input.roles, 'roles');
  const { version: _v, ...rest } = input;
  const person: Person = { ...rest };
  if (person.division === undefined) delete person.division;
  if (person.subject === undefined) delete person.subject;
  assertSubjectFree(roster.org, person);
  return { org: { ...roster.org, people: [...roster.org.people, person] }, change: { kind: 'add-person', target: person.id, after: person } };
}

export function updatePerson(roster: Roster, id: string, body: unknown, day: string): Applied {
  const input = parseOrThrow(UpdatePersonSchema, body, [], '人员信息有误');
  const before = roster.org.people.find((p) => p.id === id);
  if (!before) throw notFound('名册中没有这个人员');
  assertVersion(roster, input.version);
  const after: Person = { ...before, roles: [...before.roles] };
  if (input.name !== undefined) after.name = input.name;
  if (input.title !== undefined) after.title = input.title;
  if (input.subject !== undefined) after.subject = input.subject;
  if (input.division === null) delete after.division;
  else if (input.division !== undefined && input.division !== before.division) {
    checkDivision(roster.org, input.division, day, 'division');
    after.division = input.division;
  }
  if (input.roles !== undefined) {
    checkRoles(input.roles, 'roles');
    checkKeepsPastRoles(before.roles, input.roles, day);
    after.roles = input.roles;
  }
  if (input.left === null) delete after.left;
  else if (input.left !== undefined) {
    after.left = input.left;
    // Leaving ends every role on the last day, so what compliance reads agrees with who may sign in.
    after.roles = after.roles
      .filter((r) => r.from <= input.left!)
      .map((r) => (r.to === undefined || r.to > input.left! ? { ...r, to: input.left! } : r));
  }
  assertSubjectFree(roster.org, after);
  return {
    org: { ...roster.org, people: roster.org.people.map((p) => (p.id === id ? after : p)) },
    change: { kind: 'update-person', target: id, before, after },
  };
}

/** Two people of one unit may not sign in with the same subject. */
function assertSubjectFree(org: Organisation, person: Person): void {
  const other = org.people.find((p) => p.id !== person.id && subjectOf(p) === subjectOf(person));
  if (other) throw conflict(`登录身份 ${subjectOf(person)} 已属于 ${other.name}`);
}
