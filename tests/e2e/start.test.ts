import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
});

/** Runs `npm start` and resolves with its URL and everything it printed once it is serving. */
function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // Its own process group, so that a signal reaches npm and the runner below it, as Ctrl-C does.
  const child = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
