/**
 * `npm run bench [-- --rows 10000,100000,300000] [--repeat 3] [--no-store] [--no-job]` (or BENCH_ROWS=…):
 * measures the ledger workbook at N records, each variant in its own child process so that peak
 * RSS belongs to that variant alone.
 *
 * (a) the workbook writer alone, records already in memory → .xlsx, against a bare exceljs
 *     streaming write of the same rows with no styles, and against a lower bound that only builds
 *     the sheet XML and deflates it with zlib level 1;
 * (b) the whole compilation from the store (in-memory dynalite, paged Query, upload to a local
 *     blob directory), against a bare paged Query of the same items plus (a).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createDeflateRaw } from 'node:zlib';
import { readCatalog } from '../functions/core/templates/catalog.js';
import type { CompilationDeps } from '../functions/core/ledger/compilation.js';
import { detailFormatter, ledgerColumns, recordLabel, rowFormatter, type LedgerValue } from '../functions/core/ledger/layout.js';
import { splitForRows } from '../functions/core/ledger/print.js';
import type { Period } from '../functions/core/periods.js';
import { pendingContent } from '../functions/ledger/content.js';
import { benchData } from './data.js';

// Each child loads only what its variant uses, so its RSS is not inflated by the others' libraries.
const exceljs = async () => (await import('exceljs')).default;
const dynamo = async () => ({
  ...(await import('@aws-sdk/lib-dynamodb')),
  ...(await import('../functions/store/client.js')),
  ...(await import('../functions/store/records.js')),
});

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const catalog = readCatalog(process.env.TEMPLATES_DIR ?? 'templates');
const YEAR: Period = { kind: 'year', year: 2026, index: 1 };
const AS_OF = '2026-12-31';
const TABLE = 'bench';

type Variant = 'format' | 'bound' | 'bare' | 'writer' | 'query' | 'compile' | 'job';
interface Measure {
  variant: Variant;
  rows: number;
  ms: number;
  /** CPU time of the process (main thread and zlib's threads; for a job, the worker's) while measured: steadier than wall time on a busy machine. */
  cpuMs: number;
  peakRss: number;
  startRss: number;
  heapAfter: number;
  size?: number;
}

// ───────────────────────────── children: one variant each ─────────────────────────────

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const x of items) yield x;
}

/** The rows the ledger writer would write, made the same way: records through the row formatter. */
async function* formattedRows(data: ReturnType<typeof benchData>, f: number): AsyncGenerator<LedgerValue[]> {
  const format = rowFormatter(data.forms[f]!, data.org);
  let j = 0;
  for (const r of data.records(f)) yield format(r, ++j);
}

/**
 * The detail's rows the writer writes for the same records (記录详情): a block head, then each
 * field's label and value split into row-sized pieces. The bare and bound variants write them too,
 * so that every variant writes the same text.
 */
async function* detailRows(data: ReturnType<typeof benchData>): AsyncGenerator<LedgerValue[]> {
  for (let f = 0; f < data.forms.length; f++) {
    const form = data.forms[f]!;
    const details = detailFormatter(form, data.org);
    for (const r of data.records(f)) {
      yield [`记录编号：${recordLabel(r, form).text}`];
      for (const line of details(r)) for (const p of splitForRows(line.value, 80)) yield [line.label, p.text];
    }
  }
}

/** Only making the records and formatting them: the share of every variant that is not writing. */
async function runFormat(n: number) {
  const data = benchData(catalog, n);
  let cells = 0;
  for (let f = 0; f < data.forms.length; f++) for await (const row of formattedRows(data, f)) cells += row.length;
  for await (const row of detailRows(data)) cells += row.length;
  if (cells === 0 && n > 0) throw new Error('no rows');
}

async function runWriter(n: number, file: string) {
  const data = benchData(catalog, n);
  const { writeWorkbook } = await import('../functions/ledger/workbook.js');
  await writeWorkbook(
    {
      org: data.org,
      period: YEAR,
      asOf: AS_OF,
      compiledAt: new Date('2027-01-01T01:00:00+08:00'),
      compiledBy: 'bench',
      trigger: 'scheduled',
      content: await pendingContent({ organisation: async () => data.org })(data.org.unit.id, '2026', AS_OF),
      ledgers: data.forms.map((form, f) => ({ form, records: () => asAsync(data.records(f)) })),
    },
    file,
  );
}

