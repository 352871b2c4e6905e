/**
 * Jobs (DESIGN §12): long work (a compilation now, an evidence archive later) that no API request
 * waits on. A request admits a job and answers 202; a worker claims it with a lease it renews as it
 * reports progress, and finishes or fails it. This module holds the shapes, the limits and the
 * rules of what counts as alive; admission.ts and run.ts the protocols, on single-item writes.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** Names a job: its unit, its kind (`compile`, later `archive`) and its id. */
export interface JobRef {
  unit: string;
  kind: string;
  id: string;
}

export interface JobProgress {
  /** Units of work done (rows written, for a compilation). */
  done: number;
  /** The units expected, once known. */
  total?: number;
}

export interface Job extends JobRef {
  /** At most one job of a kind and scope (a compilation's period) per unit at once. */
  scope: string;
  /** What the kind needs to run it, fixed at admission. */
  input: Record<string, unknown>;
  status: JobStatus;
  progress: JobProgress;
  /** Attempts started; a worker that dies is retried once (JOB_LIMITS.maxAttempts). */
  attempts: number;
  /** The attempt holding the job: the worker's invocation (request) id. */
  holder?: string;
  /** The holder's lease, renewed with each progress report; past it the holder counts as dead. */
  leaseUntil?: string;
  /** Which of the unit's slots it holds while it runs. */
  slot?: number;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why it failed, in Chinese, safe to show. */
  error?: string;
}

export const JOB_LIMITS = {
  /** Jobs a unit may run at once (any kind): two fit the monthly run's month and year. */
  perUnit: 2,
  /** A first attempt and one retry. */
  maxAttempts: 2,
  /** A live worker renews its lease every heartbeat; one that misses several is dead. */
  leaseMs: 30_000,
  heartbeatMs: 5_000,
  /** What a refused request is told to wait: about one short compilation. */
  retryAfterSeconds: 30,
  /** How long a lock may name a job not yet written (its admitter is between two writes). */
  admitGraceMs: 30_000,
  /** A job whose lease ended this long ago, retries and sweeps included, is failed whatever happened. */
  deadAfterMs: 30 * 60_000,
} as const;

export type JobLimits = { -readonly [K in keyof typeof JOB_LIMITS]: number };

export const isTerminal = (j: Pick<Job, 'status'>) => j.status === 'done' || j.status === 'failed';

/** The lease's end as a time, or when it was queued for a job nobody has claimed. */
function lastSign(j: Job): number {
  return Date.parse(j.leaseUntil ?? j.startedAt ?? j.createdAt);
}

/** A job that still counts: queued or running, and not silent for longer than any retry could explain. */
export function isAlive(j: Job, now: Date, limits: JobLimits = JOB_LIMITS): boolean {
  return !isTerminal(j) && now.getTime() - lastSign(j) < limits.deadAfterMs;
}

/** Whether the holder's lease has run out (a queued job has none). */
export const leaseExpired = (j: Job, now: Date) => j.status === 'running' && (!j.leaseUntil || Date.parse(j.leaseUntil) <= now.getTime());

export const DEAD_REASON = '处理进程两次意外中断（超时、内存不足或被终止），已停止重试，请重新发起';
export const LOST_REASON = '处理进程长时间无响应，已停止，请重新发起';

/** What the API shows: the stored job, with one silent past every retry shown as the failure it is. */
export function presentJob(j: Job, now: Date, limits: JobLimits = JOB_LIMITS) {
  const dead = !isTerminal(j) && !isAlive(j, now, limits);
  return {
    id: j.id,
    kind: j.kind,
    status: dead ? ('failed' as const) : j.status,
    progress: j.progress,
    scope: j.scope,
    attempts: j.attempts,
    createdAt: j.createdAt,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}),
    ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}),
    ...(dead ? { error: LOST_REASON } : j.error ? { error: j.error } : {}),
  };
}

/** A single-item lease on a name (the period lock, a slot, an idempotency key), held by a job id. */
export interface LeaseItem {
  /** Takes it for `jobId` if free, or if it is held by `expected` (taking over from a dead holder). */
  take(jobId: string, at: string, expected?: string): Promise<boolean>;
  read(): Promise<{ jobId: string; at: string } | undefined>;
  /** Frees it if `jobId` still holds it. */
  drop(jobId: string): Promise<void>;
}

export interface JobStore {
  get(ref: JobRef): Promise<Job | undefined>;
  /** Writes a new job; false if one with its id exists. */
  put(job: Job): Promise<boolean>;
  /**
   * Takes the job for `holder` with a lease, counting an attempt: if queued, if its lease has run
   * out, or if `holder` already holds it (a retried invocation keeps its id); never past maxAttempts.
   */
  claim(ref: JobRef, holder: string, now: Date, leaseUntil: Date, maxAttempts: number): Promise<Job | undefined>;
  /** Renews the lease and records progress; false if `holder` no longer holds it. */
  heartbeat(ref: JobRef, holder: string, progress: JobProgress, leaseUntil: Date): Promise<boolean>;
  finish(ref: JobRef, holder: string, progress: JobProgress, at: Date): Promise<boolean>;
  /** Fails an unfinished job (held by `holder`, when given). */
  fail(ref: JobRef, error: string, at: Date, holder?: string): Promise<boolean>;
  /** Puts a held job back in the queue; `refund` gives the attempt back (a worker told to stop). */
  requeue(ref: JobRef, holder: string, refund: boolean): Promise<boolean>;
  /** The unit's unfinished jobs, from the sparse in-flight index. */
  active(unit: string): Promise<JobRef[]>;
  lock(unit: string, kind: string, scope: string): LeaseItem;
  slot(unit: string, index: number): LeaseItem;
  idempotencyKey(unit: string, hash: string): LeaseItem;
}

/** Hands a job to a worker: asynchronous invocation in the cloud, the runner's worker locally. */
export interface JobDispatcher {
  dispatch(ref: JobRef): Promise<void>;
}
