/**
 * One compilation from start to finish: record it as running, ask for the cover, assessment and
 * summary content, stream every form's records from the store into a workbook in a temporary
 * file, hash it, upload it, mark the run done, and only then make it the period's current one.
 * A run that fails or crashes at any step is never current.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { compilationId, XLSX_TYPE, type Compilation, type CompilationDeps, type Trigger } from '../core/ledger/compilation.js';
import { compilationFilename, planOrder, rangeLabel } from '../core/ledger/layout.js';
import { formatPeriod, periodBounds, type Period } from '../core/periods.js';
import { keys } from '../store/keys.js';
import { writeWorkbook } from './workbook.js';

export interface CompileRequest {
  unit: string;
  period: Period;
  /** The last day counted, `YYYY-MM-DD` (the period's end, or today for the current period). */
  asOf: string;
  trigger: Trigger;
  by: { id: string; name: string };
  /** Rows written so far, and the total when `estimate` asked for one. */
  onProgress?(rows: number, total: number | undefined): void;
  /** Count the records first so that progress has a total (costs one COUNT query per form). */
  estimate?: boolean;
  /** The compilation's id when a job chose it (a retry of the job reuses it); new otherwise. */
  id?: string;
  /** Stops the writing at the next progress point (a worker told to stop, or one that lost its job). */
  signal?: AbortSignal;
}

/**
 * Workbooks are written here first, in a directory only this user may enter, each file 0600: they
 * hold a unit's records. A worker clears it when it starts (functions/worker.ts), since a killed
 * run cannot remove its own file.
 */
export const WORK_DIR_NAME = 'taizhang-jobs';
// Only the temp root is read here (WORK_TMPDIR, listed in config.ts): compiling needs no table or
// bucket settings of its own, and tests and benchmarks compile without them.
export const workDir = (root = process.env.WORK_TMPDIR) => join(root || tmpdir(), WORK_DIR_NAME);

/**
 * Records of one form are read this many at a time, and up to two pages are read ahead. Kept small
 * for memory, not speed: the detail spends so long on each record that, with 250 a page and 500
 * ahead, records waited through two young-generation collections, were promoted, and piled up as
 * old garbage with their buffers (bench/ledger.ts, 100,000 records in-process: peak RSS 279 MB;
 * with 100, 211 MB).
 */
export const PAGE_SIZE = 100;

const nextUlid = monotonicFactory();

/**
 * Reads ahead of the writer: up to `max` items are fetched while earlier ones are being written,
 * so the store's next page is on its way while this one turns into rows.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let head = 0;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stop = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const pump = (async () => {
    try {
      while (!stop) {
        if (buffer.length - head >= max) await new Promise<void>((r) => (wakeProducer = r));
        if (stop) break;
        const next = await it.next();
        if (next.done) break;
        buffer.push(next.value);
        wakeConsumer?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wakeConsumer?.();
    }
  })();
  try {
    for (;;) {
      if (head < buffer.length) {
        const value = buffer[head++]!;
        // Compact now and then rather than shifting every item.
        if (head > 1024) {
          buffer.splice(0, head);
          head = 0;
        }
        wakeProducer?.();
        wakeProducer = undefined;
        yield value;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((r) => (wakeConsumer = r));
      wakeConsumer = undefined;
    }
  } finally {
    stop = true;
    wakeProducer?.();
    await pump;
    // Closes the source when the writer stopped early (an error); a no-op once it is exhausted.
    await it.return?.(undefined);
  }
}

/** Compiles one unit's ledgers for a period and returns the finished compilation's metadata. */
export async function compileLedgers(deps: CompilationDeps, req: CompileRequest): Promise<Compilation & { current: boolean }> {
  const org = await deps.organisation(req.unit);
  if (!org) throw new Error(`unit ${req.unit} has no organisation`);
  const period = formatPeriod(req.period);
  const { start } = periodBounds(req.period);
  const startedAt = deps.now();
  const id = req.id ?? compilationId(period, nextUlid(startedAt.getTime()));
  // Every compilation repairs first: a head that a crash left behind is rolled forward before counting.
  await deps.records.repairInFlight?.(req.unit);
  const meta: Compilation = {
    id,
    unit: req.unit,
    period,
    asOf: req.asOf,
    trigger: req.trigger,
    by: req.by.id,
    byName: req.by.name,
    status: 'running',
    startedAt: startedAt.toISOString(),
    blobKey: keys.compilationFile(req.unit, id),
    filename: compilationFilename(rangeLabel(req.period, req.asOf)),
  };
  await deps.compilations.start(meta);
  const dir = workDir();
  const file = join(dir, `${id}.xlsx`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Created empty first with 0600: the writer's open keeps the mode of a file that exists.
    await writeFile(file, '', { mode: 0o600 });
    const forms = planOrder(deps.catalog.forms, deps.catalog.obligations.obligations);
    const count = deps.records.countByForm?.bind(deps.records);
    // Aggregates first: the cover is the first sheet written, and a sheet cannot be revisited. The
    // figures' read counts the records of the forms it reads, so only the others are counted for
    // the progress bar (on the embedded store a COUNT costs as much as reading). Each record is
    // written twice: its ledger row and its block in the detail.
    const content = await deps.content(req.unit, period, req.asOf);
    const known = content.recordCounts ?? {};
    const total =
      req.estimate && count
        ? 2 * (await Promise.all(forms.map((f) => known[f.id] ?? count(req.unit, f.id, start, req.asOf)))).reduce((a, b) => a + b, 0)
        : undefined;
    req.onProgress?.(0, total);
    const result = await writeWorkbook(
      {
        org,
        period: req.period,
        asOf: req.asOf,
        compiledAt: startedAt,
        compiledBy: req.by.name,
        trigger: req.trigger,
        content,
        ledgers: forms.map((form) => ({
          form,
          records: () => readAhead(deps.records.iterateByForm(req.unit, form.id, start, req.asOf, PAGE_SIZE), 2 * PAGE_SIZE),
        })),
        onProgress: (rows) => {
          req.signal?.throwIfAborted();
          req.onProgress?.(rows, total);
        },
      },
      file,
    );
    await deps.blobs.put(meta.blobKey, file, XLSX_TYPE, result.sha256);
    const done: Compilation = {
      ...meta,
      status: 'done',
      completedAt: deps.now().toISOString(),
      sheets: result.sheets,
      size: result.size,
      sha256: result.sha256,
    };
    await deps.compilations.finish(done);
    const moved = await deps.compilations.makeCurrent(done);
    if (moved.current) {
      if (moved.other) await deps.compilations.markSuperseded(req.unit, moved.other, id);
      return { ...done, ...(moved.other ? { supersedes: moved.other } : {}), current: true };
    }
    if (moved.other) await deps.compilations.markSuperseded(req.unit, id, moved.other);
    return { ...done, ...(moved.other ? { supersededBy: moved.other } : {}), current: false };
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await deps.compilations.fail(req.unit, id, message.slice(0, 500), deps.now().toISOString()).catch(() => {});
    throw err;
  } finally {
    await rm(file, { force: true });
  }
}