async function runBare(n: number, file: string) {
  const data = benchData(catalog, n);
  const ExcelJS = await exceljs();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  for (let f = 0; f < data.forms.length; f++) {
    const ws = wb.addWorksheet(data.forms[f]!.title);
    for await (const row of formattedRows(data, f)) ws.addRow(row).commit();
    ws.commit();
  }
  const detail = wb.addWorksheet('记录详情');
  for await (const row of detailRows(data)) detail.addRow(row).commit();
  detail.commit();
  await wb.commit();
}

const ESC = /[&<>]/g;
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const letters = (n: number) => Array.from({ length: n }, (_, i) => (i < 26 ? '' : String.fromCharCode(64 + Math.floor(i / 26))) + String.fromCharCode(65 + (i % 26)));

/** The lower bound: sheet XML by hand (inline strings, no styles), deflated at level 1 to a file. */
async function runBound(n: number, file: string) {
  const data = benchData(catalog, n);
  const deflate = createDeflateRaw({ level: 1 });
  const out = createWriteStream(file);
  deflate.pipe(out);
  // Waits only when megabytes are queued, so building XML here and deflating on zlib's thread overlap.
  const write = async (text: string) => {
    deflate.write(text);
    if (deflate.writableLength > 4 << 20) await once(deflate, 'drain');
  };
  const sheet = async (cols: string[], rows: AsyncGenerator<LedgerValue[]>) => {
    let buf = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    let r = 3;
    for await (const row of rows) {
      r++;
      buf += `<row r="${r}">`;
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        if (v === null || v === undefined) continue;
        if (typeof v === 'number') buf += `<c r="${cols[c]}${r}"><v>${v}</v></c>`;
        else if (v instanceof Date) buf += `<c r="${cols[c]}${r}"><v>${v.getTime() / 86_400_000 + 25_569}</v></c>`;
        else buf += `<c r="${cols[c]}${r}" t="inlineStr"><is><t xml:space="preserve">${v.replace(ESC, (ch) => escapes[ch]!)}</t></is></c>`;
      }
      buf += '</row>';
      if (buf.length > 65_536) {
        await write(buf);
        buf = '';
      }
    }
    await write(`${buf}</sheetData></worksheet>`);
  };
  for (let f = 0; f < data.forms.length; f++) await sheet(letters(ledgerColumns(data.forms[f]!).length), formattedRows(data, f));
  await sheet(letters(2), detailRows(data));
  deflate.end();
  await finished(out);
}

async function runQuery(n: number, endpoint: string) {
  const { createDocumentClient, dynamoRecordStore } = await dynamo();
  // The compilation's page size, so that the Query is the one it makes.
  const { PAGE_SIZE } = await import('../functions/ledger/compile.js');
  const doc = createDocumentClient({ region: 'local', endpoint });
  const store = dynamoRecordStore(doc, TABLE);
  let count = 0;
  for (const form of catalog.forms)
    for await (const r of store.iterateByForm(catalog.exampleOrganisation.unit.id, form.id, '2026-01-01', AS_OF, PAGE_SIZE)) if (r.id) count++;
  doc.destroy();
  if (count !== n) throw new Error(`query read ${count} records, expected ${n}`);
}

async function runCompile(n: number, endpoint: string, dir: string) {
  const { createDocumentClient, dynamoRecordStore } = await dynamo();
  const { dynamoCompilationStore } = await import('../functions/store/compilations.js');
  const { localBlobStore } = await import('../functions/store/blobs.js');
  const { compileLedgers } = await import('../functions/ledger/compile.js');
  const { dynamoScoreStore } = await import('../functions/store/scores.js');
  const { logNotifier } = await import('../functions/notifiers.js');
  const doc = createDocumentClient({ region: 'local', endpoint });
  const org = catalog.exampleOrganisation;
  const records = dynamoRecordStore(doc, TABLE);
  const scores = dynamoScoreStore(doc, TABLE);
  const { complianceContent } = await import('../functions/ledger/compliance-content.js');
  const deps: CompilationDeps = {
    catalog,
    records,
    scores,
    notifier: logNotifier(),
    organisation: async () => org,
    now: () => new Date(),
    compilations: dynamoCompilationStore(doc, TABLE),
    blobs: localBlobStore(dir),
    // The real cover, assessment and monthly figures: one more paged read of every form.
    content: complianceContent({ catalog, records, scores, organisation: async () => org }),
  };
  const done = await compileLedgers(deps, { unit: org.unit.id, period: YEAR, asOf: AS_OF, trigger: 'scheduled', by: { id: 'bench', name: 'bench' } });
  doc.destroy();
  const rows = done.sheets!.reduce((a, s) => a + (s.templateId ? s.rows : 0), 0);
  if (rows !== n) throw new Error(`compiled ${rows} rows, expected ${n}`);
  return done.size!;
}

