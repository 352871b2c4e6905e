/**
 * The compilation API behind the HTTP entries: start a compilation job, follow it, list what was
 * compiled, hand out a file; and the monthly schedule's jobs. Access: the office and the secretary
 * only, within their own unit. No request waits on a compilation: the worker runs it.
 */
import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import {
  assertMayCompile,
  compilationId,
  compilationRange,
  periodOfId,
  presentCompilation,
  requirePeriod,
  scheduledTargets,
  type Compilation,
  type CompilationDeps,
} from '../core/ledger/compilation.js';
import { AppError, conflict, notFound, validationError } from '../core/errors.js';
import { admitJob, presentJob, type Job } from '../core/jobs/index.js';
import { formatPeriod, shanghaiDate } from '../core/periods.js';
import { parseOrThrow } from '../core/templates/schema.js';
import { IDEMPOTENCY_KEY, resolveCaller } from '../core/records/submissions.js';
import type { Caller } from '../core/types.js';
import type { JobDeps } from '../deps.js';
import { COMPILE, type CompileInput } from './jobs.js';

const CreateBody = z.strictObject({ period: z.string().max(10) });
const ListQuery = z.strictObject({ period: z.string().max(10).optional() });
const nextUlid = monotonicFactory();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function draftJob(deps: JobDeps, unit: string, createdBy: string, input: CompileInput): Job {
  const now = deps.now();
  return {
    unit,
    kind: COMPILE,
    // The job's id is its compilation's: `<period>.<ulid>`, so the file route and the status agree.
    id: compilationId(input.period, nextUlid(now.getTime())),
    scope: input.period,
    input: { ...input },
    status: 'queued',
    progress: { done: 0 },
    attempts: 0,
    createdAt: now.toISOString(),
    createdBy,
  };
}

/** A compilation job as the API shows it: its state and, once it has one, its compilation. */
async function presentCompilationJob(deps: CompilationDeps & Pick<JobDeps, 'jobs'>, job: Job | undefined, compilation: Compilation | undefined) {
  const now = deps.now();
  const current = compilation && (await deps.compilations.currents(compilation.unit, compilation.period)).get(compilation.period);
  const shown = compilation && presentCompilation(compilation, current, now);
  if (!job) {
    // A compilation made outside a job (by hand with npm run compile, or before jobs existed).
    const rows = compilation!.sheets?.reduce((a, s) => a + (s.templateId ? s.rows : 0), 0) ?? 0;
    return { id: compilation!.id, kind: COMPILE, status: shown!.status, progress: { done: rows, total: rows }, period: compilation!.period, compilation: shown };
  }
  const presented = presentJob(job, now);
  return { ...presented, period: job.scope, ...(shown ? { compilation: shown } : {}) };
}

/**
 * POST /api/compilations: admits a compilation of the caller's unit for a period (up to today if it
 * has not ended). The same period already being compiled, or the same Idempotency-Key, gives the
 * same job; past the unit's bound of jobs at once, 429.
 */
export async function createCompilation(deps: JobDeps, caller: Caller, body: unknown, idempotencyKey?: string) {
  const { person } = await resolveCaller(deps, caller);
  assertMayCompile(caller);
  const input = parseOrThrow(CreateBody, body, [], '请求内容有误');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
    throw validationError('幂等键格式有误', [{ path: 'Idempotency-Key', message: '应为 1–128 个可见 ASCII 字符' }]);
  const period = requirePeriod(input.period, 'period');
  const { end } = compilationRange(period, shanghaiDate(deps.now()));
  const draft = draftJob(deps, caller.unit, caller.id, { period: formatPeriod(period), asOf: end, trigger: 'on-demand', by: caller.id, byName: person.name });
  const keyHash = idempotencyKey && sha256(`${caller.unit}\n${caller.id}\n${COMPILE}\n${idempotencyKey}`);
  const { job, created } = await admitJob(deps, draft, { keyHash, label: '汇编' });
  return { created, job: await presentCompilationJob(deps, job, await deps.compilations.get(caller.unit, job.id)) };
}

