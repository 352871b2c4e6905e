/**
 * The crash test: the real runner (infra/local/start.ts) in a child process, a bounded logged
 * stream of creates, edits and withdraws, the child killed with SIGKILL mid-stream (by the fault
 * hook at each step of a change, and once from outside), restarted, and every view reconciled:
 * get, list, history, compliance and a compiled ledger. Then Ctrl-C under load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { findPerson } from '../../functions/core/roster/organisation.js';
import { loadLocalKeys } from '../../infra/local/jwt.js';
import { claimsFor } from '../../infra/local/users.js';
import { memberReport } from '../helpers/fixtures.js';
import { openWorkbook } from '../helpers/ledger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Runner {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function start(fault?: string): Promise<Runner> {
  const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', CLOCK_FIXED: '', TAIZHANG_FAULT: fault ?? '' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner did not come up:\n${out}`)), 120_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running: (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1'), exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`runner exited ${code}:\n${out}`)));
  });
}

const org = readCatalog('templates').exampleOrganisation;
let bearer = '';
async function signIn() {
  const keys = await loadLocalKeys(join(dataDir, 'local-jwt-key.json'));
  const today = new Date().toISOString().slice(0, 10);
  bearer = `Bearer ${await keys.sign(claimsFor(org, findPerson(org, 'li-na')!, today))}`;
}

async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: bearer, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** One logged request: what was sent and, if it was answered, the answer. */
interface Op {
  kind: 'create' | 'edit' | 'withdraw';
  key?: string;
  id?: string;
  /** The version the change would make. */
  version: number;
  summary?: string;
  answered?: number;
}

const DATE = '2026-11-10';
const summaryOf = (tag: string) => `崩溃测试 ${tag} 的汇报内容摘要，用于核对各个视图。`;
const ops: Op[] = [];
/** Per record: its id and the last version it is known to have (answered). */
const known = new Map<string, { version: number; withdrawn: boolean }>();

/** A bounded stream, three at a time; returns when every request was answered or cut. */
async function stream(url: string, run: string, count: number) {
  let i = 0;
  const lane = async () => {
    while (i < count) {
      const n = i++;
      const ids = [...known].filter(([, k]) => !k.withdrawn).map(([id]) => id);
      const kind: Op['kind'] = n % 3 === 0 || ids.length < 2 ? 'create' : n % 5 === 4 ? 'withdraw' : 'edit';
      const tag = `${run}-${n}`;
      let op: Op;
      try {
        if (kind === 'create') {
          op = { kind, key: `crash-${tag}`, version: 1, summary: summaryOf(tag) };
          ops.push(op);
          const res = await call(url, 'POST', '/api/submissions', memberReport({ reportDate: DATE, summary: op.summary }), { 'idempotency-key': op.key! });
          op.answered = res.status;
          if (res.status === 201) {
            op.id = res.body.id;
            known.set(res.body.id, { version: 1, withdrawn: false });
          }
        } else {
          const id = ids[n % ids.length]!;
          const k = known.get(id)!;
          // A record whose last change went unanswered is left alone: its version is not known.
          known.delete(id);
          op = { kind, id, version: k.version + 1, summary: kind === 'edit' ? summaryOf(tag) : undefined };
          ops.push(op);
          const res =
            kind === 'edit'
              ? await call(url, 'PUT', `/api/submissions/${id}`, { data: memberReport({ reportDate: DATE, summary: op.summary }).data, version: k.version })
              : await call(url, 'DELETE', `/api/submissions/${id}?version=${k.version}`);
          op.answered = res.status;
          if (res.status === 200 || res.status === 204) known.set(id, { version: k.version + 1, withdrawn: kind === 'withdraw' });
        }
      } catch {
        // Cut off: the runner died with this request in flight.
      }
    }
  };
  await Promise.all([lane(), lane(), lane()]);
}