/**
 * The same compilation as a job, end to end: POST /api/compilations through the local HTTP adapter,
 * the worker in its own (warm) child process as `npm start` runs it, polled until done. Returns
 * the worker's peak RSS, sampled from /proc while it runs.
 */
async function runJob(n: number, endpoint: string, dir: string): Promise<{ size: number; workerPeak: number; ms: number; workerCpuMs: number }> {
  const { startLocalWorker } = await import('../infra/local/worker.js');
  const { createApiServer } = await import('../infra/local/adapter.js');
  const { newLocalKeys } = await import('../infra/local/jwt.js');
  const { claimsFor } = await import('../infra/local/users.js');
  const { findPerson } = await import('../functions/core/roster/organisation.js');
  const org = catalog.exampleOrganisation;
  const worker = await startLocalWorker({ tmpRoot: join(dir, 'tmp'), log: () => {} });
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'local',
    BLOB_DIR: dir,
    BLOB_SIGNING_KEY: 'bench-signing-key-bench-signing-key-0123',
    WORKER_FUNCTION: worker.functionName,
    LAMBDA_ENDPOINT: worker.endpoint,
    // After the year, so the job compiles all of 2026 as the in-process variant does.
    CLOCK_FIXED: '2027-01-15T04:00:00.000Z',
  });
  const keys = await newLocalKeys();
  const server = await createApiServer({ keys, log: () => {} });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  const auth = { authorization: `Bearer ${await keys.sign(claimsFor(findPerson(org, 'sun-li')!))}` };
  // A warm sandbox, as a job finds the worker in use; its start-up is not the compilation's cost.
  // A sweep (nothing to repair or reap yet) loads the handler and its clients, as a first event would.
  worker.invoke({ type: 'sweep' });
  await worker.idle();
  // The warm worker's CPU time so far (its loading), taken off what it has used once the job is done.
  const before = new Map(childPids().map((pid) => [pid, cpuTime(pid)]));
  let workerPid: number | undefined;
  const t0 = performance.now();
  const res = await fetch(`${url}/api/compilations`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ period: '2026' }) });
  if (res.status !== 202) throw new Error(`POST /api/compilations answered ${res.status}: ${await res.text()}`);
  const location = res.headers.get('location')!;
  let workerPeak = 0;
  let job: { status: string; compilation?: { size: number; sheets: { templateId?: string; rows: number }[] } };
  for (;;) {
    for (const r of worker.running()) {
      workerPid = r.pid;
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${r.pid}/status`, 'utf8'))?.[1];
      if (kb) workerPeak = Math.max(workerPeak, Number(kb) * 1024);
    }
    job = (await (await fetch(url + location, { headers: auth })).json()) as typeof job;
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const ms = performance.now() - t0;
  // The worker stays warm after the job, so its CPU time can still be read.
  const workerCpuMs = workerPid ? cpuTime(workerPid) - (before.get(workerPid) ?? 0) : 0;
  await worker.stop(2000);
  server.closeAllConnections();
  server.close();
  if (job.status !== 'done') throw new Error(`job ${job.status}`);
  const rows = job.compilation!.sheets.reduce((a, s) => a + (s.templateId ? s.rows : 0), 0);
  if (rows !== n) throw new Error(`job compiled ${rows} rows, expected ${n}`);
  process.stderr.write(`  job: ${(ms / 1000).toFixed(2)} s from request to done, worker peak RSS ${(workerPeak / 1024 / 1024).toFixed(0)} MB\n`);
  return { size: job.compilation!.size, workerPeak, ms, workerCpuMs };
}

/** This process's children (the local worker's sandboxes among them). */
function childPids(): number[] {
  const text = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

/** A process's CPU time in ms, all its threads (utime + stime of /proc/<pid>/stat, in 10 ms ticks). */
function cpuTime(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The kernel's high-water mark of this process's memory (VmHWM), which catches peaks between
 * samples when a busy loop delays the timer. Not getrusage's maxRSS: on Linux that carries over the
 * parent's peak from before exec, and the parent holds the whole in-memory store.
 */
function highWaterMark(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function child(variant: Variant) {
  const n = Number(opt('rows'));
  const dir = mkdtempSync(join(tmpdir(), `bench-${variant}-`));
  const file = join(dir, 'out.xlsx');
  // Build the text corpus and load the variant's libraries before the clock starts (a Lambda has
  // its libraries loaded at cold start).
  benchData(catalog, 1).records(0).next();
  if (variant === 'writer') await import('../functions/ledger/workbook.js');
  if (variant === 'bare') await exceljs();
  if (variant === 'query' || variant === 'compile') await dynamo();
  // The Query variant takes its page size from there too.
  if (variant === 'compile' || variant === 'query') await import('../functions/ledger/compile.js');
  let workerPeak = 0;
  let jobMs: number | undefined;
  let workerCpuMs: number | undefined;
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let size: number | undefined;
  try {
    if (variant === 'writer') await runWriter(n, file);
    else if (variant === 'bare') await runBare(n, file);
    else if (variant === 'bound') await runBound(n, file);
    else if (variant === 'format') await runFormat(n);
    else if (variant === 'query') await runQuery(n, opt('endpoint')!);
    else if (variant === 'job') ({ size, workerPeak, ms: jobMs, workerCpuMs } = await runJob(n, opt('endpoint')!, dir));
    else size = await runCompile(n, opt('endpoint')!, dir);
    // A job is timed from its request to done, without starting the adapter and warming the worker.
    const ms = jobMs ?? performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    if (size === undefined && variant !== 'query' && variant !== 'format') size = statSync(file).size;
    // For a job, the peak that matters is the worker's, where the compilation runs.
    const peakRss = variant === 'job' ? workerPeak : Math.max(peak, highWaterMark());
    // What is still alive once the work is done: it does not grow with N if nothing leaks.
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    // For a job, the CPU that matters is the worker's too.
    const m: Measure = { variant, rows: n, ms, cpuMs: workerCpuMs ?? (cpu.user + cpu.system) / 1000, peakRss, startRss, heapAfter, size };
    process.stdout.write(`${JSON.stringify(m)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ───────────────────────────── parent: seed, run, report ─────────────────────────────

function runChild(variant: Variant, n: number, endpoint?: string): Promise<Measure> {
  const script = fileURLToPath(import.meta.url);
  const argv = [...process.execArgv, '--expose-gc', script, '--child', variant, '--rows', String(n), ...(endpoint ? ['--endpoint', endpoint] : [])];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${variant} at ${n} rows exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as Measure);
    });
  });
}

