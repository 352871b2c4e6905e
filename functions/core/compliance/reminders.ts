/**
 * 催报 (DESIGN §10 reminders): the office sends reminders to one person, for one obligation or to
 * everyone owing; the scheduler sends them on the days before a due date that obligations.json
 * names (`reminderDays`), at most once per person, obligation, period and day however often it
 * fires. Every reminder sent is logged as one of the unit's own items: when, by whom, to whom.
 * Rectification items' responsible people are reminded through the same channel, claim and log.
 */
import { z } from 'zod';
import { forbidden, validationError } from '../errors.js';
import { parsePeriod, periodBounds, shanghaiDate } from '../periods.js';
import { parseOrThrow } from '../templates/schema.js';
import { resolveCaller } from '../records/submissions.js';
import type { Caller, Deps } from '../types.js';
import type { Reminder } from './notify.js';
import { owedReminders, reminderList } from './oversight.js';
import { rectificationReminders } from '../rectification/reminders.js';

export interface ReminderLogEntry {
  at: string;
  /** Who sent it: a person's id, or `scheduler`. */
  by: string;
  person: string;
  personName: string;
  obligation: string;
  title: string;
  period: string;
  channel: string;
  trigger: 'manual' | 'scheduled';
}

export interface ReminderStore {
  /** Appends entries to the unit's log (each its own item, never overwritten). */
  log(unit: string, entries: ReminderLogEntry[]): Promise<void>;
  /** The log between two instants (ISO, inclusive), newest first, at most `limit`. */
  list(unit: string, from: string, to: string, limit: number): Promise<ReminderLogEntry[]>;
  /** Claims the once-a-day key of a scheduled reminder; false when already claimed (sent or being sent). */
  claim(unit: string, person: string, obligation: string, period: string, day: string): Promise<boolean>;
}

export type ReminderDeps = Deps & { reminders: ReminderStore };

const SCHEDULER = 'scheduler';

function assertOffice(caller: Caller) {
  if (!caller.roles.includes('office')) throw forbidden('只有办公室可以查看和发送提醒');
}

function entries(reminders: Reminder[], by: string, at: string, channel: string, trigger: ReminderLogEntry['trigger']): ReminderLogEntry[] {
  return reminders.map((r) => ({
    at,
    by,
    person: r.to.id,
    personName: r.to.name,
    obligation: r.obligationId,
    title: r.title,
    period: r.period,
    channel,
    trigger,
  }));
}

const SendBody = z.strictObject({
  person: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '应为人员编号').optional(),
  obligation: z.string().regex(/^[A-Za-z0-9-]{1,10}$/, '应为义务编号').optional(),
  all: z.literal(true, { error: '发送给全部时 all 应为 true' }).optional(),
});

/** POST /api/reminders/send: one person, one obligation (or both), or everyone owing; the office. */
export async function sendReminders(deps: ReminderDeps, caller: Caller, body: unknown) {
  const owed = await reminderList(deps, caller);
  const input = parseOrThrow(SendBody, body ?? {}, [], '发送范围有误');
  if (!input.all && !input.person && !input.obligation)
    throw validationError('请选择发送对象', [{ path: 'all', message: '请指定人员、义务，或 all: true 发送给全部' }]);
  if (input.all && (input.person || input.obligation))
    throw validationError('发送范围有误', [{ path: 'all', message: '发送给全部时不要再指定人员或义务' }]);
  const org = (await deps.organisation(caller.unit))!;
  if (input.person && !org.people.some((p) => p.id === input.person))
    throw validationError('没有这个人员', [{ path: 'person', message: '不是本单位组织名册中的人员' }]);
  if (input.obligation && !deps.catalog.obligations.obligations.some((o) => o.id === input.obligation))
    throw validationError('没有这项义务', [{ path: 'obligation', message: `义务「${input.obligation}」不存在` }]);
  const chosen = owed.filter((r) => (!input.person || r.to.id === input.person) && (!input.obligation || r.obligationId === input.obligation));
  const sent = chosen.length ? await deps.notifier.send(chosen) : 0;
  // A channel that stopped part way reports how many went; only those are logged.
  await deps.reminders.log(caller.unit, entries(chosen.slice(0, sent), caller.id, deps.now().toISOString(), deps.notifier.channel, 'manual'));
  return { channel: deps.notifier.channel, sent };
}

const LOG_LIMIT = 500;

/** GET /api/reminders/log?period=: what was sent in the period (Shanghai dates), newest first; the office. */
export async function reminderLog(deps: ReminderDeps, caller: Caller, query: Record<string, string | undefined>) {
  await resolveCaller(deps, caller);
  assertOffice(caller);
  const extra = Object.keys(query).filter((k) => k !== 'period');
  if (extra.length) throw validationError('查询参数有误', extra.map((k) => ({ path: `query.${k}`, message: '未知参数' })));
  const period = query.period === undefined ? undefined : parsePeriod(query.period);
  if (query.period !== undefined && !period)
    throw validationError('期间格式有误', [{ path: 'query.period', message: '应为 2026、2026-H1、2026-Q3 或 2026-11 这样的期间' }]);
  // Shanghai has no daylight saving: a calendar day there is [00:00+08:00, 24:00+08:00).
  const bounds = period ? periodBounds(period) : undefined;
  const from = bounds ? new Date(`${bounds.start}T00:00:00+08:00`).toISOString() : '0000';
  const to = bounds ? new Date(new Date(`${bounds.end}T00:00:00+08:00`).getTime() + 86_400_000 - 1).toISOString() : '9999';
  return { items: await deps.reminders.list(caller.unit, from, to, LOG_LIMIT) };
}

/**
 * The scheduled run for one unit at `instant`: reminders whose days left are one of the configured
 * `reminderDays`, each claimed once per person, obligation, period and Shanghai day before sending.
 * A crash between the claim and the send loses that day's reminder rather than sending it twice.
 */
export async function scheduledReminders(deps: ReminderDeps, unit: string, instant: Date) {
  const days = deps.catalog.obligations.reminderDays;
  const org = await deps.organisation(unit);
  if (!org) return { unit, due: 0, sent: 0 };
  const at = { ...deps, now: () => instant };
  const today = shanghaiDate(instant);
  const due = [
    ...(days.length ? (await owedReminders(at, org, today)).filter((r) => days.includes(r.daysLeft)) : []),
    ...(await rectificationReminders(deps, org, today)),
  ];
  const fresh: Reminder[] = [];
  for (const r of due) if (await deps.reminders.claim(unit, r.to.id, r.obligationId, r.period, today)) fresh.push(r);
  const sent = fresh.length ? await deps.notifier.send(fresh) : 0;
  await deps.reminders.log(unit, entries(fresh.slice(0, sent), SCHEDULER, instant.toISOString(), deps.notifier.channel, 'scheduled'));
  return { unit, due: due.length, sent };
}
