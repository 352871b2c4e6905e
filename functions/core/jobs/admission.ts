/**
 * Admitting a job, on single-item conditional writes: the idempotency key (if any), then the
 * unit's lock for the job's kind and scope, then one of the unit's slots, then the job itself, then
 * the dispatch. A request that meets a live job for the same scope gets that job; one that finds
 * every slot held by live jobs gets 429 and gives back what it took. A lock or slot held by a dead
 * job (finished, failed, silent, or never written by an admitter that crashed) is taken over.
 */
import { tooMany } from '../errors.js';
import { isAlive, JOB_LIMITS, type Job, type JobDispatcher, type JobLimits, type JobStore, type LeaseItem } from './job.js';

export interface AdmitDeps {
  jobs: JobStore;
  dispatcher: JobDispatcher;
  now(): Date;
  limits?: JobLimits;
}

export interface AdmitOptions {
  /** A hash of who asked and their Idempotency-Key: the same hash gets the same job. */
  keyHash?: string;
  /** Words for the 429, e.g. 汇编. */
  label: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The job a lease names, waiting briefly for one its admitter has not written yet. */
async function jobOf(deps: AdmitDeps, draft: Job, held: { jobId: string; at: string }): Promise<Job | undefined> {
  const limits = deps.limits ?? JOB_LIMITS;
  const ref = { unit: draft.unit, kind: draft.kind, id: held.jobId };
  for (let i = 0; i < 20; i++) {
    const job = await deps.jobs.get(ref);
    if (job || deps.now().getTime() - Date.parse(held.at) >= limits.admitGraceMs) return job;
    await sleep(50);
  }
  return deps.jobs.get(ref);
}

/** Takes `item` for the draft, or returns the live job holding it; undefined when a dead holder could not be displaced. */
async function takeOrMeet(deps: AdmitDeps, item: LeaseItem, draft: Job, at: string): Promise<{ taken: true } | { taken: false; holder?: Job }> {
  for (let round = 0; round < 3; round++) {
    if (await item.take(draft.id, at)) return { taken: true };
    const held = await item.read();
    if (!held) continue;
    if (held.jobId === draft.id) return { taken: true };
    const holder = await jobOf(deps, draft, held);
    if (holder && isAlive(holder, deps.now(), deps.limits)) return { taken: false, holder };
    if (await item.take(draft.id, at, held.jobId)) return { taken: true };
  }
  return { taken: false };
}

/**
 * Admits `draft` or finds the job that stands for it. `created` says whether the draft became a
 * job (and was dispatched); otherwise `job` is the live job of the same key or scope.
 */
export async function admitJob(deps: AdmitDeps, draft: Job, options: AdmitOptions): Promise<{ job: Job; created: boolean }> {
  const limits = deps.limits ?? JOB_LIMITS;
  const at = deps.now().toISOString();
  const key = options.keyHash ? deps.jobs.idempotencyKey(draft.unit, options.keyHash) : undefined;
  if (key && !(await key.take(draft.id, at))) {
    const held = await key.read();
    const job = held && (await jobOf(deps, draft, held));
    // A key is bound for good to the job it first named, finished or not; a job never written frees it.
    if (job) return { job, created: false };
    if (!held || !(await key.take(draft.id, at, held.jobId))) throw new Error('idempotency key contended');
  }
  const lock = deps.jobs.lock(draft.unit, draft.kind, draft.scope);
  const locked = await takeOrMeet(deps, lock, draft, at);
  if (!locked.taken) {
    if (!locked.holder) throw new Error(`job lock ${draft.kind} ${draft.scope} contended`);
    // The same period already running: that job answers for this request, and for its key from now on.
    if (key && options.keyHash) await deps.jobs.idempotencyKey(draft.unit, options.keyHash).take(locked.holder.id, at, draft.id);
    return { job: locked.holder, created: false };
  }
  let slot: number | undefined;
  for (let i = 0; i < limits.perUnit && slot === undefined; i++) if (await deps.jobs.slot(draft.unit, i).take(draft.id, at)) slot = i;
  for (let i = 0; i < limits.perUnit && slot === undefined; i++) if ((await takeOrMeet(deps, deps.jobs.slot(draft.unit, i), draft, at)).taken) slot = i;
  if (slot === undefined) {
    await lock.drop(draft.id);
    await key?.drop(draft.id);
    throw tooMany(`本单位同时进行的${options.label}已达上限（${limits.perUnit} 项），请稍后再试`, limits.retryAfterSeconds);
  }
  const job: Job = { ...draft, slot };
  if (!(await deps.jobs.put(job))) {
    const existing = await deps.jobs.get(draft);
    if (existing) return { job: existing, created: false };
  }
  try {
    await deps.dispatcher.dispatch(job);
  } catch (err) {
    // Nobody will run it: fail it and give back what it holds, so the next request can start afresh.
    await deps.jobs.fail(job, '无法启动后台处理，请稍后重试', deps.now()).catch(() => {});
    await releaseHolds(deps.jobs, job);
    throw err;
  }
  return { job, created: true };
}

/** Gives back a finished job's lock and slot (best effort: a later admission takes over stale ones). */
export async function releaseHolds(jobs: JobStore, job: Job): Promise<void> {
  await Promise.all([
    jobs.lock(job.unit, job.kind, job.scope).drop(job.id),
    job.slot !== undefined ? jobs.slot(job.unit, job.slot).drop(job.id) : undefined,
  ]).catch(() => {});
}
