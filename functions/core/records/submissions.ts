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
import { formatNumber, InvalidCursorError, toHistory, type HistoryEntry, type ListQuery as StoreListQuery, type ListScope, type RecordPage, type RecordState, type ReviewState } from './record.js';
import { compileSchema, parseOrThrow } from '../templates/schema.js';
import type { FormTemplate, Organisation, Person } from '../templates/templates.js';
import type { Caller, Deps } from '../types.js';
import { assignRowIds, syncFindings } from '../rectification/findings.js';

/** The caller as a person of their unit's organisation, or 403. */
export async function resolveCaller(deps: Deps, caller: Caller): Promise<{ org: Organisation; person: Person }> {
  const org = await deps.organisation(caller.unit);
  const person = org && findPerson(org, caller.id);
  if (!org || !person) throw forbidden('您不在本单位的组织名册中，请联系办公室');
  return { org, person };
}

const seesWholeUnit = (c: Caller) => c.roles.includes('office') || c.roles.includes('secretary');
const isOffice = (c: Caller) => c.roles.includes('office');
/** 审核 is the office's and the secretary's (DESIGN §10). */
export const isReviewer = seesWholeUnit;

/**
 * A person of the caller's unit by id, from the roster. The one place the subject rule asks the
 * roster, so that moving the roster into its own items changes only this function.
 */
export async function rosterPerson(deps: Deps, unit: string, id: string): Promise<Person | undefined> {
  const org = await deps.organisation(unit);
  return org && findPerson(org, id);
}

/**
 * The subject rule (DESIGN §10): whom the record is about, from the template's subject field. A
 * caller other than the office may name only themselves; the office may file on anyone's behalf
 * (代填). Undefined when the form has no subject field or the record leaves it empty.
 */
async function subjectOf(deps: Deps, caller: Caller, form: FormTemplate, data: Record<string, unknown>): Promise<Person | undefined> {
  if (!form.subjectField) return undefined;
  const id = data[form.subjectField];
  if (typeof id !== 'string') return undefined;
  const path = `data.${form.subjectField}`;
  const label = form.fields.find((f) => f.key === form.subjectField)?.label ?? form.subjectField;
  if (id !== caller.id && !isOffice(caller))
    throw validationError(`${label}只能填写您本人`, [{ path, message: `${label}只能是您本人；为他人代填请联系办公室` }]);
  const subject = await rosterPerson(deps, caller.unit, id);
  if (!subject) throw validationError(`${label}不是本单位人员`, [{ path, message: '不是本单位组织名册中的人员' }]);
  return subject;
}

/** The fields a record takes from its subject: who owns it (edits it, sees it as theirs) and 代填. */
function subjectFields(subject: Person | undefined, filer: { id: string; division?: string }) {
  return {
    owner: subject?.id ?? filer.id,
    division: subject ? subject.division : filer.division,
    subject: subject?.id,
    subjectName: subject?.name,
    proxy: subject && subject.id !== filer.id ? (true as const) : undefined,
  };
}

export { formatNumber };

function canSee(caller: Caller, person: Person, r: RecordState): boolean {
  if (r.unit !== caller.unit) return false;
  return seesWholeUnit(caller) || r.owner === caller.id || (!!person.division && r.division === person.division);
}

