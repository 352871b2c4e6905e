/**
 * Rectification items (整改销号, DESIGN §15): who sees them, the lifecycle and who may move it.
 *   待整改 → 整改中 (the responsible person or their division head reports measures and progress)
 *   整改中 → 待销号 (they report it done) → 已销号 (the office verifies and closes)
 *   待销号 → 整改中 (the office returns it, with a reason); the office extends a deadline, with a reason.
 * Every step is a version of the item's record (who, when, why); a stale `version` is a 409.
 */
import { z } from 'zod';
import { conflict, forbidden, notFound, validationError } from '../errors.js';
import { addDays, shanghaiDate } from '../periods.js';
import { toHistory, type HistoryEntry, type RecordState } from '../records/record.js';
import { getSubmission, resolveCaller } from '../records/submissions.js';
import { findPerson } from '../roster/organisation.js';
import { compileSchema, EARLIEST_DATE, parseOrThrow } from '../templates/schema.js';
import { calendarDate, type FormTemplate, type Organisation, type Person } from '../templates/templates.js';
import type { Caller, Deps } from '../types.js';
import { rectificationForm } from './findings.js';

export type ItemStatus = '待整改' | '整改中' | '待销号' | '已销号';
export const ACTIONS = ['report', 'submit', 'close', 'return', 'extend'] as const;
export type Action = (typeof ACTIONS)[number];

const ACTION_WORDS: Record<Action, string> = {
  report: '报告整改进展',
  submit: '报告整改完成',
  close: '销号',
  return: '退回整改',
  extend: '延期',
};

/** Which statuses each action starts from, and where it leads (undefined: the status stays). */
const STEPS: Record<Action, { from: ItemStatus[]; to?: ItemStatus; office: boolean }> = {
  report: { from: ['待整改', '整改中'], to: '整改中', office: false },
  submit: { from: ['整改中'], to: '待销号', office: false },
  close: { from: ['待销号'], to: '已销号', office: true },
  return: { from: ['待销号'], to: '整改中', office: true },
  extend: { from: ['待整改', '整改中', '待销号'], office: true },
};

export const statusOf = (item: RecordState): ItemStatus => (item.data.status as ItemStatus | undefined) ?? '待整改';

/** Overdue from the day after the deadline (Asia/Shanghai `today`) until it is closed. */
export function isOverdue(item: RecordState, today: string): boolean {
  const deadline = item.data.deadline;
  return statusOf(item) !== '已销号' && typeof deadline === 'string' && today > deadline;
}

export type ItemView = RecordState & { overdue: boolean };
const view = (item: RecordState, today: string): ItemView => ({ ...item, overdue: isOverdue(item, today) });

const isOffice = (c: Caller) => c.roles.includes('office');
const seesWholeUnit = (c: Caller) => isOffice(c) || c.roles.includes('secretary');

/** The responsible side: the item's person, or the head of its division. */
export function isResponsible(caller: Caller, person: Person, item: RecordState): boolean {
  return item.owner === caller.id || (caller.roles.includes('division-head') && !!person.division && person.division === item.division);
}

/** The actions this caller may take on the item now, for the page's buttons. */
export function allowedActions(caller: Caller, person: Person, item: RecordState): Action[] {
  return ACTIONS.filter((a) => STEPS[a].from.includes(statusOf(item)) && (STEPS[a].office ? isOffice(caller) : isResponsible(caller, person, item)));
}

function formOf(deps: Deps): FormTemplate {
  const form = rectificationForm(deps.catalog);
  if (!form) throw notFound('本单位未启用问题整改');
  return form;
}

async function visibleItem(deps: Deps, caller: Caller, id: string): Promise<{ org: Organisation; person: Person; form: FormTemplate; item: RecordState }> {
  const form = formOf(deps);
  const { org, person } = await resolveCaller(deps, caller);
  const item = await getSubmission(deps, caller, id).catch(() => undefined);
  if (!item || item.templateId !== form.id) throw notFound('找不到这条整改事项');
  return { org, person, form, item };
}

const ListQuery = z.strictObject({
  status: z.enum(['待整改', '整改中', '待销号', '已销号', 'open']).optional(),
  division: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '应为科室编号').optional(),
  person: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '应为人员编号').optional(),
  overdue: z.enum(['1', '0']).optional(),
  inspection: z.string().regex(/^[A-Za-z0-9]{10,40}$/, '应为检查记录编号').optional(),
});

/** How many items one list reads at most; the answer says `more` when there were more. */
export const LIST_LIMIT = 2000;