/** GET /api/compilations/{id}: the job's status and progress, and its compilation once it has one. */
export async function getCompilation(deps: JobDeps, caller: Caller, id: string) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  if (!periodOfId(id)) throw notFound('找不到这次汇编');
  const [job, compilation] = await Promise.all([deps.jobs.get({ unit: caller.unit, kind: COMPILE, id }), deps.compilations.get(caller.unit, id)]);
  if (!job && !compilation) throw notFound('找不到这次汇编');
  return presentCompilationJob(deps, job, compilation);
}

/** GET /api/compilations?period=: the unit's compilations, latest period first, newest run first. */
export async function listCompilations(deps: CompilationDeps, caller: Caller, query: Record<string, string | undefined>) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  return compilationsOf(deps, caller.unit, query);
}

/** A unit's compilations for a period, once the caller's authority over the unit is settled (also the county's). */
export async function compilationsOf(deps: CompilationDeps, unit: string, query: Record<string, string | undefined>) {
  const caller = { unit };
  const q = parseOrThrow(ListQuery, query, ['query'], '查询参数有误');
  const period = q.period === undefined ? undefined : formatPeriod(requirePeriod(q.period, 'query.period'));
  const [items, currents] = await Promise.all([
    deps.compilations.list(caller.unit, period, 100),
    deps.compilations.currents(caller.unit, period),
  ]);
  const now = deps.now();
  return { items: items.map((c) => presentCompilation(c, currents.get(c.period), now)) };
}

/**
 * GET /api/compilations/{id}/file: a short-lived download link, from S3 in the cloud or the local
 * blob server, made only once the stored file's size and checksum match what was recorded.
 */
export async function compilationFile(deps: CompilationDeps, caller: Caller, id: string): Promise<string> {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  return compilationLink(deps, caller.unit, id);
}

/** The download link of a unit's compilation, once the caller's authority over the unit is settled. */
export async function compilationLink(deps: CompilationDeps, unit: string, id: string): Promise<string> {
  const caller = { unit };
  const compilation = periodOfId(id) ? await deps.compilations.get(caller.unit, id) : undefined;
  if (!compilation) throw notFound('找不到这次汇编');
  if (compilation.status !== 'done' || !compilation.size || !compilation.sha256) throw conflict('这次汇编尚未完成或已失败，没有可下载的文件');
  const link = await deps.blobs.link(compilation.blobKey, {
    filename: compilation.filename,
    fallback: `taizhang-${compilation.period}.xlsx`,
    size: compilation.size,
    sha256: compilation.sha256,
  });
  if (link === 'missing') throw notFound('汇编文件已不存在');
  if (link === 'damaged')
    throw new AppError(500, 'Internal Server Error', '汇编文件已损坏（大小或校验值与记录不符），已停止下载，请重新汇编并联系管理员');
  return link.url;
}

export interface ScheduledOutcome {
  unit: string;
  period: string;
  id?: string;
  error?: string;
}

/**
 * The monthly schedule, through the same jobs as a request: for every registered unit, a job for
 * the month that has just ended and one for the year to date, in Asia/Shanghai. The keys come from
 * the firing time, so the schedule's own retries give the same jobs. A unit whose slots are all
 * busy is reported; the caller fails the run so that it is retried.
 */
export async function compileScheduled(deps: JobDeps, instant: Date, log: (line: Record<string, unknown>) => void = () => {}): Promise<ScheduledOutcome[]> {
  const targets = scheduledTargets(instant);
  const outcomes: ScheduledOutcome[] = [];
  for (const unit of await deps.units()) {
    for (const t of targets) {
      try {
        const draft = draftJob(deps, unit, 'scheduler', { period: t.period, asOf: t.asOf, trigger: 'scheduled', by: 'scheduler', byName: '每月定时汇编' });
        const { job } = await admitJob(deps, draft, { keyHash: sha256(`monthly\n${instant.toISOString()}\n${unit}\n${t.period}`), label: '汇编' });
        outcomes.push({ unit, period: t.period, id: job.id });
        log({ level: 'info', msg: 'compilation job', unit, period: t.period, id: job.id });
      } catch (err) {
        const error = err instanceof AppError ? err.detail : err instanceof Error ? err.message : String(err);
        outcomes.push({ unit, period: t.period, error });
        log({ level: 'error', msg: 'compilation job not started', unit, period: t.period, error });
      }
    }
  }
  return outcomes;
}