/** The subject (who owns a record with a subject) or the office; the filer of a 代填 is the office. */
export function canEdit(caller: Caller, r: RecordState): boolean {
  return r.owner === caller.id || isOffice(caller);
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
  // Items of an internal form (整改事项) come from other records and change only through their own routes.
  if (form.internal) throw validationError('这个表单由系统生成，不能直接填报', [{ path: 'templateId', message: `「${form.title}」由检查记录的问题清单生成` }]);
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
  const subject = await subjectOf(deps, caller, v.form, v.data);
  const at = deps.now().toISOString();
  // With a key, the id follows from who sent it and the key, so a retry meets its own first write.
  const id = idempotencyKey
    ? `K${sha256(`${caller.unit}\n${caller.id}\n${idempotencyKey}`).slice(0, 31)}`
    : ulid();
  // A replay keeps the number of its first write; only a new record takes one from the counter.
  const existing = idempotencyKey ? await deps.records.get(id) : undefined;
  const year = Number(v.date.slice(0, 4));
  const number = existing?.number ?? formatNumber(v.form.code ?? v.form.id, year, await deps.records.nextNumber(caller.unit, v.form.id, year));
  const state: RecordState = {
    id,
    unit: caller.unit,
    templateId: v.form.id,
    version: 1,
    status: 'active',
    date: v.date,
    period: v.period,
    ...subjectFields(subject, { id: caller.id, division: person.division }),
    data: assignRowIds(deps.catalog, v.form, v.data, true),
    number,
    ...(v.form.review ? { review: { state: 'pending' as const } } : {}),
    createdAt: at,
    createdBy: caller.id,
    createdByName: person.name,
    updatedAt: at,
    updatedBy: caller.id,
  };
  for (const k of Object.keys(state) as (keyof RecordState)[]) if (state[k] === undefined) delete state[k];
  const out = await deps.records.create(state, sha256(canonical({ templateId: v.form.id, data: v.data })));
  if (out.outcome === 'mismatch') throw conflict('这个幂等键已用于一次内容不同的提交，请换一个新的键');
  // A replay syncs again: a first attempt that stopped after the record but before its items completes here.
  await syncFindings(deps, org, out.record);
  return { record: out.record, replayed: out.outcome === 'replayed' };
}

export async function getSubmission(deps: Deps, caller: Caller, id: string): Promise<RecordState> {
  const { person } = await resolveCaller(deps, caller);
  return visibleRecord(deps, caller, person, id);
}

async function editable(deps: Deps, caller: Caller, id: string) {
  const { org, person } = await resolveCaller(deps, caller);
  const current = await visibleRecord(deps, caller, person, id);
  if (!canEdit(caller, current)) throw forbidden('只有记录涉及的本人或办公室可以修改或撤回这条记录');
  if (deps.catalog.form(current.templateId)?.internal) throw conflict('整改事项请在“问题整改”页面办理', { current });
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
  const subject = await subjectOf(deps, caller, v.form, v.data);
  const filer = findPerson(org, current.createdBy);
  const next: RecordState = {
    ...current,
    version: current.version + 1,
    // Without a subject the record stays with whoever owned it; with one it follows the subject.
    ...(subject ? subjectFields(subject, { id: current.createdBy, division: filer?.division }) : {}),
    data: assignRowIds(deps.catalog, v.form, v.data, false),
    date: v.date,
    period: v.period,
    // An edit of a reviewed (or returned) record goes back to 待审核: what was approved has changed.
    ...(v.form.review ? { review: { state: 'pending' as const } } : {}),
    updatedAt: deps.now().toISOString(),
    updatedBy: caller.id,
  };
  if (!subject && v.form.subjectField) for (const k of ['subject', 'subjectName', 'proxy'] as const) delete next[k];
  if (!(await deps.records.append(next, 'update'))) throw stale((await deps.records.get(id)) ?? current);
  await syncFindings(deps, org, next, current);
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
  // A withdrawn inspection's items stay, marked 来源已删除 (a restore clears the mark).
  await syncFindings(deps, (await deps.organisation(caller.unit))!, next, current);
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

const Reason = z
  .string()
  .trim()
  .max(300, '理由最多 300 个字')
  .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t), '含有不允许的控制字符');
const ReviewBody = z.strictObject({
  decision: z.enum(['approve', 'return']),
  reason: Reason.optional(),
  version: z.int().min(1),
});
const RestoreBody = z.strictObject({ reason: Reason.pipe(z.string().min(2, '须写明恢复的理由')), version: z.int().min(1) });

