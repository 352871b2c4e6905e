/**
 * `npm run load`: starts the local stack (npm start's runner, on a fresh data folder) in a child
 * process and drives it from this one on 127.0.0.1: N submissions (default 2,000) at concurrency C
 * (default 50), each with an Idempotency-Key, 10% of them sent again (half of those at the same
 * moment as the first). Then it reconciles through the API: one record per key, none lost, none
 * extra, every history a single create. Bounded in count and in time; it stops by itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalKeys } from '../infra/local/jwt.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('requests', 2000);
const CONCURRENCY = arg('concurrency', 50);
const DEADLINE_MS = arg('seconds', 300) * 1000;
const started = Date.now();

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-load-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => {
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
};
const base: string = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('the local stack did not start in 60 s')), 60_000);
  child.stdout!.on('data', (c: Buffer) => {
    out += c;
    const m = /running: http:\/\/localhost:(\d+)/.exec(out);
    if (m && out.includes('token:')) {
      clearTimeout(timer);
      child.stdout!.resume();
      child.stdout!.removeAllListeners('data');
      resolve(`http://127.0.0.1:${m[1]}`);
    }
  });
  child.once('exit', (code) => reject(new Error(`the local stack exited ${code}`)));
});

const keys = await loadLocalKeys(join(dataDir, 'local-jwt-key.json'));
const submitters = ['li-na', 'wang-qiang', 'zhou-tao', 'wu-fang', 'huang-lei'];
const tokens = Object.fromEntries(
  await Promise.all(
    [...submitters, 'sun-li'].map(async (id) => [id, await keys.sign({ sub: id, unit: 'example-bureau', roles: id === 'sun-li' ? ['office'] : ['leader'] })]),
  ),
) as Record<string, string>;

const runId = `load-${started}`;
interface Job {
  key: string;
  user: string;
  body: string;
}
const jobs: Job[] = Array.from({ length: TOTAL }, (_, i) => ({
  key: `${runId}-${i}`,
  user: submitters[i % submitters.length]!,
  body: JSON.stringify({
    templateId: 'study-session',
    data: {
      sessionType: '党员大会',
      date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
      location: '压测会议室',
      format: '集中学习',
      topic: `${runId} 第 ${i} 次`,
      content: '负载测试写入的学习内容。',
      host: 'zhang-wei',
      expected: 10,
      attended: 9,
      recorder: 'sun-li',
    },
  }),
}));

const latencies: number[] = [];
const idsByKey = new Map<string, Set<string>>();
let failures = 0;
let sent = 0;

async function submit(job: Job): Promise<void> {
  if (Date.now() - started > DEADLINE_MS) throw new Error('deadline passed');
  const t = performance.now();
  sent++;
  const res = await fetch(`${base}/api/submissions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[job.user]}`, 'content-type': 'application/json', 'idempotency-key': job.key },
    body: job.body,
    signal: AbortSignal.timeout(30_000),
  });
  latencies.push(performance.now() - t);
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) {
    failures++;
    return;
  }
  const set = idsByKey.get(job.key) ?? new Set<string>();
  set.add(body.id);
  idsByKey.set(job.key, set);
}

// Every tenth job is sent twice: even ones at the same moment, odd ones again after the first answer.
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const i = next++;
    const job = jobs[i]!;
    if (i % 10 === 0) {
      if (i % 20 === 0) await Promise.all([submit(job), submit(job)]);
      else {
        await submit(job);
        await submit(job);
      }
    } else await submit(job);
  }
}

try {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);

  // Reconcile through the API, as the office would see it.
  const listed = new Map<string, number>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const q = new URLSearchParams({ scope: 'unit', templateId: 'study-session', period: '2026-01', limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${base}/api/submissions?${q}`, { headers: { authorization: `Bearer ${tokens['sun-li']}` } });
    const page = (await res.json()) as { items: { id: string; data: { topic: string } }[]; nextCursor?: string };
    for (const r of page.items) if (r.data.topic.startsWith(runId)) listed.set(r.id, (listed.get(r.id) ?? 0) + 1);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 1000);

  const duplicatedKeys = [...idsByKey.values()].filter((s) => s.size > 1).length;
  const answered = new Set([...idsByKey.values()].flatMap((s) => [...s]));
  const lost = [...answered].filter((id) => !listed.has(id)).length + (TOTAL - idsByKey.size);
  const extra = [...listed.keys()].filter((id) => !answered.has(id)).length + [...listed.values()].filter((n) => n > 1).length;

  let badHistories = 0;
  const sample = [...answered];
  for (let i = 0; i < sample.length; i += CONCURRENCY) {
    await Promise.all(
      sample.slice(i, i + CONCURRENCY).map(async (id) => {
        const res = await fetch(`${base}/api/submissions/${id}/history`, { headers: { authorization: `Bearer ${tokens['sun-li']}` } });
        const h = (await res.json()) as { items: { change: string }[] };
        if (h.items.length !== 1 || h.items[0]!.change !== 'create') badHistories++;
      }),
    );
  }

  console.log(`load: ${sent} requests (${TOTAL} submissions, ${sent - TOTAL} retries) at concurrency ${CONCURRENCY} in ${seconds.toFixed(1)} s`);
  console.log(`throughput: ${(sent / seconds).toFixed(0)} requests/s; latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; non-201 answers: ${failures}`);
  console.log(`reconciliation: ${listed.size} records for ${idsByKey.size} keys; ${lost} lost, ${extra} extra, ${duplicatedKeys} keys with two records, ${badHistories} inconsistent histories`);
  process.exitCode = lost || extra || duplicatedKeys || badHistories || failures ? 1 : 0;
} finally {
  stop();
}
