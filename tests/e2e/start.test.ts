import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { memberReport } from '../helpers/fixtures.js';

const dataDir = mkdtempSync(join(tmpdir(), 'taizhang-start-'));
const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', CLOCK_FIXED: '' };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // the group has already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  for (const d of extraDirs) rmSync(d, { recursive: true, force: true });
});
const extraDirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'taizhang-start-'));
  extraDirs.push(d);
  return d;
};

/** Runs `npm start` expecting it to refuse: its exit code and output. */
function refusedStart(env2: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; out: string }> {
  const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], { env: env2, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not stop:\n${out}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Every path under dir with its permission bits. */
function modes(dir: string): [string, number, boolean][] {
  const out: [string, number, boolean][] = [[dir, statSync(dir).mode & 0o777, true]];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name);
    out.push([path, statSync(path).mode & 0o777, e.isDirectory()]);
  }
  return out;
}

/** Runs `npm start` and resolves with its URL and everything it printed once it is serving. */
function start(env2: NodeJS.ProcessEnv = env, args: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // Its own process group, so that a signal reaches npm and the runner below it, as Ctrl-C does.
  const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], { env: env2, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running: (http:\/\/localhost:\d+)/.exec(out);
      if (m && out.includes('token:')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${out}`)));
  });
}

/** Ctrl-C: npm reports 130 (interrupted) once the runner below it has shut down. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : null)));
    process.kill(-child.pid!, 'SIGINT');
  });
}

const token = async (role: string) =>
  (await promisify(execFile)('npm', ['run', '-s', 'token', '--', '--role', role], { env })).stdout.trim();

/** `npm run compile`, resolving with its exit code and output whether it succeeds or not. */
const compile = (period: string) =>
  promisify(execFile)('npm', ['run', '-s', 'compile', '--', '--period', period], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  );

describe('npm start', () => {
  it('serves the API, stops on Ctrl-C and keeps the record across a restart', async () => {
    const first = await start();
    expect(first.output()).toMatch(/example organisation loaded/);
    const bearer = `Bearer ${await token('leader')}`;
    const created = await fetch(`${first.url}/api/submissions`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify(memberReport({ reportDate: '2026-07-15' })),
    });
    expect(created.status).toBe(201);
    const record = await created.json();
    // The example county's person is listed with the others and sees its three example units ranked.
    expect(first.output()).toMatch(/qian-hong\s+钱红（示例）\s+county/);
    const overview = await fetch(`${first.url}/api/county/overview?period=2026`, { headers: { authorization: `Bearer ${await token('county')}` } });
    expect(overview.status).toBe(200);
    expect((await overview.json()).units.map((u: { unit: string }) => u.unit).sort()).toEqual(['example-bureau', 'example-culture', 'example-library']);
    expect([0, 130]).toContain(await stop(first.child));
    expect(first.output()).toMatch(/stopping/);

    const second = await start();
    expect(second.output()).not.toMatch(/example organisation loaded/);
    const got = await fetch(`${second.url}/api/submissions/${record.id}`, { headers: { authorization: bearer } });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(record);
    expect(second.output()).toMatch(/next monthly compilation \d{4}-\d{2}-01 01:00 \(Asia\/Shanghai\)/);
    // The store is the running server's: compiling by hand is refused with directions, not a crash.
    const refused = await compile('2026-07');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('npm start 正在运行');
    expect(refused.out).toContain(`${second.url}/api/compilations`);
    expect([0, 130]).toContain(await stop(second.child));

    const compiled = await compile('2026-07');
    expect(compiled.code, compiled.out).toBe(0);
    expect(compiled.out).toContain('2026年7月意识形态工作台账.xlsx');
    expect(compiled.out).toMatch(/\s1 {2}班子成员专题汇报/);
    expect(existsSync(join(dataDir, 'compilations', 'example-bureau', '2026-07'))).toBe(true);
  }, 90_000);
});

describe('npm start, guarding the data and the local sign-in', () => {
  it('refuses a second start on the same data at once, naming the running one, and leaves the first unharmed', async () => {
    const first = await start();
    const pidFile = join(dataDir, 'runner.pid');
    const lock = readFileSync(pidFile, 'utf8');
    const second = await refusedStart(env);
    expect(second.code).not.toBe(0);
    const [pid, url] = lock.trim().split('\n');
    expect(second.out).toContain(`进程 ${pid}`);
    expect(second.out).toContain(url);
    expect(second.out).not.toMatch(/Database is closed/);
    expect(readFileSync(pidFile, 'utf8')).toBe(lock);
    const me = await fetch(`${first.url}/api/me`, { headers: { authorization: `Bearer ${await token('leader')}` } });
    expect(me.status).toBe(200);

    // Local sign-in: only a loopback Host, and for the token only the page's own Origin.
    const host = new URL(first.url).host;
    const ask = (headers: Record<string, string>) =>
      fetch(`${first.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ userId: 'li-na' }) });
    expect((await ask({ origin: `http://${host}` })).status).toBe(200);
    expect((await ask({ origin: 'http://attacker.example' })).status).toBe(403);
    expect((await ask({})).status).toBe(403);
    const rebound = await fetchWithHost(`${first.url}/local/users`, 'attacker.example');
    expect(rebound).toBe(403);
    expect(await fetchWithHost(`${first.url}/local/token`, `attacker.example:${new URL(first.url).port}`, 'POST', `http://attacker.example:${new URL(first.url).port}`)).toBe(403);

    // What the bureau's data is written with: directories 0700, files 0600.
    for (const [path, mode, dir] of modes(dataDir)) expect(mode, path).toBe(dir ? 0o700 : 0o600);
    expect([0, 130]).toContain(await stop(first.child));
  }, 120_000);

  it('refuses a non-loopback HOST while local sign-in is on, touching nothing', async () => {
    const dir = join(freshDir(), 'data');
    const res = await refusedStart({ ...env, DATA_DIR: dir, HOST: '0.0.0.0' });
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('HOST=0.0.0.0');
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('refuses an organisation file that does not fit, naming the field, writing nothing', async () => {
    const base = freshDir();
    const file = join(base, 'bad.json');
    writeFileSync(file, JSON.stringify({ unit: { id: 'my-bureau', name: '某局', shortName: '某局' }, divisions: [{ id: 'office', name: '办公室' }], people: [{ id: 'p1', name: '某人', roles: [{ role: 'chief', from: '2026-01-01' }] }] }));
    const dir = join(base, 'data');
    const res = await refusedStart({ ...env, DATA_DIR: dir }, ['--organisation', file]);
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('people.0.roles.0.role');
    expect(res.out).not.toMatch(/ZodError|\s+at .*\.ts:\d+/);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it("starts empty with the bureau's own unit from --organisation, whose office can sign in and manage the roster", async () => {
    const base = freshDir();
    const file = join(base, 'own.json');
    writeFileSync(
      file,
      JSON.stringify({
        unit: { id: 'my-bureau', name: '中共某某县某某局党组', shortName: '某某局' },
        divisions: [{ id: 'office', name: '办公室' }],
        people: [{ id: 'first-office', name: '第一位办公室人员', title: '办公室主任', division: 'office', roles: [{ role: 'office', from: '2020-01-01' }] }],
      }),
    );
    const ownEnv = { ...env, DATA_DIR: join(base, 'data') };
    const run = await start(ownEnv, ['--organisation', file]);
    expect(run.output()).toMatch(/organisation loaded from .*own\.json: my-bureau/);
    expect(run.output()).not.toMatch(/example records/);
    const host = new URL(run.url).host;
    const signIn = await fetch(`${run.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json', origin: `http://${host}` }, body: JSON.stringify({ userId: 'first-office' }) });
    const { token: t } = (await signIn.json()) as { token: string };
    const auth = { authorization: `Bearer ${t}` };
    const roster = (await (await fetch(`${run.url}/api/roster`, { headers: auth })).json()) as any;
    expect(roster).toMatchObject({ version: 1, unit: { id: 'my-bureau' } });
    const list = (await (await fetch(`${run.url}/api/submissions?scope=unit`, { headers: auth })).json()) as any;
    expect(list.items).toEqual([]);
    const added = await fetch(`${run.url}/api/roster/people`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1, id: 'second', name: '第二人', division: 'office', roles: [{ role: 'leader', from: '2020-01-01' }] }),
    });
    expect(added.status).toBe(201);
    const users = (await (await fetch(`${run.url}/local/users`)).json()) as any;
    expect(users.users.map((u: { id: string }) => u.id).sort()).toEqual(['first-office', 'second']);
    expect([0, 130]).toContain(await stop(run.child));
  }, 120_000);
});

/** fetch() will not send a Host of our choosing, so this speaks HTTP/1.1 itself. */
async function fetchWithHost(url: string, host: string, method = 'GET', origin?: string): Promise<number> {
  const { request } = await import('node:http');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: { host, ...(origin ? { origin, 'content-type': 'application/json' } : {}) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(method === 'POST' ? JSON.stringify({ userId: 'li-na' }) : undefined);
  });
}