/**
 * The items the caller may see: the office and the secretary all of the unit's; a division head
 * their division's and their own; anyone else their own. Filters narrow that; open items first,
 * by deadline.
 */
export async function listItems(deps: Deps, caller: Caller, query: Record<string, string | undefined>) {
  const form = formOf(deps);
  const { org, person } = await resolveCaller(deps, caller);
  const q = parseOrThrow(ListQuery, query, ['query'], '查询参数有误');
  if (q.division !== undefined && !org.divisions.some((d) => d.id === q.division))
    throw validationError('没有这个科室', [{ path: 'query.division', message: `科室「${q.division}」不存在` }]);
  const today = shanghaiDate(deps.now());
  const found = new Map<string, RecordState>();
  let more = false;
  const take = async (scope: { kind: 'unit' } | { kind: 'owner'; owner: string } | { kind: 'division'; division: string }) => {
    let cursor: string | undefined;
    // Bounded: at most LIST_LIMIT items, 100 a page.
    for (let page = 0; page < LIST_LIMIT / 100; page++) {
      const out = await deps.records.list({ unit: caller.unit, scope, templateId: form.id, limit: 100, cursor });
      for (const r of out.items) found.set(r.id, r);
      cursor = out.nextCursor;
      if (!cursor) return;
    }
    more = true;
  };
  if (seesWholeUnit(caller)) await take(q.division ? { kind: 'division', division: q.division } : { kind: 'unit' });
  else {
    await take({ kind: 'owner', owner: caller.id });
    if (caller.roles.includes('division-head') && person.division) await take({ kind: 'division', division: person.division });
  }
  const all = [...found.values()].map((r) => view(r, today));
  const items = all.filter(
    (r) =>
      (q.status === undefined || (q.status === 'open' ? statusOf(r) !== '已销号' : statusOf(r) === q.status)) &&
      (q.division === undefined || r.division === q.division) &&
      (q.person === undefined || r.owner === q.person) &&
      (q.overdue === undefined || r.overdue === (q.overdue === '1')) &&
      (q.inspection === undefined || r.data.inspection === q.inspection),
  );
  const order = (r: ItemView) => (statusOf(r) === '已销号' ? 1 : 0);
  items.sort((a, b) => order(a) - order(b) || String(a.data.deadline ?? '9999').localeCompare(String(b.data.deadline ?? '9999')) || (a.number ?? '').localeCompare(b.number ?? ''));
  const counts = {
    total: items.length,
    open: items.filter((r) => statusOf(r) !== '已销号').length,
    overdue: items.filter((r) => r.overdue).length,
    closed: items.filter((r) => statusOf(r) === '已销号').length,
  };
  return { items, counts, today, ...(more ? { more: true } : {}) };
}

/** One item with its history and what the caller may do with it. */
export async function getItem(deps: Deps, caller: Caller, id: string): Promise<{ item: ItemView; history: (HistoryEntry & { byName: string })[]; actions: Action[] }> {
  const { org, person, item } = await visibleItem(deps, caller, id);
  const history = toHistory(await deps.records.versions(id)).map((h) => ({ ...h, byName: findPerson(org, h.by)?.name ?? h.by }));
  return { item: view(item, shanghaiDate(deps.now())), history, actions: allowedActions(caller, person, item) };
}

const Text = z.string().max(3000, '最多 3000 个字');
const Reason = z
  .string()
  .trim()
  .max(300, '理由最多 300 个字')
  .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t), '含有不允许的控制字符');
const TransitionBody = z.strictObject({
  action: z.enum(ACTIONS, { error: `应为以下操作之一：${ACTIONS.join('、')}` }),
  version: z.int().min(1),
  measures: Text.optional(),
  progress: Text.optional(),
  reason: Reason.optional(),
  deadline: calendarDate.optional(),
});
const UpdateBody = z.strictObject({ version: z.int().min(1), measures: Text.optional(), progress: Text.optional() });

function stale(current: RecordState) {
  return conflict(`这条整改事项已被他人办理（当前为第 ${current.version} 版），请查看最新情况后再操作`, { current });
}

/** Checks the item's data as its template would, so every value an action writes is one a record may hold. */
function checked(deps: Deps, org: Organisation, form: FormTemplate, data: Record<string, unknown>): Record<string, unknown> {
  return parseOrThrow(compileSchema(form, { org, today: shanghaiDate(deps.now()) }), data, [], '整改内容有误，请按提示修改');
}

