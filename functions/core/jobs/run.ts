/**
 * Running a job in a worker: claim it with a lease, renew the lease with each progress report,
 * then finish or fail it and give back its lock and slot. A worker told to stop puts the job back
 * (the attempt refunded); one that dies leaves its lease to run out, and the job is retried once
 * (Lambda's own retry, or the sweep) and then failed (the retries-exhausted record, or the sweep).
 */
import { releaseHolds } from './admission.js';
import { DEAD_REASON, isAlive, isTerminal, JOB_LIMITS, leaseExpired, type Job, type JobDispatcher, type JobLimits, type JobProgress, type JobRef, type JobStore } from './job.js';

export interface JobContext {
  /** Reports progress; the lease is renewed with it at most every heartbeat. */
  progress(done: number, total?: number): void;
  /** Aborted when the worker is told to stop or loses the job. */
  signal: AbortSignal;
}

/** What a kind of job does, and what it must tidy when an attempt of it died. */
export interface JobKind {
  run(job: Job, ctx: JobContext): Promise<void>;
  /** Called once a job of this kind is failed because its workers died (e.g. mark its compilation failed). */
  abandoned?(job: Job, reason: string): Promise<void>;
}

export interface RunDeps {
  jobs: JobStore;
  now(): Date;
  limits?: JobLimits;
  /** Reports a failed job (one log line that is also an alarm metric). */
  failed?(job: JobRef, reason: string): void;
}

export type RunOutcome = 'done' | 'failed' | 'requeued' | 'skipped';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** A short reason a job failed, safe to show: AppErrors say their own; anything else is generic. */
function reasonOf(err: unknown): string {
  const detail = (err as { detail?: unknown })?.detail;
  return typeof detail === 'string' ? detail : '处理失败，请稍后重试';
}

async function failDead(deps: RunDeps, kind: JobKind, job: Job, reason: string): Promise<void> {
  if (await deps.jobs.fail(job, reason, deps.now())) {
    deps.failed?.(job, reason);
    await kind.abandoned?.(job, reason).catch(() => {});
  }
  await releaseHolds(deps.jobs, job);
}

/**
 * Runs the job `ref` as `holder` (the invocation's request id). `stop` aborts it and puts it back.
 */
export async function runJob(deps: RunDeps, kind: JobKind, ref: JobRef, holder: string, stop?: AbortSignal): Promise<RunOutcome> {
  const limits = deps.limits ?? JOB_LIMITS;
  let job: Job | undefined;
  // A delivery that meets the job held by a live lease waits for it to run out once (a retry that
  // came early), then leaves it to its holder.
  for (let round = 0; ; round++) {
    const now = deps.now();
    job = await deps.jobs.claim(ref, holder, now, new Date(now.getTime() + limits.leaseMs), limits.maxAttempts);
    if (job) break;
    const current = await deps.jobs.get(ref);
    if (!current || isTerminal(current)) return 'skipped';
    if (current.attempts >= limits.maxAttempts && (current.status === 'queued' || leaseExpired(current, now))) {
      await failDead(deps, kind, current, DEAD_REASON);
      return 'failed';
    }
    if (round > 0 || stop?.aborted) return 'skipped';
    await sleep(Math.max(0, Date.parse(current.leaseUntil ?? now.toISOString()) - now.getTime()) + 100, stop);
  }
  const abort = new AbortController();
  const onStop = () => abort.abort(new Error('stopping'));
  stop?.addEventListener('abort', onStop, { once: true });
  let progress: JobProgress = { ...job.progress };
  let lost = false;
  const beat = setInterval(() => {
    const now = deps.now();
    deps.jobs.heartbeat(ref, holder, progress, new Date(now.getTime() + limits.leaseMs)).then(
      (held) => {
        if (!held) {
          lost = true;
          abort.abort(new Error('lease lost'));
        }
      },
      () => {},
    );
  }, limits.heartbeatMs);
  try {
    await kind.run(job, {
      progress: (done, total) => (progress = total === undefined ? { ...progress, done } : { done, total }),
      signal: abort.signal,
    });
    await deps.jobs.finish(ref, holder, progress.total === undefined ? progress : { done: progress.total, total: progress.total }, deps.now());
    await releaseHolds(deps.jobs, job);
    return 'done';
  } catch (err) {
    if (lost) return 'skipped';
    if (stop?.aborted) {
      await deps.jobs.requeue(ref, holder, true);
      return 'requeued';
    }
    const reason = reasonOf(err);
    console.error(JSON.stringify({ level: 'error', msg: 'job failed', job: ref, error: (err as Error)?.name, message: (err as Error)?.message }));
    if (await deps.jobs.fail(ref, reason, deps.now(), holder)) deps.failed?.(ref, reason);
    await releaseHolds(deps.jobs, job);
    return 'failed';
  } finally {
    clearInterval(beat);
    stop?.removeEventListener('abort', onStop);
  }
}

/** A worker's retries ran out (Lambda's record of a failed asynchronous invocation): fail the job now. */
export async function retriesExhausted(deps: RunDeps, kind: JobKind, ref: JobRef): Promise<boolean> {
  const job = await deps.jobs.get(ref);
  if (!job || isTerminal(job)) return false;
  await failDead(deps, kind, job, DEAD_REASON);
  return true;
}

export interface ReapOptions {
  /** How long a lease must have run out, or a job waited unclaimed, before the sweep acts (0 at a local start: nothing else runs). */
  graceMs: number;
}

/**
 * The sweep's share for jobs: an unfinished job whose worker is gone is dispatched again while it has
 * attempts left, and failed once it has none (or once it has been silent past every retry).
 */
export async function reapJobs(deps: RunDeps & { dispatcher: JobDispatcher }, kinds: Record<string, JobKind>, unit: string, options: ReapOptions): Promise<{ redispatched: number; failed: number }> {
  let redispatched = 0;
  let failed = 0;
  const now = deps.now();
  for (const ref of await deps.jobs.active(unit)) {
    const job = await deps.jobs.get(ref);
    const kind = kinds[ref.kind];
    if (!job || isTerminal(job) || !kind) continue;
    const quiet = now.getTime() - Date.parse(job.leaseUntil ?? job.createdAt);
    if (quiet < options.graceMs) continue;
    if (job.attempts >= (deps.limits ?? JOB_LIMITS).maxAttempts || !isAlive(job, now, deps.limits)) {
      await failDead(deps, kind, job, job.attempts >= (deps.limits ?? JOB_LIMITS).maxAttempts ? DEAD_REASON : '处理进程长时间无响应，已停止，请重新发起');
      failed++;
      continue;
    }
    // Its holder is gone: free the lease now so the next delivery need not wait for it.
    if (job.status === 'running' && job.holder) await deps.jobs.requeue(job, job.holder, false);
    await deps.dispatcher.dispatch(job);
    redispatched++;
  }
  return { redispatched, failed };
}