/** 审核: approve or return (with a reason) a record awaiting review; each decision is a version. */
export async function reviewSubmission(deps: Deps, caller: Caller, id: string, body: unknown): Promise<RecordState> {
  const { person } = await resolveCaller(deps, caller);
  const input = parseOrThrow(ReviewBody, body, [], '审核内容有误');
  if (input.decision === 'return' && !input.reason)
    throw validationError('退回须写明理由', [{ path: 'reason', message: '请填写退回的理由，填报人将看到它' }]);
  const current = await visibleRecord(deps, caller, person, id);
  if (!isReviewer(caller)) throw forbidden('只有办公室和党组书记可以审核');
  if (!deps.catalog.form(current.templateId)?.review || !current.review) throw conflict('这个表单的记录不需要审核', { current });
  if (current.status === 'withdrawn') throw conflict('这条记录已撤回，不能审核', { current });
  if (input.version !== current.version) throw stale(current);
  if (current.review.state !== 'pending') throw conflict('这条记录已审核或已退回，修改后重新提交才能再审核', { current });
  const at = deps.now().toISOString();
  const state: ReviewState = input.decision === 'approve' ? 'approved' : 'returned';
  const next: RecordState = {
    ...current,
    version: current.version + 1,
    review: { state, by: caller.id, at, ...(input.reason ? { reason: input.reason } : {}) },
    updatedAt: at,
    updatedBy: caller.id,
  };
  if (!(await deps.records.append(next, 'review', input.reason))) throw stale((await deps.records.get(id)) ?? current);
  return next;
}

/** The office brings a withdrawn record back, as a new version with its reason. */
export async function restoreSubmission(deps: Deps, caller: Caller, id: string, body: unknown): Promise<RecordState> {
  const { person } = await resolveCaller(deps, caller);
  const input = parseOrThrow(RestoreBody, body, [], '请求内容有误');
  const current = await visibleRecord(deps, caller, person, id);
  if (!isOffice(caller)) throw forbidden('只有办公室可以恢复已撤回的记录');
  if (current.status !== 'withdrawn') throw conflict('这条记录没有撤回，无需恢复', { current });
  if (input.version !== current.version) throw stale(current);
  const at = deps.now().toISOString();
  const next: RecordState = { ...current, version: current.version + 1, status: 'active', updatedAt: at, updatedBy: caller.id };
  if (!(await deps.records.append(next, 'restore', input.reason))) throw stale((await deps.records.get(id)) ?? current);
  await syncFindings(deps, (await deps.organisation(caller.unit))!, next);
  return next;
}

/** How many pending records the queue reads at most; the answer says when there are more. */
export const REVIEW_QUEUE_LIMIT = 500;

/** 待审核: the unit's pending records, oldest activity date first, and how many per form. */
export async function reviewQueue(deps: Deps, caller: Caller) {
  await resolveCaller(deps, caller);
  if (!isReviewer(caller)) throw forbidden('只有办公室和党组书记可以审核');
  const items = await deps.records.reviewQueue(caller.unit, REVIEW_QUEUE_LIMIT + 1);
  const more = items.length > REVIEW_QUEUE_LIMIT;
  const shown = items.slice(0, REVIEW_QUEUE_LIMIT);
  const counts = deps.catalog.forms
    .filter((f) => f.review)
    .map((f) => ({ templateId: f.id, title: f.title, pending: shown.filter((r) => r.templateId === f.id).length }));
  return { counts, items: shown, ...(more ? { more: true } : {}) };
}

/** The text a keyword is looked for in: the number, names and every text value (people by name too). */
function searchText(org: Organisation, r: RecordState): string {
  const parts: string[] = [r.number ?? '', r.subjectName ?? '', r.createdByName ?? ''];
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    parts.push(v);
    const p = findPerson(org, v);
    if (p) parts.push(p.name);
  };
  for (const v of Object.values(r.data)) (Array.isArray(v) ? v : [v]).forEach(add);
  return parts.join('\n').toLowerCase();
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
  person: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '应为人员编号').optional(),
  division: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '应为科室编号').optional(),
  review: z.enum(['pending', 'approved', 'returned']).optional(),
  withdrawn: z.enum(['1', '0']).optional(),
  q: z.string().trim().min(1, '关键词不能为空').max(50, '关键词最多 50 个字').optional(),
});

/** The export takes the list's filters in a JSON body, without paging (it reads the whole list). */
const ExportQuery = ListQuery.omit({ cursor: true, limit: true });
/** The filters as given, with the scope the caller's list is read at. */
export type ParsedListQuery = Omit<z.infer<typeof ListQuery>, 'scope'> & { scope: 'mine' | 'division' | 'unit' };