async function seed(endpoint: string, n: number) {
  const { createDocumentClient, ensureTable, headItem, BatchWriteCommand } = await dynamo();
  const doc = createDocumentClient({ region: 'local', endpoint });
  await ensureTable(doc, TABLE);
  const { prepareTable } = await import('../infra/local/setup.js');
  // The organisation in the table: the job reads it there, as the API does.
  await prepareTable(endpoint, TABLE, [catalog.exampleOrganisation]);
  const data = benchData(catalog, n);
  const t0 = Date.now();
  let written = 0;
  const queue = (function* () {
    for (let f = 0; f < data.forms.length; f++) {
      let batch: Record<string, unknown>[] = [];
      for (const r of data.records(f)) {
        batch.push(headItem(r));
        if (batch.length === 25) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    }
  })();
  const worker = async () => {
    for (const batch of queue) {
      let items = batch.map((Item) => ({ PutRequest: { Item } }));
      while (items.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items } }));
        items = (out.UnprocessedItems?.[TABLE] ?? []) as typeof items;
      }
      written += batch.length;
      if (written % 5000 < 25) process.stderr.write(`\r  seeding ${written.toLocaleString('en')}/${n.toLocaleString('en')} records…`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  doc.destroy();
  process.stderr.write(`\r  seeded ${n.toLocaleString('en')} records in ${((Date.now() - t0) / 1000).toFixed(0)} s${' '.repeat(20)}\n`);
}

