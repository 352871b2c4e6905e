/**
 * `npm run bench:archive [-- --files 2000 --gb 1 --repeat 3]`: the period's archive (档案包) of N
 * attachments totalling G gigabytes, each variant in its own child process (so peak RSS is its
 * own), in interleaved rounds (so a change in the machine's load hits them all alike).
 *
 *   bare      yazl alone: the same files added straight from disk, stored, to a file
 *   hashed    bare, plus the two SHA-256 passes the writer makes (each file against its record,
 *             and the whole zip for its own record): what the checks cost, apart from the writer
 *   archive   the archive writer: a workbook and every attachment through writeArchive (paths,
 *             per-blob size and SHA-256 check, the whole zip's SHA-256) to a file sink
 *   quarter   the archive writer over the first quarter of the bytes: peak RSS must not grow with size
 *
 * The files are real-typed (a real JPEG, PNG, PDF or DOCX at the front) and filled with random
 * bytes, which do not compress, as photos and scans do not. They are written to one temporary
 * directory (in /dev/shm where it has room: memory, so the disk's write-back on a shared machine
 * does not decide the figures; `--dir` to choose), each output zip is removed after its run, and
 * everything is removed at the end.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const FIXTURES = fileURLToPath(new URL('../tests/fixtures/evidence/', import.meta.url));
const KINDS = [
  { file: 'photo.jpg', name: '现场照片', ext: 'jpg', mime: 'image/jpeg', share: 5 },
  { file: 'photo.png', name: '签到表扫描件', ext: 'png', mime: 'image/png', share: 2 },
  { file: 'minutes.pdf', name: '会议纪要', ext: 'pdf', mime: 'application/pdf', share: 2 },
  { file: 'minutes.docx', name: '情况报告', ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', share: 1 },
];

type Variant = 'bare' | 'hashed' | 'archive' | 'quarter';
interface Measure {
  variant: Variant;
  files: number;
  bytes: number;
  ms: number;
  cpuMs: number;
  peakRss: number;
  startRss: number;
  zipBytes: number;
}
interface Manifest {
  dir: string;
  workbook: string;
  files: { path: string; name: string; mime: string; size: number; sha256: string; record: number }[];
}

// ───────────────────────────── data ─────────────────────────────

/** A small deterministic generator, so every run makes the same sizes. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function makeFiles(dir: string, count: number, totalBytes: number): Manifest {
  const rand = prng(20261201);
  const heads = KINDS.map((k) => readFileSync(join(FIXTURES, k.file)));
  const weights = KINDS.flatMap((k, i) => Array<number>(k.share).fill(i));
  // Sizes between 0.2 and 1.8 times the mean, scaled so they add up to the total exactly.
  const raw = Array.from({ length: count }, () => 0.2 + 1.6 * rand());
  const scale = totalBytes / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(8192, Math.round(r * scale)));
  sizes[count - 1]! += totalBytes - sizes.reduce((a, b) => a + b, 0);
  const filler = Buffer.alloc(4 << 20);
  for (let i = 0; i < filler.length; i += 4) filler.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  const files: Manifest['files'] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[weights[i % weights.length]!]!;
    const head = heads[KINDS.indexOf(kind)]!;
    const size = sizes[i]!;
    // A real file's head, then incompressible bytes from a different place in the filler each time.
    const start = Math.floor(rand() * (filler.length - size));
    const body = size <= filler.length ? filler.subarray(Math.max(0, start), Math.max(0, start) + size - head.length) : Buffer.alloc(size - head.length, i);
    const bytes = Buffer.concat([head, body]);
    const path = join(dir, `${String(i).padStart(5, '0')}.${kind.ext}`);
    writeFileSync(path, bytes);
    files.push({ path, name: `${kind.name}${i % 3}.${kind.ext}`, mime: kind.mime, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), record: Math.floor(i / 4) + 1 });
    if (i % 200 === 0) process.stderr.write(`\r  writing files ${i}/${count}…`);
  }
  process.stderr.write(`\r  wrote ${count} files, ${(totalBytes / 2 ** 30).toFixed(2)} GiB${' '.repeat(20)}\n`);
  return { dir, workbook: join(FIXTURES, 'sign-in.xlsx'), files };
}

// ───────────────────────────── children ─────────────────────────────

async function runBare(m: Manifest, out: string) {
  const yazl = (await import('yazl')).default;
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(out));
  zip.addFile(m.workbook, 'ledger.xlsx', { compress: false });
  for (const f of m.files) zip.addFile(f.path, `${f.record}/${f.name}`, { compress: false });
  zip.end();
  await done;
}

async function runHashed(m: Manifest, out: string) {
  const yazl = (await import('yazl')).default;
  const { createWriteStream } = await import('node:fs');
  const { Transform } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  const hashing = (expected?: string) => {
    const h = createHash('sha256');
    return new Transform({
      transform(chunk: Buffer, _e, done) {
        h.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        const hex = h.digest('hex');
        done(expected && hex !== expected ? new Error('sha256') : null);
      },
    });
  };
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream, hashing(), createWriteStream(out));
  zip.addFile(m.workbook, 'ledger.xlsx', { compress: false });
  for (const f of m.files) zip.addReadStreamLazy(`${f.record}/${f.name}`, { compress: false }, (cb) => cb(null, createReadStream(f.path).pipe(hashing(f.sha256))));
  zip.end();
  await done;
}

async function runArchive(m: Manifest, out: string, share: number) {
  const { writeArchive, fileSink } = await import('../functions/ledger/archive.js');
  const files = m.files.slice(0, Math.round(m.files.length * share));
  const date = new Date('2026-12-01T01:00:00+08:00');
  async function* items() {
    for (const f of files)
      yield {
        recordNumber: `学习-2026-${String(f.record).padStart(3, '0')}`,
        ledgerName: '理论学习记录',
        attachment: { id: f.path, name: f.name, type: f.mime, size: f.size, sha256: f.sha256, addedAt: date.toISOString(), addedBy: 'bench' },
        open: async () => createReadStream(f.path),
      };
  }
  const result = await writeArchive({ workbook: { name: '2026年意识形态工作台账.xlsx', open: async () => createReadStream(m.workbook) }, items: items(), date }, fileSink(out));
  if (result.entries !== files.length + 1) throw new Error(`archive has ${result.entries} entries`);
}

function highWaterMark(): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

async function child(variant: Variant) {
  const m = JSON.parse(readFileSync(opt('manifest')!, 'utf8')) as Manifest;
  const out = join(m.dir, `out-${variant}.zip`);
  // Libraries loaded before the clock starts, as a warm worker has them.
  if (variant === 'bare' || variant === 'hashed') await import('yazl');
  else await import('../functions/ledger/archive.js');
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    if (variant === 'bare') await runBare(m, out);
    else if (variant === 'hashed') await runHashed(m, out);
    else await runArchive(m, out, variant === 'quarter' ? 0.25 : 1);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    const { statSync } = await import('node:fs');
    const files = variant === 'quarter' ? Math.round(m.files.length * 0.25) : m.files.length;
    const bytes = m.files.slice(0, files).reduce((a, f) => a + f.size, 0);
    const r: Measure = { variant, files, bytes, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss: Math.max(peak, highWaterMark()), startRss, zipBytes: statSync(out).size };
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } finally {
    rmSync(out, { force: true });
    rmSync(`${out}.part`, { force: true });
  }
}

// ───────────────────────────── parent ─────────────────────────────

function runChild(variant: Variant, manifest: string): Promise<Measure> {
  const argv = [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', variant, '--manifest', manifest];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as Measure) : reject(new Error(`${variant} exited ${code}`))));
  });
}

const median = (ms: Measure[]) => [...ms].sort((a, b) => a.ms - b.ms)[Math.floor(ms.length / 2)]!;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

async function main() {
  const variant = opt('child') as Variant | undefined;
  if (variant) return child(variant);
  const count = Number(opt('files') ?? 2000);
  const total = Math.round(Number(opt('gb') ?? 1) * 2 ** 30);
  const repeat = Number(opt('repeat') ?? 3);
  // The inputs, one output at a time, and room to spare.
  const need = total * 2.2;
  const free = (d: string) => {
    try {
      const { bavail, bsize } = statfsSync(d);
      return bavail * bsize;
    } catch {
      return 0;
    }
  };
  const root = opt('dir') ?? (free('/dev/shm') >= need * 2 ? '/dev/shm' : tmpdir());
  if (free(root) < need) throw new Error(`bench:archive needs ${mib(need)} free in ${root}, has ${mib(free(root))}`);
  const dir = mkdtempSync(join(root, 'bench-archive-'));
  try {
    mkdirSync(dir, { recursive: true });
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify(makeFiles(dir, count, total)));
    console.log(`archive benchmark: ${count.toLocaleString('en')} attachments, ${mib(total)} (JPEG/PNG/PDF/DOCX heads, incompressible bodies), stored, in ${root}; median of ${repeat}`);
    const all = new Map<Variant, Measure[]>([['bare', []], ['hashed', []], ['archive', []], ['quarter', []]]);
    for (let i = 0; i < repeat; i++) for (const v of all.keys()) all.get(v)!.push(await runChild(v, manifest));
    const [bare, hashed, archive, quarter] = [...all.values()].map(median) as [Measure, Measure, Measure, Measure];
    const mbps = (m: Measure) => (m.bytes / 2 ** 20 / (m.ms / 1000)).toFixed(0);
    const line = (label: string, m: Measure, note = '') =>
      console.log(
        `  ${label.padEnd(28)} ${(m.ms / 1000).toFixed(2).padStart(6)} s (cpu ${(m.cpuMs / 1000).toFixed(2)} s) ${mbps(m).padStart(5)} MB/s  ${String(m.files).padStart(5)} files ${mib(m.bytes).padStart(8)}  peak RSS ${mib(m.peakRss).padStart(6)} (start ${mib(m.startRss)})  zip ${mib(m.zipBytes)}  ${note}`,
      );
    const ratio = archive.ms / bare.ms;
    const overHashed = archive.ms / hashed.ms;
    const growth = archive.peakRss - quarter.peakRss;
    const mark = (ok: boolean) => (ok ? '✓' : '✗');
    line('bare yazl, files from disk', bare);
    line('bare yazl + the two SHA-256', hashed, `${(hashed.ms / bare.ms).toFixed(2)}× bare (cpu ${(hashed.cpuMs / bare.cpuMs).toFixed(2)}×)`);
    line('archive writer (quarter)', quarter);
    line('archive writer', archive, `${ratio.toFixed(2)}× bare ${mark(ratio <= 1.2)} (cpu ${(archive.cpuMs / bare.cpuMs).toFixed(2)}×)  ${overHashed.toFixed(2)}× bare+SHA-256 ${mark(overHashed <= 1.2)} (cpu ${(archive.cpuMs / hashed.cpuMs).toFixed(2)}×)  peak ≤ 256 MB ${mark(archive.peakRss <= 256 * 2 ** 20)}  growth from ${mib(quarter.bytes)} ${growth >= 0 ? '+' : ''}${mib(growth)} ${mark(growth <= 16 * 2 ** 20)}`);
    console.log('\n| attachments | total | archive | × bare (cpu) | × bare + SHA-256 (cpu) | archive peak RSS | at a quarter of the bytes | bare |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(`| ${count.toLocaleString('en')} | ${mib(total)} | ${(archive.ms / 1000).toFixed(1)} s, ${mbps(archive)} MB/s | ${ratio.toFixed(2)} (${(archive.cpuMs / bare.cpuMs).toFixed(2)}) | ${overHashed.toFixed(2)} (${(archive.cpuMs / hashed.cpuMs).toFixed(2)}) | ${mib(archive.peakRss)} | ${mib(quarter.peakRss)} (${mib(quarter.bytes)}) | ${(bare.ms / 1000).toFixed(1)} s, ${mbps(bare)} MB/s, ${mib(bare.peakRss)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
