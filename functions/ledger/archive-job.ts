/**
 * The period's evidence archive (档案包) as a job (DESIGN §11, §12): POST /api/archives admits it
 * for a period whose ledger has been compiled; the worker writes one zip with that workbook and
 * every attachment of the period's records (functions/ledger/archive.ts), streamed from the
 * evidence store into the zip and out to the ledger's blob store. Office and secretary only.
 */
import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import { assertMayCompile, contentDisposition, periodOfId, requirePeriod } from '../core/ledger/compilation.js';
import { recordLabel } from '../core/ledger/layout.js';
import { AppError, conflict, notFound, validationError } from '../core/errors.js';
import { admitJob, presentJob, type Job, type JobKind } from '../core/jobs/index.js';
import { formatPeriod, parsePeriod, periodBounds } from '../core/periods.js';
import { parseOrThrow } from '../core/templates/schema.js';
import { IDEMPOTENCY_KEY, resolveCaller } from '../core/records/submissions.js';
import type { Caller } from '../core/types.js';
import type { JobDeps } from '../deps.js';
import { evidenceKeys, type EvidenceBlobStore } from '../store/evidence-blobs.js';
import type { Archive, ArchiveStore } from '../store/archives.js';
import { ARCHIVE_TYPE } from '../store/archive-sink.js';
import { keys } from '../store/keys.js';
import { EvidenceIntegrityError, writeArchive, type ArchiveItem, type ArchiveSink } from './archive.js';

export const ARCHIVE = 'archive';

export type ArchiveDeps = JobDeps & {
  archives: ArchiveStore;
  evidenceBlobs: EvidenceBlobStore;
  /** Where the zip is written as a stream: a file locally, an S3 multipart upload in the cloud. */
  archiveSink(key: string, disposition: string): ArchiveSink;
};

interface ArchiveInput {
  period: string;
  compilationId: string;
  by: string;
}

const CreateBody = z.strictObject({ period: z.string().max(10) });
const ListQuery = z.strictObject({ period: z.string().max(10).optional() });
const nextUlid = monotonicFactory();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fileLink = (id: string) => `/api/archives/${encodeURIComponent(id)}/file`;

function present(deps: ArchiveDeps, job: Job | undefined, archive: Archive | undefined) {
  const shownArchive = archive && {
    id: archive.id,
    status: archive.status,
    filename: archive.filename,
    compilationId: archive.compilationId,
    ...(archive.status === 'done' ? { entries: archive.entries, attachments: archive.attachments, size: archive.size, sha256: archive.sha256, file: fileLink(archive.id) } : {}),
    ...(archive.error ? { error: archive.error } : {}),
  };
  if (!job) return { id: archive!.id, kind: ARCHIVE, status: archive!.status, period: archive!.period, archive: shownArchive };
  return { ...presentJob(job, deps.now()), period: job.scope, ...(shownArchive ? { archive: shownArchive } : {}) };
}

/** POST /api/archives {period}: 202 with the job; the period's ledger must have been compiled (it goes inside). */
export async function createArchive(deps: ArchiveDeps, caller: Caller, body: unknown, idempotencyKey?: string) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  const input = parseOrThrow(CreateBody, body, [], '请求内容有误');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
    throw validationError('幂等键格式有误', [{ path: 'Idempotency-Key', message: '应为 1–128 个可见 ASCII 字符' }]);
  const period = formatPeriod(requirePeriod(input.period, 'period'));
  const currentId = (await deps.compilations.currents(caller.unit, period)).get(period);
  const compilation = currentId && (await deps.compilations.get(caller.unit, currentId));
  if (!compilation || compilation.status !== 'done') throw conflict(`本期（${period}）台账尚未汇编完成；档案包中包含汇编后的台账，请先汇编`);
  const now = deps.now();
  const draft: Job = {
    unit: caller.unit,
    kind: ARCHIVE,
    id: `${period}.${nextUlid(now.getTime())}`,
    scope: period,
    input: { period, compilationId: compilation.id, by: caller.id } satisfies ArchiveInput,
    status: 'queued',
    progress: { done: 0 },
    attempts: 0,
    createdAt: now.toISOString(),
    createdBy: caller.id,
  };
  const keyHash = idempotencyKey && sha256(`${caller.unit}\n${caller.id}\n${ARCHIVE}\n${idempotencyKey}`);
  const { job } = await admitJob(deps, draft, { keyHash, label: '档案包' });
  return present(deps, job, await deps.archives.get(caller.unit, job.id));
}

/** GET /api/archives/{id}: the job's status and progress (attachments written), and the archive once made. */
export async function getArchive(deps: ArchiveDeps, caller: Caller, id: string) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  if (!periodOfId(id)) throw notFound('找不到这个档案包');
  const [job, archive] = await Promise.all([deps.jobs.get({ unit: caller.unit, kind: ARCHIVE, id }), deps.archives.get(caller.unit, id)]);
  if (!job && !archive) throw notFound('找不到这个档案包');
  return present(deps, job, archive);
}