/**
 * A register query (the list's filters) made into what the store reads, with the same scope
 * rules for every use: the page of GET /api/submissions and the export. `where` is `query` or
 * `body`, the place the filters came from, for the field errors.
 */
export async function resolveListFilter(
  deps: Deps,
  caller: Caller,
  input: unknown,
  where: 'query' | 'body' = 'query',
): Promise<{ org: Organisation; filter: ParsedListQuery; query: Omit<StoreListQuery, 'limit' | 'cursor'> }> {
  const { org, person } = await resolveCaller(deps, caller);
  const q: z.infer<typeof ListQuery> =
    where === 'query' ? parseOrThrow(ListQuery, input, ['query'], '查询参数有误') : parseOrThrow(ExportQuery, input ?? {}, ['body'], '筛选条件有误');
  if (q.templateId !== undefined && !deps.catalog.form(q.templateId))
    throw validationError('没有这个表单模板', [{ path: `${where}.templateId`, message: `表单模板「${q.templateId}」不存在` }]);
  if (q.division !== undefined && !org.divisions.some((d) => d.id === q.division))
    throw validationError('没有这个科室', [{ path: `${where}.division`, message: `科室「${q.division}」不存在` }]);
  const period = q.period === undefined ? undefined : parsePeriod(q.period);
  if (q.period !== undefined && !period)
    throw validationError('期间格式有误', [
      { path: `${where}.period`, message: '应为 2026、2026-H1、2026-Q3 或 2026-11 这样的期间' },
    ]);
  const wanted = q.scope ?? (seesWholeUnit(caller) ? 'unit' : person.division ? 'division' : 'mine');
  let scope: ListScope;
  if (wanted === 'unit') {
    if (!seesWholeUnit(caller)) throw forbidden('只有办公室和党组书记可以查看全单位的记录');
    // One division of the unit is its own index partition: no need to read the others.
    scope = q.division ? { kind: 'division', division: q.division } : { kind: 'unit' };
  } else if (wanted === 'division') {
    if (!person.division) throw forbidden('您不属于任何科室');
    if (q.division !== undefined && q.division !== person.division && !seesWholeUnit(caller))
      throw forbidden('只能查看本科室的记录');
    scope = { kind: 'division', division: q.division ?? person.division };
  } else {
    scope = { kind: 'owner', owner: caller.id };
  }
  const keyword = q.q?.toLowerCase();
  const checks: ((r: RecordState) => boolean)[] = [];
  if (q.person) checks.push((r) => r.owner === q.person || r.createdBy === q.person || r.subject === q.person);
  if (q.division && scope.kind === 'owner') checks.push((r) => r.division === q.division);
  if (q.review) checks.push((r) => r.review?.state === q.review);
  if (keyword) checks.push((r) => searchText(org, r).includes(keyword));
  const bounds = period ? periodBounds(period) : undefined;
  return {
    org,
    filter: { ...q, scope: wanted },
    query: {
      unit: caller.unit,
      scope,
      templateId: q.templateId,
      withdrawn: q.withdrawn === '1',
      ...(checks.length ? { filter: (r: RecordState) => checks.every((c) => c(r)) } : {}),
      start: bounds?.start,
      end: bounds?.end,
    },
  };
}

/** GET /api/submissions: one page of the register, newest first. */
export async function listSubmissions(
  deps: Deps,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<RecordPage> {
  const { filter, query: base } = await resolveListFilter(deps, caller, query);
  try {
    const page = await deps.records.list({ ...base, limit: filter.limit ?? 20, cursor: filter.cursor });
    // How much was read is the store's business; the page says only how far a cut-short search got.
    return { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), ...(page.searchedTo ? { searchedTo: page.searchedTo } : {}) };
  } catch (err) {
    if (err instanceof InvalidCursorError)
      throw validationError('分页游标无效', [{ path: 'query.cursor', message: '游标无效，请从第一页重新查询' }]);
    throw err;
  }
}
