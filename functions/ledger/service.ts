/**
 * The compilation API behind the HTTP entries: compile now, list what was compiled, hand out a
 * file; and the monthly job. Access: the office and the secretary only, within their own unit.
 */
import { z } from 'zod';
import {
  assertMayCompile,
  compilationRange,
  contentDisposition,
  periodOfId,
  presentCompilation,
  requirePeriod,
  scheduledTargets,
  XLSX_TYPE,
  type CompilationDeps,
} from '../core/ledger/compilation.js';
import { conflict, notFound } from '../core/errors.js';
import { formatPeriod, parsePeriod, shanghaiDate } from '../core/periods.js';
import { parseOrThrow } from '../core/templates/schema.js';
import { resolveCaller } from '../core/records/submissions.js';
import type { Caller } from '../core/types.js';
import { compileLedgers } from './compile.js';

const CreateBody = z.strictObject({ period: z.string().max(10) });
const ListQuery = z.strictObject({ period: z.string().max(10).optional() });

/** POST /api/compilations: compiles the caller's unit for a period now (up to today if it has not ended). */
export async function createCompilation(deps: CompilationDeps, caller: Caller, body: unknown) {
  const { person } = await resolveCaller(deps, caller);
  assertMayCompile(caller);
  const input = parseOrThrow(CreateBody, body, [], '请求内容有误');
  const period = requirePeriod(input.period, 'period');
  const { end } = compilationRange(period, shanghaiDate(deps.now()));
  const done = await compileLedgers(deps, {
    unit: caller.unit,
    period,
    asOf: end,
    trigger: 'on-demand',
    by: { id: caller.id, name: person.name },
  });
  return presentCompilation(done, done.current ? done.id : done.supersededBy, deps.now());
}

/** GET /api/compilations?period=: the unit's compilations, latest period first, newest run first. */
export async function listCompilations(deps: CompilationDeps, caller: Caller, query: Record<string, string | undefined>) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  const q = parseOrThrow(ListQuery, query, ['query'], '查询参数有误');
  const period = q.period === undefined ? undefined : formatPeriod(requirePeriod(q.period, 'query.period'));
  const [items, currents] = await Promise.all([
    deps.compilations.list(caller.unit, period, 100),
    deps.compilations.currents(caller.unit, period),
  ]);
  const now = deps.now();
  return { items: items.map((c) => presentCompilation(c, currents.get(c.period), now)) };
}

export type FileAnswer =
  | { kind: 'redirect'; url: string }
  | { kind: 'bytes'; body: Buffer; filename: string; disposition: string; contentType: string };

/** GET /api/compilations/{id}/file: a short-lived link where the store makes one (S3), else the bytes. */
export async function compilationFile(deps: CompilationDeps, caller: Caller, id: string): Promise<FileAnswer> {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  const compilation = periodOfId(id) ? await deps.compilations.get(caller.unit, id) : undefined;
  if (!compilation) throw notFound('找不到这次汇编');
  if (compilation.status !== 'done') throw conflict('这次汇编尚未完成或已失败，没有可下载的文件');
  if (deps.blobs.url) return { kind: 'redirect', url: await deps.blobs.url(compilation.blobKey, compilation.filename) };
  const stream = await deps.blobs.stream(compilation.blobKey);
  if (!stream) throw notFound('汇编文件已不存在');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const fallback = `taizhang-${compilation.period}.xlsx`;
  return {
    kind: 'bytes',
    body: Buffer.concat(chunks),
    filename: compilation.filename,
    disposition: contentDisposition(compilation.filename, fallback),
    contentType: XLSX_TYPE,
  };
}

export interface ScheduledOutcome {
  unit: string;
  period: string;
  id?: string;
  error?: string;
}

/**
 * The monthly job: for every registered unit, the month that has just ended and the year to date,
 * in Asia/Shanghai. Each run supersedes an earlier one for the same period, so running twice is
 * safe. One unit's failure does not stop the others; the job fails at the end if any failed.
 */
export async function compileScheduled(
  deps: CompilationDeps & { units(): Promise<string[]> },
  instant: Date,
  log: (line: Record<string, unknown>) => void = () => {},
): Promise<ScheduledOutcome[]> {
  const targets = scheduledTargets(instant);
  const outcomes: ScheduledOutcome[] = [];
  for (const unit of await deps.units()) {
    for (const t of targets) {
      try {
        const done = await compileLedgers(deps, {
          unit,
          period: parsePeriod(t.period)!,
          asOf: t.asOf,
          trigger: 'scheduled',
          by: { id: 'scheduler', name: '每月定时汇编' },
        });
        outcomes.push({ unit, period: t.period, id: done.id });
        log({ level: 'info', msg: 'compiled', unit, period: t.period, id: done.id, rows: done.sheets?.reduce((a, s) => a + s.rows, 0) });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        outcomes.push({ unit, period: t.period, error });
        log({ level: 'error', msg: 'compilation failed', unit, period: t.period, error });
      }
    }
  }
  return outcomes;
}
