/**
 * What the office and each person see of the obligations: compliance for a period, what the
 * caller owes now, the assessment sheet, manual scores and reminders.
 */
import { checkScore } from './score.js';
import { z } from 'zod';
import { assess, type AssessmentSheet } from './assessment.js';
import { complianceFor, rowsFor, type ComplianceReport, type ComplianceRow } from './compliance.js';
import { forbidden, notFound, validationError } from '../errors.js';
import type { Reminder } from './notify.js';
import { rolesOn } from '../roster/organisation.js';
import { addDays, dayNumber, formatPeriod, parsePeriod, periodBounds, shanghaiDate, type Period } from '../periods.js';
import { rectificationFacts } from '../rectification/summary.js';
import { parseOrThrow } from '../templates/schema.js';
import { resolveCaller } from '../records/submissions.js';
import type { Caller, Deps } from '../types.js';
import type { Organisation } from '../templates/templates.js';

const isOversight = (c: Caller) => c.roles.includes('office') || c.roles.includes('secretary');

export function periodParam(value: string | undefined, path = 'query.period'): Period {
  const period = value === undefined ? undefined : parsePeriod(value);
  if (!period)
    throw validationError(value === undefined ? '缺少期间参数' : '期间格式有误', [
      { path, message: '应为 2026、2026-H1、2026-Q3 或 2026-11 这样的期间' },
    ]);
  return period;
}

export function onlyParams(query: Record<string, string | undefined>, allowed: string[]): void {
  const extra = Object.keys(query).filter((k) => !allowed.includes(k));
  if (extra.length) throw validationError('查询参数有误', extra.map((k) => ({ path: `query.${k}`, message: '未知参数' })));
}

/** A short list of who is missing what: members and divisions, with the count. */
function missingList(rows: ComplianceRow[]) {
  return rows
    .filter((r) => r.missing > 0 && (r.status === 'missed' || r.status === 'in-progress') && r.subject.kind !== 'unit')
    .map((r) => ({
      obligationId: r.obligationId,
      title: r.title,
      period: r.period,
      periodLabel: r.periodLabel,
      subject: r.subject,
      missing: r.missing,
      status: r.status,
    }));
}

