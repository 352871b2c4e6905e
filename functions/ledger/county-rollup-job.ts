/**
 * The county's roll-up workbook as a job (DESIGN §12, §14): POST /api/county/compilations {period}
 * answers 202 with the job; the worker writes the workbook from the units' snapshots and keeps it as a
 * compilation of the county (its own partition), downloaded through the county's file route.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import { periodParam } from '../core/compliance/oversight.js';
import { countyCaller, overviewOf } from '../core/county/service.js';
import { notFound, validationError } from '../core/errors.js';
import { admitJob, presentJob, type Job, type JobKind } from '../core/jobs/index.js';
import { periodOfId, scheduledTargets, XLSX_TYPE } from '../core/ledger/compilation.js';
import { formatPeriod, shanghaiDate } from '../core/periods.js';
import { IDEMPOTENCY_KEY } from '../core/records/submissions.js';
import { parseOrThrow } from '../core/templates/schema.js';
import type { Caller } from '../core/types.js';
import type { CountyDeps } from '../deps.js';
import { keys } from '../store/keys.js';
import { workDir } from './compile.js';
import { ROLLUP_SHEET, rollupWorkbook } from './county-rollup.js';
import { compilationLink } from './service.js';

export const ROLLUP = 'county-rollup';
const CreateBody = z.strictObject({ period: z.string().max(10) });
const nextUlid = monotonicFactory();
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const fileLink = (id: string) => `/api/county/compilations/${encodeURIComponent(id)}/file`;

interface RollupInput {
  period: string;
  by: string;
  byName: string;
}

async function present(deps: CountyDeps, job: Job | undefined, unit: string, id: string) {
  const c = await deps.compilations.get(unit, id);
  const file = c?.status === 'done' ? { filename: c.filename, size: c.size, sha256: c.sha256, file: fileLink(c.id) } : {};
  if (!job) return { id, kind: ROLLUP, status: c!.status, period: c!.period, ...file };
  return { ...presentJob(job, deps.now()), period: job.scope, ...file };
}

/** POST /api/county/compilations {period}: the roll-up of the county's units as a job (the county only). */
export async function createCountyRollup(deps: CountyDeps, caller: Caller, body: unknown, idempotencyKey?: string) {
  const { name } = await countyCaller(deps, caller);
  const input = parseOrThrow(CreateBody, body, [], '请求内容有误');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
    throw validationError('幂等键格式有误', [{ path: 'Idempotency-Key', message: '应为 1–128 个可见 ASCII 字符' }]);
  const period = formatPeriod(periodParam(input.period, 'period'));
  const now = deps.now();
  const draft: Job = {
    unit: caller.unit,
    kind: ROLLUP,
    id: `${period}.${nextUlid(now.getTime())}`,
    scope: period,
    input: { period, by: caller.id, byName: name } satisfies RollupInput,
    status: 'queued',
    progress: { done: 0 },
    attempts: 0,
    createdAt: now.toISOString(),
    createdBy: caller.id,
  };
  const keyHash = idempotencyKey && sha256(`${caller.unit}\n${caller.id}\n${ROLLUP}\n${idempotencyKey}`);
  const { job, created } = await admitJob(deps, draft, { keyHash, label: '汇总表' });
  return { created, job: await present(deps, job, caller.unit, job.id) };
}

/** GET /api/county/compilations/{id}: the roll-up job's status, and its file once written. */
export async function getCountyRollup(deps: CountyDeps, caller: Caller, id: string) {
  await countyCaller(deps, caller);
  if (!periodOfId(id)) throw notFound('找不到这份汇总表');
  const [job, c] = await Promise.all([deps.jobs.get({ unit: caller.unit, kind: ROLLUP, id }), deps.compilations.get(caller.unit, id)]);
  if (!job && !c) throw notFound('找不到这份汇总表');
  return present(deps, job, caller.unit, id);
}

/** GET /api/county/compilations/{id}/file: the roll-up workbook, checked as a unit's ledger is. */
export async function countyRollupFile(deps: CountyDeps, caller: Caller, id: string) {
  await countyCaller(deps, caller);
  return compilationLink(deps, caller.unit, id);
}

/** The worker's side: the workbook from the snapshots, kept with its size and checksum. */
export function rollupKind(deps: CountyDeps): JobKind {
  return {
    async run(job, ctx) {
      const input = job.input as unknown as RollupInput;
      const county = await deps.organisation(job.unit);
      if (!county || county.kind !== 'county') throw new Error(`rollup: ${job.unit} is not a county`);
      const blobKey = keys.compilationFile(job.unit, job.id);
      const filename = `${county.unit.shortName}${input.period}各单位落实情况汇总表.xlsx`;
      const now = deps.now();
      const meta = {
        id: job.id,
        unit: job.unit,
        period: input.period,
        asOf: shanghaiDate(now),
        trigger: 'on-demand',
        by: input.by,
        byName: input.byName,
        status: 'running',
        startedAt: now.toISOString(),
        blobKey,
        filename,
      } as const;
      await deps.compilations.start(meta);
      const overview = await overviewOf(deps, county, input.period);
      ctx.progress(0, overview.units.length);
      const bytes = await rollupWorkbook(overview);
      const dir = join(workDir(), `rollup-${job.id}`);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, 'rollup.xlsx');
      try {
        await writeFile(file, bytes, { mode: 0o600 });
        const digest = sha256(bytes);
        await deps.blobs.put(blobKey, file, XLSX_TYPE, digest);
        await deps.compilations.finish({
          ...meta,
          completedAt: deps.now().toISOString(),
          sheets: [{ name: ROLLUP_SHEET, rows: overview.units.length }],
          size: bytes.length,
          sha256: digest,
        });
        ctx.progress(overview.units.length, overview.units.length);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async abandoned(job, reason) {
      await deps.compilations.fail(job.unit, job.id, reason, deps.now().toISOString());
    },
  };
}

/**
 * The monthly schedule's roll-ups: for every county, the month just ended and the year to date (the
 * unit ledgers' targets), keyed by the firing time so a retried firing admits the same jobs.
 */
export async function rollupScheduled(deps: CountyDeps, counties: string[], instant: Date, log: (line: Record<string, unknown>) => void = () => {}) {
  const outcomes: { county: string; period: string; id?: string; error?: string }[] = [];
  for (const county of counties)
    for (const t of scheduledTargets(instant)) {
      try {
        const now = deps.now();
        const draft: Job = {
          unit: county,
          kind: ROLLUP,
          id: `${t.period}.${nextUlid(now.getTime())}`,
          scope: t.period,
          input: { period: t.period, by: 'scheduler', byName: '每月定时汇总' } satisfies RollupInput,
          status: 'queued',
          progress: { done: 0 },
          attempts: 0,
          createdAt: now.toISOString(),
          createdBy: 'scheduler',
        };
        const { job } = await admitJob(deps, draft, { keyHash: sha256(`monthly-rollup\n${instant.toISOString()}\n${county}\n${t.period}`), label: '汇总表' });
        outcomes.push({ county, period: t.period, id: job.id });
        log({ level: 'info', msg: 'rollup job', county, period: t.period, id: job.id });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        outcomes.push({ county, period: t.period, error });
        log({ level: 'error', msg: 'rollup job not started', county, period: t.period, error });
      }
    }
  return outcomes;
}
