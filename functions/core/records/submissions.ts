/**
 * Submitting, reading, editing and withdrawing records, with the access rules of DESIGN §5.
 * A record the caller may not see is a 404 whether it exists or not (it hides existence);
 * a record the caller may see but not change is a 403.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { z } from 'zod';
import { conflict, forbidden, notFound, validationError } from '../errors.js';
import { findPerson } from '../roster/organisation.js';
import { formatPeriod, parsePeriod, periodBounds, periodOf, shanghaiDate } from '../periods.js';
import { InvalidCursorError, toHistory, type HistoryEntry, type ListScope, type RecordPage, type RecordState } from './record.js';
import { compileSchema, parseOrThrow } from '../templates/schema.js';
import type { Organisation, Person } from '../templates/templates.js';
import type { Caller, Deps } from '../types.js';

/** The caller as a person of their unit's organisation, or 403. */
export async function resolveCaller(deps: Deps, caller: Caller): Promise<{ org: Organisation; person: Person }> {
  const org = await deps.organisation(caller.unit);
  const person = org && findPerson(org, caller.id);
  if (!org || !person) throw forbidden('您不在本单位的组织名册中，请联系办公室');
  return { org, person };
}

const seesWholeUnit = (c: Caller) => c.roles.includes('office') || c.roles.includes('secretary');

function canSee(caller: Caller, person: Person, r: RecordState): boolean {
  if (r.unit !== caller.unit) return false;
  return seesWholeUnit(caller) || r.owner === caller.id || (!!person.division && r.division === person.division);
}

/** The owner or the office may change a record (its data, its evidence). */
export function canEdit(caller: Caller, r: RecordState): boolean {
  return r.owner === caller.id || caller.roles.includes('office');
}

async function visibleRecord(deps: Deps, caller: Caller, person: Person, id: string): Promise<RecordState> {
  const record = /^[A-Za-z0-9]{10,40}$/.test(id) ? await deps.records.get(id) : undefined;
  if (!record || !canSee(caller, person, record)) throw notFound('找不到这条记录');
  return record;
}