export async function complianceView(
  deps: Deps,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<ComplianceReport & { missing: ReturnType<typeof missingList> }> {
  const { org } = await resolveCaller(deps, caller);
  onlyParams(query, ['period']);
  const period = periodParam(query.period);
  const report = await complianceFor(deps, org, period);
  // Everyone else sees their own rows: a leader their member rows, a division head their division's.
  const rows = isOversight(caller) ? report.rows : rowsFor(report, org, caller.id);
  return { ...report, rows, missing: missingList(rows) };
}

/** Rows whose period is running today (or is still within its grace days). */
function currentRows(report: ComplianceReport, today: string): ComplianceRow[] {
  return report.rows.filter(
    (r) => r.status !== 'not-due' && r.cadence !== 'event' && today <= addDays(r.due, report.graceDays),
  );
}

/** Who a row's reminder goes to: the member, the division's head, or the office for unit rows. */
function recipients(org: Organisation, row: ComplianceRow, today: string) {
  if (row.subject.kind === 'member') return org.people.filter((p) => p.id === row.subject.id);
  if (row.subject.kind === 'division')
    return org.people.filter((p) => p.division === row.subject.id && rolesOn(p, today).includes('division-head'));
  return org.people.filter((p) => rolesOn(p, today).includes('office'));
}

async function yearReport(deps: Pick<Deps, 'catalog' | 'records' | 'now'>, org: Organisation, today: string) {
  return complianceFor(deps, org, { kind: 'year', year: Number(today.slice(0, 4)), index: 1 });
}

export async function myObligations(deps: Deps, caller: Caller) {
  const { org, person } = await resolveCaller(deps, caller);
  const today = shanghaiDate(deps.now());
  const report = await yearReport(deps, org, today);
  const mine = currentRows(report, today).filter((r) =>
    r.subject.kind === 'unit' ? isOversight(caller) : rowsFor({ ...report, rows: [r] }, org, person.id).length > 0,
  );
  return {
    asOf: today,
    items: mine
      .sort((a, b) => a.due.localeCompare(b.due) || a.obligationId.localeCompare(b.obligationId))
      .map((r) => ({ ...r, daysLeft: dayNumber(r.due) - dayNumber(today) })),
  };
}

/** Who owes what today in the running periods, one reminder per recipient, soonest due first. */
export async function owedReminders(deps: Pick<Deps, 'catalog' | 'records' | 'now'>, org: Organisation, today: string): Promise<Reminder[]> {
  const report = await yearReport(deps, org, today);
  return currentRows(report, today)
    .filter((r) => r.status === 'in-progress' && r.missing > 0)
    .flatMap((r) =>
      recipients(org, r, today).map((p) => ({
        to: { id: p.id, name: p.name },
        obligationId: r.obligationId,
        title: r.title,
        form: r.form,
        period: r.period,
        periodLabel: r.periodLabel,
        due: r.due,
        daysLeft: dayNumber(r.due) - dayNumber(today),
        missing: r.missing,
        subject: r.subject.name,
      })),
    )
    .sort((a, b) => a.daysLeft - b.daysLeft || a.to.id.localeCompare(b.to.id));
}

export async function reminderList(deps: Deps, caller: Caller): Promise<Reminder[]> {
  const { org } = await resolveCaller(deps, caller);
  if (!caller.roles.includes('office')) throw forbidden('只有办公室可以查看和发送提醒');
  return owedReminders(deps, org, shanghaiDate(deps.now()));
}

export async function assessmentView(
  deps: Deps,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<AssessmentSheet> {
  const { org } = await resolveCaller(deps, caller);
  if (!isOversight(caller)) throw forbidden('只有办公室和党组书记可以查看考核评分');
  onlyParams(query, ['period']);
  const period = periodParam(query.period);
  const [report, entries] = await Promise.all([complianceFor(deps, org, period), deps.scores.list(caller.unit, formatPeriod(period))]);
  const { start, end } = periodBounds(period);
  return assess(deps.catalog.assessment, report, entries, org, await rectificationFacts(deps, caller.unit, start, end, report.asOf));
}

const ScoreBody = z.strictObject({
  // Only a JSON number: "七分", "abc" or "7" as text are refused, never read as a clear.
  score: z.number({ error: '应为数字' }).optional(),
  /** Clearing an override is its own request, with its reason; `null` no longer clears. */
  clear: z.literal(true, { error: '清除评分时 clear 应为 true' }).optional(),
  reason: z
    .string()
    .trim()
    .min(2, '须写明评分理由')
    .max(300, '理由最多 300 个字')
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), '含有不允许的控制字符'),
});

/** Sets the office's score for one item, or with {clear: true} clears an override; old entries stay. */
export async function setScore(deps: Deps, caller: Caller, periodText: string, itemId: string, body: unknown) {
  await resolveCaller(deps, caller);
  if (!caller.roles.includes('office')) throw forbidden('只有办公室可以评分');
  const period = periodParam(periodText, 'period');
  const item = deps.catalog.assessment.items.find((i) => i.id === itemId);
  if (!item) throw notFound('评分表中没有这个项目');
  const input = parseOrThrow(ScoreBody, body, [], '评分内容有误');
  if (input.clear && input.score !== undefined)
    throw validationError('清除评分时不能同时给分', [{ path: 'score', message: '清除评分时不要填写分数' }]);
  if (!input.clear && input.score === undefined) throw validationError('请填写分数', [{ path: 'score', message: '此项为必填项' }]);
  // The same rule and words as the score box (core/compliance/score.ts).
  const checked = input.score === undefined ? undefined : checkScore(input.score, item.standard);
  if (checked && !checked.ok) throw validationError('分数有误', [{ path: 'score', message: checked.message }]);
  if (input.clear && item.method === 'manual')
    throw validationError('人工评分项目须给出分数', [{ path: 'score', message: '此项为人工评分，不能清除，只能改分' }]);
  const canonical = formatPeriod(period);
  await deps.scores.add(caller.unit, {
    period: canonical,
    itemId,
    score: input.score ?? null,
    reason: input.reason,
    by: caller.id,
    at: deps.now().toISOString(),
  });
  return assessmentView(deps, caller, { period: canonical });
}