async function write(deps: Deps, item: RecordState, next: RecordState, change: 'transition' | 'update', reason?: string): Promise<RecordState> {
  if (!(await deps.records.append(next, change, reason))) throw stale((await deps.records.get(item.id)) ?? item);
  return next;
}

/** POST /api/rectifications/{id}/transition: one step of the lifecycle. */
export async function transitionItem(deps: Deps, caller: Caller, id: string, body: unknown): Promise<ItemView> {
  const input = parseOrThrow(TransitionBody, body, [], '整改操作内容有误');
  if ((input.action === 'return' || input.action === 'extend') && !input.reason)
    throw validationError(`${ACTION_WORDS[input.action]}须写明理由`, [{ path: 'reason', message: `请填写${ACTION_WORDS[input.action]}的理由，责任人将看到它` }]);
  if (input.action === 'extend' && !input.deadline)
    throw validationError('延期须给出新的整改期限', [{ path: 'deadline', message: '请填写新的整改期限' }]);
  if (input.action === 'report' && !input.measures?.trim() && !input.progress?.trim())
    throw validationError('请填写整改措施或进展', [{ path: 'measures', message: '请填写已采取的整改措施或目前的进展' }]);
  const { org, person, form, item } = await visibleItem(deps, caller, id);
  const step = STEPS[input.action];
  if (step.office && !isOffice(caller)) throw forbidden(`只有办公室可以${ACTION_WORDS[input.action]}`);
  if (!step.office && !isResponsible(caller, person, item)) throw forbidden('只有整改责任人或其科室负责人可以报告整改情况');
  if (item.status === 'withdrawn') throw conflict('这条整改事项已撤销，不能再办理', { current: item });
  if (input.version !== item.version) throw stale(item);
  const status = statusOf(item);
  if (!step.from.includes(status))
    throw conflict(`这条整改事项当前为「${status}」，不能${ACTION_WORDS[input.action]}（${step.from.map((s) => `「${s}」`).join('或')}时才可以）`, { current: item });
  const today = shanghaiDate(deps.now());
  const data: Record<string, unknown> = { ...item.data };
  if (input.measures !== undefined) data.measures = input.measures;
  if (input.progress !== undefined) data.progress = input.progress;
  if (step.to) data.status = step.to;
  if (input.action === 'submit' && !(typeof data.measures === 'string' && data.measures.trim()))
    throw validationError('报告完成前请先填写整改措施', [{ path: 'measures', message: '请填写已采取的整改措施' }]);
  if (input.action === 'close') Object.assign(data, { closedBy: caller.id, closedOn: today });
  if (input.action === 'extend') {
    const old = typeof item.data.deadline === 'string' ? item.data.deadline : undefined;
    if (old !== undefined && input.deadline! <= old)
      throw validationError('新的整改期限须晚于原期限', [{ path: 'deadline', message: `须晚于原期限 ${old}` }]);
    if (input.deadline! < EARLIEST_DATE || input.deadline! > addDays(today, 365 * 5))
      throw validationError('整改期限超出范围', [{ path: 'deadline', message: '整改期限须在今后五年之内' }]);
    data.deadline = input.deadline;
  }
  const next: RecordState = {
    ...item,
    version: item.version + 1,
    data: checked(deps, org, form, data),
    updatedAt: deps.now().toISOString(),
    updatedBy: caller.id,
  };
  const why = input.reason || undefined;
  const done = await write(deps, item, next, 'transition', input.action === 'extend' ? `延期至 ${input.deadline}：${why}` : why);
  return view(done, today);
}

/** PUT /api/rectifications/{id}: the responsible side saves measures and progress without a step. */
export async function updateItem(deps: Deps, caller: Caller, id: string, body: unknown): Promise<ItemView> {
  const input = parseOrThrow(UpdateBody, body, [], '请求内容有误');
  const { org, person, form, item } = await visibleItem(deps, caller, id);
  if (!isResponsible(caller, person, item)) throw forbidden('只有整改责任人或其科室负责人可以填写整改情况');
  if (input.version !== item.version) throw stale(item);
  const status = statusOf(item);
  if (status === '待销号' || status === '已销号') throw conflict(`这条整改事项当前为「${status}」，不能再修改整改情况`, { current: item });
  const data: Record<string, unknown> = { ...item.data };
  if (input.measures !== undefined) data.measures = input.measures;
  if (input.progress !== undefined) data.progress = input.progress;
  const next: RecordState = { ...item, version: item.version + 1, data: checked(deps, org, form, data), updatedAt: deps.now().toISOString(), updatedBy: caller.id };
  return view(await write(deps, item, next, 'update'), shanghaiDate(deps.now()));
}