/** Key order never changes what a request means, so the hash sorts keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function validateData(deps: Deps, org: Organisation, templateId: string, data: unknown) {
  const form = deps.catalog.form(templateId);
  if (!form) throw validationError('没有这个表单模板', [{ path: 'templateId', message: `表单模板「${templateId}」不存在` }]);
  const schema = compileSchema(form, { org, today: shanghaiDate(deps.now()) });
  const valid = parseOrThrow(schema, data, ['data'], '表单内容有误，请按提示修改');
  const date = valid[form.dateField] as string;
  return { form, data: valid, date, period: formatPeriod(periodOf(date, form.period)) };
}

const CreateBody = z.strictObject({ templateId: z.string().max(40), data: z.unknown() });
const UpdateBody = z.strictObject({ data: z.unknown(), version: z.int().min(1) });
/** What an Idempotency-Key may be: visible ASCII, as a header carries it. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export async function createSubmission(
  deps: Deps,
  caller: Caller,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<{ record: RecordState; replayed: boolean }> {
  const { org, person } = await resolveCaller(deps, caller);
  const input = parseOrThrow(CreateBody, body, [], '请求内容有误');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
    throw validationError('幂等键格式有误', [{ path: 'Idempotency-Key', message: '应为 1–128 个可见 ASCII 字符' }]);
  const v = validateData(deps, org, input.templateId, input.data);
  const at = deps.now().toISOString();
  // With a key, the id follows from who sent it and the key, so a retry meets its own first write.
  const id = idempotencyKey
    ? `K${sha256(`${caller.unit}\n${caller.id}\n${idempotencyKey}`).slice(0, 31)}`
    : ulid();
  const state: RecordState = {
    id,
    unit: caller.unit,
    templateId: v.form.id,
    version: 1,
    status: 'active',
    date: v.date,
    period: v.period,
    owner: caller.id,
    division: person.division,
    data: v.data,
    createdAt: at,
    createdBy: caller.id,
    updatedAt: at,
    updatedBy: caller.id,
  };
  const out = await deps.records.create(state, sha256(canonical({ templateId: v.form.id, data: v.data })));
  if (out.outcome === 'mismatch') throw conflict('这个幂等键已用于一次内容不同的提交，请换一个新的键');
  return { record: out.record, replayed: out.outcome === 'replayed' };
}

export async function getSubmission(deps: Deps, caller: Caller, id: string): Promise<RecordState> {
  const { person } = await resolveCaller(deps, caller);
  return visibleRecord(deps, caller, person, id);
}

async function editable(deps: Deps, caller: Caller, id: string) {
  const { org, person } = await resolveCaller(deps, caller);
  const current = await visibleRecord(deps, caller, person, id);
  if (!canEdit(caller, current)) throw forbidden('只能修改或撤回自己提交的记录');
  if (current.status === 'withdrawn') throw conflict('这条记录已撤回，不能再修改', { current });
  return { org, current };
}

function stale(current: RecordState) {
  return conflict(`这条记录已被他人修改（当前为第 ${current.version} 版），请查看最新内容后再修改`, { current });
}

export async function updateSubmission(deps: Deps, caller: Caller, id: string, body: unknown): Promise<RecordState> {
  const input = parseOrThrow(UpdateBody, body, [], '请求内容有误');
  const { org, current } = await editable(deps, caller, id);
  if (input.version !== current.version) throw stale(current);
  const v = validateData(deps, org, current.templateId, input.data);
  const next: RecordState = {
    ...current,
    version: current.version + 1,
    data: v.data,
    date: v.date,
    period: v.period,
    updatedAt: deps.now().toISOString(),
    updatedBy: caller.id,
  };
  if (!(await deps.records.append(next, 'update'))) throw stale((await deps.records.get(id)) ?? current);
  return next;
}

export async function withdrawSubmission(deps: Deps, caller: Caller, id: string, version: string | undefined): Promise<void> {
  const { current } = await editable(deps, caller, id);
  if (version !== undefined) {
    const n = Number(version);
    if (!/^[1-9]\d{0,9}$/.test(version)) throw validationError('版本号有误', [{ path: 'query.version', message: '应为正整数' }]);
    if (n !== current.version) throw stale(current);
  }
  const next: RecordState = { ...current, version: current.version + 1, status: 'withdrawn', updatedAt: deps.now().toISOString(), updatedBy: caller.id };
  if (!(await deps.records.append(next, 'withdraw'))) throw stale((await deps.records.get(id)) ?? current);
}

export async function submissionHistory(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<(HistoryEntry & { byName: string })[]> {
  const { org, person } = await resolveCaller(deps, caller);
  await visibleRecord(deps, caller, person, id);
  const versions = await deps.records.versions(id);
  return toHistory(versions).map((h) => ({ ...h, byName: findPerson(org, h.by)?.name ?? h.by }));
}

const ListQuery = z.strictObject({
  templateId: z.string().max(40).optional(),
  period: z.string().max(10).optional(),
  cursor: z.string().max(80).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, '应为 1–100 的整数')
    .transform(Number)
    .pipe(z.int().min(1, '应为 1–100 的整数').max(100, '应为 1–100 的整数'))
    .optional(),
  scope: z.enum(['mine', 'division', 'unit']).optional(),
});

export async function listSubmissions(
  deps: Deps,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<RecordPage> {
  const { person } = await resolveCaller(deps, caller);
  const q = parseOrThrow(ListQuery, query, ['query'], '查询参数有误');
  if (q.templateId !== undefined && !deps.catalog.form(q.templateId))
    throw validationError('没有这个表单模板', [{ path: 'query.templateId', message: `表单模板「${q.templateId}」不存在` }]);
  const period = q.period === undefined ? undefined : parsePeriod(q.period);
  if (q.period !== undefined && !period)
    throw validationError('期间格式有误', [
      { path: 'query.period', message: '应为 2026、2026-H1、2026-Q3 或 2026-11 这样的期间' },
    ]);
  const wanted = q.scope ?? (seesWholeUnit(caller) ? 'unit' : person.division ? 'division' : 'mine');
  let scope: ListScope;
  if (wanted === 'unit') {
    if (!seesWholeUnit(caller)) throw forbidden('只有办公室和党组书记可以查看全单位的记录');
    scope = { kind: 'unit' };
  } else if (wanted === 'division') {
    if (!person.division) throw forbidden('您不属于任何科室');
    scope = { kind: 'division', division: person.division };
  } else {
    scope = { kind: 'owner', owner: caller.id };
  }
  const bounds = period ? periodBounds(period) : undefined;
  try {
    return await deps.records.list({
      unit: caller.unit,
      scope,
      templateId: q.templateId,
      start: bounds?.start,
      end: bounds?.end,
      limit: q.limit ?? 20,
      cursor: q.cursor,
    });
  } catch (err) {
    if (err instanceof InvalidCursorError)
      throw validationError('分页游标无效', [{ path: 'query.cursor', message: '游标无效，请从第一页重新查询' }]);
    throw err;
  }
}