const median = (ms: Measure[]) => [...ms].sort((a, b) => a.ms - b.ms)[Math.floor(ms.length / 2)]!;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(b < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (m: Measure) => Math.round(m.rows / (m.ms / 1000)).toLocaleString('en');

function shape(n: number) {
  const data = benchData(catalog, Math.min(n, 4000));
  let chars = 0;
  let cols = 0;
  let rows = 0;
  data.forms.forEach((form, f) => {
    const format = rowFormatter(form, data.org);
    for (const r of data.records(f)) {
      const row = format(r, 1);
      rows++;
      cols += row.length;
      for (const v of row) if (typeof v === 'string') chars += v.length;
    }
  });
  return { chars: Math.round(chars / rows), cols: Math.round(cols / rows), sheets: data.forms.length };
}

async function main() {
  const child_ = opt('child') as Variant | undefined;
  if (child_) return child(child_);
  const rowsList = (opt('rows') ?? process.env.BENCH_ROWS ?? '10000,100000').split(',').map((s) => Number(s.replace(/k$/i, '000')));
  const repeat = Number(opt('repeat') ?? process.env.BENCH_REPEAT ?? 1);
  const withStore = !args.includes('--no-store');
  // The job variant runs whenever the store does; --no-job leaves it out.
  const withJob = !args.includes('--no-job');
  const s = shape(rowsList[0]!);
  console.log(`ledger benchmark: ${s.sheets} form sheets, about ${s.cols} columns and ${s.chars} characters of text a row; median of ${repeat}`);
  const summary: string[] = [];
  for (const n of rowsList) {
    /** Runs the variants in turn, `repeat` rounds, so a change in the machine's load hits them all alike. */
    const rounds = async (variants: Variant[], endpoint?: string) => {
      const all = new Map<Variant, Measure[]>(variants.map((v) => [v, []]));
      for (let i = 0; i < repeat; i++) for (const v of variants) all.get(v)!.push(await runChild(v, n, endpoint));
      return variants.map((v) => median(all.get(v)!));
    };
    console.log(`\n${n.toLocaleString('en')} records`);
    const [format, bound, bare, writer] = (await rounds(['format', 'bound', 'bare', 'writer'])) as [Measure, Measure, Measure, Measure];
    let query: Measure | undefined;
    let whole: Measure | undefined;
    let job: Measure | undefined;
    if (withStore) {
      const { startEmbeddedStore } = await import('../infra/local/embedded-store.js');
      const store = await startEmbeddedStore();
      try {
        await seed(store.endpoint, n);
        [query, whole, job] = await rounds(withJob ? ['query', 'compile', 'job'] : ['query', 'compile'], store.endpoint);
      } finally {
        await store.close();
      }
    }
    const line = (label: string, m: Measure, ratio = '') =>
      console.log(
        `  ${label.padEnd(30)} ${secs(m.ms).padStart(9)} (cpu ${secs(m.cpuMs).padStart(7)}) ${rate(m).padStart(9)} rows/s  peak RSS ${mb(m.peakRss).padStart(7)} (start ${mb(m.startRss)}, heap after ${mb(m.heapAfter)})${m.size ? `  file ${mb(m.size).padStart(6)}` : ''.padEnd(13)}  ${ratio}`,
      );
    const mark = (ok: boolean) => (ok ? '✓' : '✗');
    const vsBare = writer.ms / bare.ms;
    const vsBound = writer.ms / bound.ms;
    line('    making + formatting records', format, '(part of every (a) variant)');
    line('(a) zlib level-1 lower bound', bound);
    line('(a) bare exceljs, no styles', bare, `${(bare.ms / bound.ms).toFixed(2)}× bound`);
    line('(a) ledger writer', writer, `${vsBare.toFixed(2)}× bare ${mark(vsBare <= 1.3)}  ${vsBound.toFixed(2)}× bound ${mark(vsBound <= 2.5)}`);
    let vsBase: number | undefined;
    if (query && whole) {
      vsBase = whole.ms / (query.ms + writer.ms);
      line('(b) paged Query only', query);
      line('(b) whole compilation', whole, `${vsBase.toFixed(2)}× (Query + writer = ${secs(query.ms + writer.ms)}) ${mark(vsBase <= 1.3)}`);
    }
    if (job && whole) {
      const vsWhole = job.ms / whole.ms;
      line(
        '(c) as a job, request → done',
        job,
        `${vsWhole.toFixed(2)}× in-process ${mark(vsWhole <= 1.1)} (cpu ${(job.cpuMs / whole.cpuMs).toFixed(2)}×)  worker peak RSS ${mark(job.peakRss <= 256 * 1024 * 1024)}`,
      );
    }
    summary.push(
      `| ${n.toLocaleString('en')} | ${rate(writer)} | ${mb(writer.peakRss)} | ${mb(writer.size!)} | ${vsBare.toFixed(2)} | ${vsBound.toFixed(2)} | ${rate(bare)} / ${mb(bare.peakRss)} | ${rate(bound)} / ${mb(bound.peakRss)} | ${
        whole && query ? `${rate(whole)} / ${mb(whole.peakRss)} | ${rate(query)} | ${vsBase!.toFixed(2)}` : '– | – | –'
      } |`,
    );
  }
  console.log('\n| records | writer rows/s | writer peak RSS | file | ×bare | ×bound | bare rows/s / RSS | bound rows/s / RSS | compile rows/s / RSS | Query rows/s | compile ×(Query+writer) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of summary) console.log(l);
}

await main();
