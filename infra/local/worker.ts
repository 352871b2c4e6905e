/**
 * The local stand-in for Lambda's asynchronous invocation of the worker: answers the Invoke API
 * (`POST /2015-03-31/functions/<name>/invocations`, `X-Amz-Invocation-Type: Event`) on loopback, so
 * functions/ hands out jobs with the same SDK call as in the cloud, and runs each invocation in a
 * child process, like a Lambda sandbox: the same handler (functions/worker.ts), one invocation at a
 * time, kept warm for the next one a while, a private temporary directory removed when the child
 * ends however it ends, a time limit. A run
 * that fails is retried once with the same request id; when the retry fails too, the worker is
 * invoked with Lambda's record of the failure (the on-failure destination) and the event is kept
 * in the dead-letter file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKER } from '../../functions/routes.js';

export const LOCAL_WORKER_NAME = 'taizhang-worker';
const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export interface LocalWorkerOptions {
  /** Children's temporary directories go here (the runner's `.data/tmp`, cleared at start). */
  tmpRoot: string;
  /** Variables added to each child's environment (a test arms a fault hook here). */
  env?: Record<string, string>;
  /** Runs at once, like a function's reserved concurrency; more wait their turn. */
  concurrency?: number;
  /** Lambda waits about a minute before its retry; locally a moment. */
  retryDelayMs?: number;
  /** Lambda's limit for the worker. */
  timeoutMs?: number;
  /** Where events whose retries ran out are appended, one JSON line each. */
  deadLetterFile?: string;
  log?: (line: string) => void;
}

interface Invocation {
  event: unknown;
  requestId: string;
  attempt: number;
  /** A retries-exhausted record is delivered once, never retried or recorded again. */
  destination?: boolean;
}

export interface LocalWorker {
  endpoint: string;
  functionName: string;
  invoke(event: unknown): void;
  /** The children running now: their process ids and events. */
  running(): { pid: number; requestId: string; event: unknown; attempt: number }[];
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  prewarm(): void;
  /** Takes no more work; children are asked to put their jobs back, then killed after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const concurrency = options.concurrency ?? 4;
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(options.tmpRoot, { recursive: true, mode: 0o700 });
  const queue: Invocation[] = [];
  const live = new Map<ChildProcess, Invocation>();
  let stopping = false;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (!queue.length && !live.size) for (const w of waiters.splice(0)) w();
  };

  const failed = (inv: Invocation, why: string) => {
    log(`worker ${inv.requestId} attempt ${inv.attempt} failed: ${why}`);
    if (stopping || inv.destination) return;
    if (inv.attempt < 2) {
      setTimeout(() => enqueue({ ...inv, attempt: inv.attempt + 1 }), options.retryDelayMs ?? 500).unref();
      return;
    }
    if (options.deadLetterFile) appendFileSync(options.deadLetterFile, `${JSON.stringify({ at: new Date().toISOString(), requestId: inv.requestId, event: inv.event, error: why })}\n`);
    enqueue({
      event: { version: '1.0', timestamp: new Date().toISOString(), requestContext: { requestId: inv.requestId, functionArn: LOCAL_WORKER_NAME, condition: 'RetriesExhausted', approximateInvokeCount: inv.attempt }, requestPayload: inv.event, responseContext: { statusCode: 200, functionError: 'Unhandled' } },
      requestId: randomUUID(),
      attempt: 1,
      destination: true,
    });
  };

  const idle: ChildProcess[] = [];
  const dirs = new Map<ChildProcess, string>();

  const spawnChild = () => {
    const dir = mkdtempSync(join(options.tmpRoot, 'worker-'));
    const child = fork(CHILD, [], {
      // The worker's own Node options, as Lambda gives them (functions/routes.ts WORKER).
      execArgv: ['--import', 'tsx', ...WORKER.nodeOptions.split(' ')],
      env: { ...process.env, ...options.env, WORK_TMPDIR: dir },
      // Its own process group: Ctrl-C reaches the runner, which decides what the children do.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    dirs.set(child, dir);
    child.on('message', (m) => {
      const inv = live.get(child);
      if (!inv) return;
      const answer = m as { ok: boolean; error?: string };
      live.delete(child);
      clearTimeout(limits.get(child));
      if (!answer.ok) failed(inv, answer.error ?? 'failed');
      if (stopping) child.kill('SIGTERM');
      else {
        idle.push(child);
        // A warm sandbox is kept a while for the next invocation, then let go.
        warm.set(
          child,
          setTimeout(() => child.kill('SIGTERM'), 5 * 60_000),
        );
        warm.get(child)!.unref();
      }
      pump();
      settle();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(limits.get(child));
      clearTimeout(warm.get(child));
      const at = idle.indexOf(child);
      if (at >= 0) idle.splice(at, 1);
      rmSync(dirs.get(child)!, { recursive: true, force: true });
      dirs.delete(child);
      const inv = live.get(child);
      if (inv) {
        live.delete(child);
        failed(inv, signal ? `killed by ${signal}` : `exited ${code}`);
      }
      pump();
      settle();
    });
    return child;
  };
  const limits = new Map<ChildProcess, NodeJS.Timeout>();
  const warm = new Map<ChildProcess, NodeJS.Timeout>();

  const run = (inv: Invocation) => {
    const child = idle.pop() ?? spawnChild();
    clearTimeout(warm.get(child));
    live.set(child, inv);
    limits.set(
      child,
      setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000),
    );
    child.send({ event: inv.event, requestId: inv.requestId });
  };

  const pump = () => {
    while (!stopping && live.size < concurrency && queue.length) run(queue.shift()!);
  };
  const enqueue = (inv: Invocation) => {
    if (stopping) return;
    queue.push(inv);
    pump();
  };

  const server = createServer((req, res) => {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split('?')[0] ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = req.headers['x-amz-invocation-type'];
      if (req.method !== 'POST' || !m || decodeURIComponent(m[1]!) !== LOCAL_WORKER_NAME) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        return res.end(JSON.stringify({ message: 'Function not found' }));
      }
      if (type !== 'Event' || stopping) {
        res.writeHead(stopping ? 429 : 400, { 'content-type': 'application/json', 'x-amzn-errortype': stopping ? 'TooManyRequestsException' : 'InvalidParameterValueException' });
        return res.end(JSON.stringify({ message: stopping ? 'stopping' : 'only asynchronous invocation is offered locally' }));
      }
      let event: unknown;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidRequestContentException' });
        return res.end(JSON.stringify({ message: 'payload is not JSON' }));
      }
      const requestId = randomUUID();
      enqueue({ event, requestId, attempt: 1 });
      res.writeHead(202, { 'x-amzn-requestid': requestId });
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    functionName: LOCAL_WORKER_NAME,
    invoke: (event) => enqueue({ event, requestId: randomUUID(), attempt: 1 }),
    running: () => [...live].map(([c, inv]) => ({ pid: c.pid!, requestId: inv.requestId, event: inv.event, attempt: inv.attempt })),
    idle: () => new Promise<void>((ok) => (!queue.length && !live.size ? ok() : waiters.push(ok))),
    /** Starts a sandbox ahead of the first job, so that job does not wait for Node to load the code. */
    prewarm() {
      if (!stopping && idle.length + live.size < concurrency) {
        const child = spawnChild();
        idle.push(child);
      }
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      queue.length = 0;
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      const children = [...dirs.keys()];
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((ok) => {
              if (c.exitCode !== null || c.signalCode !== null) return ok();
              const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
              c.once('exit', () => (clearTimeout(kill), ok()));
              c.kill('SIGTERM');
            }),
        ),
      );
      waiters = [];
    },
  };
}
