/**
 * A test's own API: a fresh table on the shared embedded store, the organisations loaded, and
 * the same HTTP adapter that `npm start` uses on a free loopback port. One per test file, since
 * the handlers read their configuration once per process.
 */
import { refreshesSettled } from '../../functions/core/county/keep-current.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { findPerson } from '../../functions/core/roster/organisation.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { createApiServer } from '../../infra/local/adapter.js';
import { newLocalKeys, type LocalKeys } from '../../infra/local/jwt.js';
import { prepareTable } from '../../infra/local/setup.js';
import { claimsFor, storedRosters } from '../../infra/local/users.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { loadDemoRecords } from '../../infra/local/demo.js';
import { webServer } from '../../infra/local/web.js';
import { blobServer } from '../../infra/local/blob-server.js';
import { startLocalWorker, type LocalWorker, type LocalWorkerOptions } from '../../infra/local/worker.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { OTHER_UNIT } from './fixtures.js';

export const TEMPLATES_DIR = resolve('templates');
export const exampleOrg = (): Organisation => readCatalog(TEMPLATES_DIR).exampleOrganisation;
/** The instant every test's clock shows: 2026-11-28 12:00 in Shanghai. */
export const FIXED_NOW = '2026-11-28T04:00:00.000Z';

export interface TestApi {
  url: string;
  /** The key the adapter trusts, for tokens a test crafts itself. */
  keys: LocalKeys;
  tableName: string;
  endpoint: string;
  /** Where compiled workbooks go (BLOB_DIR), removed on close. */
  blobDir: string;
  /** The local worker that runs jobs in child processes, as `npm start` does. */
  worker: LocalWorker;
  /** Polls a job until it is done or failed (bounded), returning its last status body. */
  waitForJob(location: string, as: string, timeoutMs?: number): Promise<any>;
  /** Compiles as a job (202, polled to done) and downloads the workbook. */
  compileWorkbook(as: string, body: unknown): Promise<{ job: any; bytes: Buffer }>;
  token(userId: string, overrides?: Record<string, unknown>): Promise<string>;
  call(method: string, path: string, options?: { as?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Uint8Array }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Every item in the table, for checking that nothing was written. */
  snapshot(): Promise<unknown[]>;
  close(): Promise<void>;
}

/** `env` adds or overrides variables (an empty string unsets one, as config reads it). */
export async function startTestApi(
  options: {
    now?: string;
    demo?: boolean;
    web?: boolean;
    /** Where the handlers reach the store (a fault proxy). */
    handlerEndpoint?: string;
    env?: Record<string, string>;
    /** Options for the local worker (a fault hook for its children, a shorter retry delay). */
    worker?: Partial<LocalWorkerOptions>;
    /** More organisations to load after the two units (counties, their units). */
    orgs?: Organisation[];
  } = {},
): Promise<TestApi> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `test-${randomUUID()}`;
  const blobDir = mkdtempSync(join(tmpdir(), 'taizhang-blobs-'));
  const worker = await startLocalWorker({ tmpRoot: join(blobDir, '.tmp'), log: () => {}, retryDelayMs: 100, ...options.worker });
  const signingKey = randomBytes(32).toString('base64url');
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: options.handlerEndpoint ?? endpoint,
    AWS_REGION: 'local',
    TEMPLATES_DIR,
    CLOCK_FIXED: options.now ?? FIXED_NOW,
    BLOB_DIR: blobDir,
    BLOB_SIGNING_KEY: signingKey,
    WORKER_FUNCTION: worker.functionName,
    LAMBDA_ENDPOINT: worker.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  });
  const orgs = [exampleOrg(), OTHER_UNIT, ...(options.orgs ?? [])];
  await prepareTable(endpoint, tableName, orgs);
  const keys = await newLocalKeys();
  const doc = createDocumentClient({ region: 'local', endpoint });
  const today = (options.now ?? FIXED_NOW).slice(0, 10);
  let web: ReturnType<typeof webServer> | undefined;
  if (options.web) {
    const { WEB_DIST, buildWeb } = await import('../../web/build.js');
    await buildWeb({ quiet: true });
    web = webServer({ distDir: WEB_DIST, keys, rosters: storedRosters(dynamoOrganisationStore(doc, tableName)), today: () => today });
  }
  const blobs = blobServer({ root: blobDir, signingKey });
  const server = await createApiServer({
    keys,
    log: () => {},
    fallback: (req, res) => {
      if (blobs.handles(new URL(req.url ?? '/', 'http://localhost').pathname)) return blobs.handle(req, res);
      if (web) return web(req, res);
      res.writeHead(404).end();
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.demo)
    await loadDemoRecords(readCatalog(TEMPLATES_DIR), orgs[0]!, dynamoRecordStore(doc, tableName), new Date(options.now ?? FIXED_NOW));

  async function token(userId: string, overrides: Record<string, unknown> = {}) {
    for (const org of orgs) {
      const person = findPerson(org, userId);
      if (person) return keys.sign({ ...claimsFor(person), ...overrides });
    }
    return keys.sign({ sub: userId, unit: orgs[0]!.unit.id, roles: [], ...overrides });
  }

  const call: TestApi['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${await token(opts.as)}`;
    let body: string | Uint8Array | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body: body as BodyInit | undefined });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };

  async function waitForJob(location: string, as: string, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await call('GET', location, { as });
      if (res.status !== 200) throw new Error(`GET ${location} answered ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
      if (Date.now() > until) throw new Error(`job ${location} still ${res.body.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    url,
    keys,
    tableName,
    endpoint,
    blobDir,
    worker,
    token,
    call,
    waitForJob,
    async compileWorkbook(as, body) {
      const res = await call('POST', '/api/compilations', { as, body });
      if (res.status !== 202) throw new Error(`POST /api/compilations answered ${res.status}: ${JSON.stringify(res.body)}`);
      const job = await waitForJob(res.headers.get('location')!, as);
      if (job.status !== 'done') throw new Error(`compilation ${job.status}: ${JSON.stringify(job)}`);
      const file = await fetch(url + job.compilation.file, { headers: { authorization: `Bearer ${await token(as)}` } });
      if (file.status !== 200) throw new Error(`GET ${job.compilation.file} answered ${file.status}`);
      return { job, bytes: Buffer.from(await file.arrayBuffer()) };
    },
    async snapshot() {
      // A job an earlier test started, or a snapshot refresh after an answered write, may still be writing; compare settled tables only.
      await worker.idle();
      await refreshesSettled();
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const out = await doc.send(new ScanCommand({ TableName: tableName }));
      return (out.Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
    },
    async close() {
      await refreshesSettled();
      await worker.stop(2_000);
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      doc.destroy();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}