/** Every view, read after a restart, agrees with the log. */
async function reconcile(url: string) {
  const listed = new Map<string, any>();
  let cursor: string | undefined;
  do {
    const page = await call(url, 'GET', `/api/submissions?scope=mine&templateId=member-report&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    for (const r of page.body.items) listed.set(r.id, r);
    cursor = page.body.nextCursor;
  } while (cursor);

  // Unanswered creates, retried with their keys: one record each, never two.
  for (const op of ops.filter((o) => o.kind === 'create' && o.answered === undefined)) {
    const before = [...listed.values()].filter((r) => r.data.summary === op.summary);
    expect(before.length, op.key).toBeLessThanOrEqual(1);
    const retry = await call(url, 'POST', '/api/submissions', memberReport({ reportDate: DATE, summary: op.summary }), { 'idempotency-key': op.key! });
    expect(retry.status, op.key).toBe(201);
    if (before[0]) expect(retry.body.id).toBe(before[0].id);
    op.id = retry.body.id;
    op.answered = 201;
    listed.set(retry.body.id, retry.body);
    known.set(retry.body.id, { version: retry.body.version, withdrawn: false });
  }
  const creates = ops.filter((o) => o.kind === 'create' && o.id);
  expect(new Set(creates.map((o) => o.id)).size, 'no duplicate records').toBe(creates.length);

  for (const create of creates) {
    const id = create.id!;
    const got = await call(url, 'GET', `/api/submissions/${id}`);
    expect(got.status, id).toBe(200);
    const record = got.body;
    // Every version is there, 1..n, and each holds what the change that made it sent.
    const history = await call(url, 'GET', `/api/submissions/${id}/history`);
    expect(history.body.items.map((h: any) => h.version)).toEqual(Array.from({ length: record.version }, (_, k) => k + 1));
    const mine = ops.filter((o) => o.id === id);
    const last = Math.max(...mine.filter((o) => o.answered && o.answered < 300).map((o) => o.version));
    const tried = Math.max(...mine.map((o) => o.version));
    expect(record.version, `${id}: every acknowledged change is there`).toBeGreaterThanOrEqual(last);
    expect(record.version, `${id}: nothing beyond what was sent`).toBeLessThanOrEqual(tried);
    // An unanswered change that never landed leaves its version free; a later change, made after a
    // reconcile saw the record as it stood, may try the same version. The last one tried is what landed.
    const made = mine.findLast((o) => o.version === record.version)!;
    expect(record.status).toBe(made.kind === 'withdraw' ? 'withdrawn' : 'active');
    if (made.summary) expect(record.data.summary).toBe(made.summary);
    // The list shows exactly what get shows: never the old state.
    if (record.status === 'active') expect(listed.get(id), `${id} listed as it stands`).toEqual(record);
    else expect(listed.has(id), `${id} withdrawn, not listed`).toBe(false);
    known.set(id, { version: record.version, withdrawn: record.status === 'withdrawn' });
  }

  const active = creates.map((o) => o.id!).filter((id) => !known.get(id)!.withdrawn);
  const compliance = await call(url, 'GET', '/api/compliance?period=2026-11');
  const counted = new Set(compliance.body.rows.flatMap((r: any) => r.records));
  for (const id of creates.map((o) => o.id!)) expect(counted.has(id), `${id} counted iff active`).toBe(active.includes(id));
  return { listed, active };
}

async function ledgerSummaries(url: string): Promise<Set<string>> {
  const office = bearer;
  const keys = await loadLocalKeys(join(dataDir, 'local-jwt-key.json'));
  bearer = `Bearer ${await keys.sign(claimsFor(org, findPerson(org, 'sun-li')!, new Date().toISOString().slice(0, 10)))}`;
  try {
    const accepted = await call(url, 'POST', '/api/compilations', { period: '2026-11' });
    expect(accepted.status).toBe(202);
    let job = accepted.body;
    for (let i = 0; i < 600 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await call(url, 'GET', accepted.headers.get('location')!)).body;
    }
    expect(job.status, JSON.stringify(job)).toBe('done');
    const link = await call(url, 'GET', `${job.compilation.file}?link=1`);
    const bytes = Buffer.from(await (await fetch(new URL(link.body.url, url))).arrayBuffer());
    const ws = (await openWorkbook(bytes)).worksheets.find((w) => w.name.includes('专题汇报'))!;
    const seen = new Set<string>();
    ws.eachRow((row) => {
      for (const v of row.values as unknown[]) if (typeof v === 'string' && v.startsWith('崩溃测试')) seen.add(v);
    });
    return seen;
  } finally {
    bearer = office;
  }
}

describe('a crash mid-change', () => {
  it('leaves every view showing each acknowledged change and each unanswered one wholly or not at all, at every step', async () => {
    let runner = await start('record:after-claim@4');
    await signIn();
    const steps = ['record:after-claim@4', 'record:after-version@4', 'record:after-head@4', 'outside'];
    for (let s = 0; s < steps.length; s++) {
      const streaming = stream(runner.url, `r${s}`, 18);
      if (steps[s] === 'outside') {
        await new Promise((r) => setTimeout(r, 400));
        runner.child.kill('SIGKILL');
      }
      await streaming;
      // The fault hook killed it (or we did); either way it is gone without a word.
      expect(await runner.exited).toBeNull();
      runner = await start();
      const { listed, active } = await reconcile(runner.url);
      expect(listed.size).toBeGreaterThan(0);
      if (s === steps.length - 1) {
        const inLedger = await ledgerSummaries(runner.url);
        const summaries = (ids: string[]) => ids.map((id) => listed.get(id)?.data.summary).filter(Boolean);
        expect([...inLedger].sort()).toEqual(summaries(active).sort());
      }
      runner.child.kill('SIGKILL');
      await runner.exited;
      if (s + 1 < steps.length) runner = await start(steps[s + 1] === 'outside' ? undefined : steps[s + 1]);
    }
  }, 240_000);
});

describe('Ctrl-C under load', () => {
  it('answers every request it accepted before stopping, and each answered create survives the restart', async () => {
    const runner = await start();
    await signIn();
    const sent = Array.from({ length: 24 }, (_, n) => ({ key: `ctrl-c-${n}`, summary: summaryOf(`ctrl-c-${n}`) }));
    const results = sent.map(async (s, n) => {
      await new Promise((r) => setTimeout(r, n * 15));
      try {
        return (await call(runner.url, 'POST', '/api/submissions', memberReport({ reportDate: DATE, summary: s.summary }), { 'idempotency-key': s.key })).status;
      } catch {
        // Refused at the door, or sent on an idle kept-alive connection as the server closed it: never
        // accepted, so it must be wholly absent after the restart (checked below).
        return 'not accepted';
      }
    });
    await new Promise((r) => setTimeout(r, 120));
    runner.child.kill('SIGINT');
    const statuses = await Promise.all(results);
    expect(await runner.exited).toBe(0);
    for (const s of statuses) expect(['not accepted', 201]).toContain(s);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
    const again = await start();
    const listed = await call(again.url, 'GET', '/api/submissions?scope=mine&templateId=member-report&limit=100');
    const present = new Set(listed.body.items.map((r: any) => r.data.summary));
    sent.forEach((s, n) => {
      // Answered: there. Not answered: not there either, so no request was cut between its writes.
      expect(present.has(s.summary), s.key).toBe(statuses[n] === 201);
    });
    again.child.kill('SIGKILL');
    await again.exited;
  }, 240_000);
});
