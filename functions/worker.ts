/**
 * The worker (one Lambda function, 15 minutes, invoked asynchronously): runs a job handed to it,
 * fans the monthly schedule out into jobs, sweeps (repairs marked record heads, redispatches or
 * fails jobs whose workers died), and fails a job when Lambda reports that its retries ran out
 * (the on-failure destination points back here). Locally the runner invokes it the same way.
 */
import { rm } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { reapJobs, retriesExhausted, runJob, type JobKind, type RunDeps } from './core/jobs/index.js';
import { getArchiveDeps, getCompilationDeps, getCountyDeps, getReminderDeps, getRosterStore, type JobDeps } from './deps.js';
import { scheduledReminders } from './core/compliance/reminders.js';
import { ARCHIVE, archiveKind } from './ledger/archive-job.js';
import { ROLLUP, rollupKind, rollupScheduled } from './ledger/county-rollup-job.js';
import { countFailure } from './http/metrics.js';
import { workDir } from './ledger/compile.js';
import { COMPILE, compileKind } from './ledger/jobs.js';
import { compileScheduled } from './ledger/service.js';
import { MARKER_SAFE_AGE_MS } from './store/records.js';

const JobEvent = z.object({ type: z.literal('job'), unit: z.string().min(1), kind: z.string().min(1), id: z.string().min(1) });
const Event = z.union([
  JobEvent,
  z.object({ type: z.literal('monthly'), time: z.iso.datetime({ offset: true }).optional() }),
  z.object({ type: z.literal('sweep'), graceMs: z.int().min(0).optional() }),
  // The daily reminders (DESIGN §10): `time` is the firing time, so a retried delivery is the same day.
  z.object({ type: z.literal('reminders'), time: z.iso.datetime({ offset: true }).optional() }),
  // Lambda's record of an asynchronous invocation whose retries ran out (the on-failure destination).
  z.looseObject({ requestContext: z.looseObject({ condition: z.string() }), requestPayload: z.unknown() }),
]);

/** How long the sweep leaves a quiet job alone: past Lambda's own retry (1 minute) and a lease. */
export const REAP_GRACE_MS = 5 * 60_000;

function kinds(deps: JobDeps): Record<string, JobKind> {
  // The archive's dependencies (the evidence store, the zip's sink) are built only when one runs.
  return {
    [COMPILE]: compileKind(deps, deps.fault),
    [ARCHIVE]: { run: (job, ctx) => archiveKind(getArchiveDeps()).run(job, ctx), abandoned: (job, reason) => archiveKind(getArchiveDeps()).abandoned!(job, reason) },
    [ROLLUP]: { run: (job, ctx) => rollupKind(getCountyDeps()).run(job, ctx), abandoned: (job, reason) => rollupKind(getCountyDeps()).abandoned!(job, reason) },
  };
}

function runDeps(deps: JobDeps): RunDeps {
  return { jobs: deps.jobs, now: deps.now, failed: (job, reason) => countFailure('JobFailures', { msg: 'job failed', job, reason }) };
}

/** The sweep: every registered unit's marked record heads and unfinished jobs. */
export async function sweep(deps: JobDeps, options: { markerAgeMs: number; graceMs: number }) {
  let repaired = 0;
  let redispatched = 0;
  let failed = 0;
  // Counties too: their roll-up jobs are reaped like a unit's (they have no records to repair).
  for (const unit of [...(await deps.units()), ...(await getRosterStore().counties())]) {
    repaired += (await deps.records.repairInFlight?.(unit, { olderThanMs: options.markerAgeMs })) ?? 0;
    const reaped = await reapJobs({ ...runDeps(deps), dispatcher: deps.dispatcher }, kinds(deps), unit, { graceMs: options.graceMs });
    redispatched += reaped.redispatched;
    failed += reaped.failed;
  }
  return { repaired, redispatched, failed };
}

/** `stop` is the local runner's Ctrl-C: a job then goes back to the queue instead of failing. */
export async function handler(event: unknown, context: Pick<Context, 'awsRequestId'>, stop?: AbortSignal) {
  const parsed = Event.safeParse(event);
  if (!parsed.success) throw new Error(`worker: not an event it knows (${JSON.stringify(event).slice(0, 200)})`);
  const deps = getCompilationDeps();
  const e = parsed.data;
  const log = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
  if ('requestContext' in e) {
    const payload = JobEvent.safeParse(e.requestPayload);
    log({ level: 'error', msg: 'worker retries exhausted', condition: e.requestContext.condition, payload: payload.success ? payload.data : 'not a job' });
    if (payload.success) {
      const kind = kinds(deps)[payload.data.kind];
      if (kind) await retriesExhausted(runDeps(deps), kind, payload.data);
    }
    return { failed: payload.success ? payload.data.id : undefined };
  }
  if (e.type === 'job') {
    // One invocation at a time per Lambda sandbox: whatever is left here belongs to a killed run.
    await rm(workDir(), { recursive: true, force: true });
    const kind = kinds(deps)[e.kind];
    if (!kind) throw new Error(`worker: no job kind ${e.kind}`);
    const outcome = await runJob(runDeps(deps), kind, e, context.awsRequestId, stop);
    log({ level: 'info', msg: 'job', job: { unit: e.unit, kind: e.kind, id: e.id }, outcome });
    return { outcome };
  }
  if (e.type === 'monthly') {
    const instant = e.time ? new Date(e.time) : deps.now();
    const outcomes = await compileScheduled(deps, instant, log);
    // Each county's roll-up of the same periods, from its units' snapshots.
    const rollups = await rollupScheduled(getCountyDeps(), await getRosterStore().counties(), instant, log);
    const refused = [...outcomes, ...rollups.map((r) => ({ ...r, unit: r.county }))].filter((o) => o.error);
    // Failing makes Lambda retry the fan-out; the firing time keys the jobs, so none is doubled.
    if (refused.length) throw new Error(`monthly compilation not started for ${refused.map((f) => `${f.unit} ${f.period}`).join(', ')}`);
    return { compiled: outcomes, rollups };
  }
  if (e.type === 'reminders') {
    const instant = e.time ? new Date(e.time) : deps.now();
    const runs = [];
    // Each unit claims its own once-a-day keys, so a second firing of the same day sends nothing.
    for (const unit of await deps.units()) runs.push(await scheduledReminders(getReminderDeps(), unit, instant));
    log({ level: 'info', msg: 'reminders', at: instant.toISOString(), runs });
    return { reminders: runs };
  }
  const swept = await sweep(deps, { markerAgeMs: MARKER_SAFE_AGE_MS, graceMs: e.graceMs ?? REAP_GRACE_MS });
  log({ level: 'info', msg: 'sweep', ...swept });
  return swept;
}