/** GET /api/archives?period=: the unit's archives, latest period first. */
export async function listArchives(deps: ArchiveDeps, caller: Caller, query: Record<string, string | undefined>) {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  return archivesOf(deps, caller.unit, query);
}

/** A unit's archives for a period, once the caller's authority over the unit is settled (also the county's). */
export async function archivesOf(deps: ArchiveDeps, unit: string, query: Record<string, string | undefined>) {
  const caller = { unit };
  const q = parseOrThrow(ListQuery, query, ['query'], '查询参数有误');
  const period = q.period === undefined ? undefined : formatPeriod(requirePeriod(q.period, 'query.period'));
  return { items: (await deps.archives.list(caller.unit, period)).map((a) => present(deps, undefined, a).archive!) };
}

/** GET /api/archives/{id}/file: a short-lived link, made once the stored zip matches its size and checksum. */
export async function archiveFile(deps: ArchiveDeps, caller: Caller, id: string): Promise<string> {
  await resolveCaller(deps, caller);
  assertMayCompile(caller);
  return archiveLink(deps, caller.unit, id);
}

/** The download link of a unit's archive, once the caller's authority over the unit is settled. */
export async function archiveLink(deps: ArchiveDeps, unit: string, id: string): Promise<string> {
  const caller = { unit };
  const archive = periodOfId(id) ? await deps.archives.get(caller.unit, id) : undefined;
  if (!archive) throw notFound('找不到这个档案包');
  if (archive.status !== 'done' || !archive.size || !archive.sha256) throw conflict('这个档案包尚未完成或已失败，没有可下载的文件');
  const link = await deps.blobs.link(archive.blobKey, {
    filename: archive.filename,
    fallback: `taizhang-archive-${archive.period}.zip`,
    size: archive.size,
    sha256: archive.sha256,
    contentType: ARCHIVE_TYPE,
  });
  if (link === 'missing') throw notFound('档案包文件已不存在');
  if (link === 'damaged') throw new AppError(500, 'Internal Server Error', '档案包文件已损坏（大小或校验值与记录不符），已停止下载，请重新生成');
  return link.url;
}

/** The archive job: the workbook, then each form's records of the period in date order, each record's attachments in its order. */
export function archiveKind(deps: ArchiveDeps): JobKind {
  return {
    async run(job, ctx) {
      const input = job.input as unknown as ArchiveInput;
      const compilation = await deps.compilations.get(job.unit, input.compilationId);
      if (!compilation?.size) throw new Error(`archive: compilation ${input.compilationId} is gone`);
      const org = await deps.organisation(job.unit);
      const { start, end } = periodBounds(parsePeriod(input.period)!);
      const blobKey = keys.archiveFile(job.unit, job.id);
      const filename = `${org?.unit.shortName ?? job.unit}${input.period}档案包.zip`;
      const fallback = `taizhang-archive-${input.period}.zip`;
      await deps.archives.start({
        id: job.id,
        unit: job.unit,
        period: input.period,
        status: 'running',
        compilationId: compilation.id,
        blobKey,
        filename,
        createdAt: deps.now().toISOString(),
        createdBy: input.by,
      });
      // A first pass counts the attachments, for the progress bar.
      let total = 0;
      for (const form of deps.catalog.forms)
        for await (const r of deps.records.iterateByForm(job.unit, form.id, start, end)) total += r.attachments?.length ?? 0;
      ctx.progress(0, total);
      let done = 0;
      async function* items(): AsyncGenerator<ArchiveItem> {
        for (const form of deps.catalog.forms)
          for await (const r of deps.records.iterateByForm(job.unit, form.id, start, end))
            for (const attachment of r.attachments ?? []) {
              ctx.signal.throwIfAborted();
              yield {
                // The folder and number the workbook's 佐证材料目录 prints (functions/ledger/workbook.ts).
                recordNumber: recordLabel(r, form).text,
                ledgerName: form.ledgerTitle,
                attachment,
                open: () => deps.evidenceBlobs.open(evidenceKeys.kept(r.unit, r.id, attachment.id)),
              };
              ctx.progress(++done, total);
            }
      }
      try {
        const result = await writeArchive(
          { workbook: { name: compilation.filename, open: () => deps.blobs.stream(compilation.blobKey) }, items: items(), date: new Date(compilation.asOf ?? deps.now()) },
          deps.archiveSink(blobKey, contentDisposition(filename, fallback)),
        );
        await deps.archives.finish(job.unit, job.id, { ...result, attachments: done }, deps.now().toISOString());
      } catch (err) {
        // Only the integrity refusal's words are meant for people; anything else stays in the log.
        const reason = err instanceof EvidenceIntegrityError ? `档案包生成失败：${err.message}` : '档案包生成失败，请稍后重新生成';
        await deps.archives.fail(job.unit, job.id, reason, deps.now().toISOString());
        throw err;
      }
    },
    async abandoned(job, reason) {
      await deps.archives.fail(job.unit, job.id, reason, deps.now().toISOString());
    },
  };
}
