/**
 * The bundle check: every entry bundled with the stack's own esbuild options, templates copied
 * as the stack's hook copies them, imported by Node as Lambda would import it, and invoked once
 * with an API Gateway event against the embedded store. This is where ESM/CommonJS trouble
 * (exceljs) or a template file missing from the bundle shows up, long before a deploy.
 */
import { execFile, execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import S3rver from 's3rver';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { ROUTES, WORKER, type RouteDef } from '../../functions/routes.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUNDLE_FILE, copyTemplatesCommands, esbuildOptions, REPO_ROOT } from '../../infra/cloud/bundling.js';
import { prepareTable } from '../../infra/local/setup.js';

const ENTRIES = [...new Set(ROUTES.map((r) => r.entry)), WORKER.entry];
/** A leader of the example organisation, as API Gateway hands the claims over: strings, arrays flattened. */
const CLAIMS = { sub: 'li-na', unit: 'example-bureau', roles: '[leader]' };

const execFileAsync = promisify(execFile);
const workDir = mkdtempSync(join(tmpdir(), 'taizhang-bundles-'));
const tableName = `bundles-${randomUUID()}`;
const bundleDir = (entry: string) => join(workDir, entry);

/**
 * Runs in a fresh Node process per bundle, as a cold Lambda container would: imports the bundle
 * with Node's own loader, invokes it with each event, and writes the results to a file (stdout
 * belongs to the handler's logs).
 */
const RUNNER = `
import { writeFileSync } from 'node:fs';
const mod = await import(process.env.BUNDLE_URL);
const out = { handler: typeof mod.handler, results: [] };
for (const event of JSON.parse(process.env.BUNDLE_EVENTS)) {
  const context = { awsRequestId: crypto.randomUUID(), functionName: 'bundle-check', getRemainingTimeInMillis: () => 10000 };
  out.results.push(await mod.handler(event, context) ?? null);
}
writeFileSync(process.env.BUNDLE_RESULT, JSON.stringify(out));
`;

interface RunResult {
  handler: string;
  results: ({ statusCode?: number; headers?: Record<string, string>; compiled?: { period: string; id?: string }[]; outcome?: string } | null)[];
}

async function invoke(entry: string, events: unknown[]): Promise<RunResult> {
  const dir = bundleDir(entry);
  const resultFile = join(dir, 'result.json');
  await execFileAsync(process.execPath, ['--input-type=module', '-e', RUNNER], {
    env: {
      PATH: process.env.PATH,
      // What the stack sets, with the bundle's own templates in place of /var/task/templates.
      NODE_OPTIONS: '--enable-source-maps',
      TEMPLATES_DIR: join(dir, 'templates'),
      TABLE_NAME: tableName,
      BUCKET_NAME: BUCKET,
      // The evidence routes' bucket (the stack sets it where a route signs, finalises or reads).
      EVIDENCE_BUCKET: BUCKET,
      // What differs locally: the embedded store instead of DynamoDB, an S3-compatible server
      // on loopback (s3rver) instead of S3, with its well-known test key.
      S3_ENDPOINT: s3Endpoint,
      // A stand-in for Lambda's Invoke API that keeps what the bundle hands to the worker.
      LAMBDA_ENDPOINT: lambdaEndpoint,
      WORKER_FUNCTION: 'bundle-worker',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'local',
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      BUNDLE_URL: pathToFileURL(join(dir, BUNDLE_FILE)).href,
      BUNDLE_EVENTS: JSON.stringify(events),
      BUNDLE_RESULT: resultFile,
    },
  });
  return JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
}

const BUCKET = 'bundle-check';
let s3: S3rver;
let s3Endpoint = '';
afterAll(() => s3?.close());
const invoked: unknown[] = [];
let lambda: Server;
let lambdaEndpoint = '';
afterAll(() => lambda?.close());

beforeAll(async () => {
  lambda = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers['x-amz-invocation-type'] === 'Event') invoked.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((ok) => lambda.listen(0, '127.0.0.1', ok));
  lambdaEndpoint = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'bundle-s3-')), configureBuckets: [{ name: BUCKET }] });
  s3Endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
  await prepareTable(inject('dynamoEndpoint'), tableName, [readCatalog(join(REPO_ROOT, 'templates')).exampleOrganisation]);
  await Promise.all(
    ENTRIES.map(async (entry) => {
      await build(esbuildOptions(entry, bundleDir(entry)));
      for (const command of copyTemplatesCommands(REPO_ROOT, bundleDir(entry))) execSync(command);
    }),
  );
}, 120_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function fixtureEvent(route: RouteDef) {
  const params: Record<string, string> = {};
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] = 'bundle-check'));
  const hasBody = route.method === 'POST' || route.method === 'PUT';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example' },
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: '111111111111',
      apiId: 'bundle',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bundle-check' },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { jwt: { claims: CLAIMS, scopes: null } },
    },
    body: hasBody ? '{}' : undefined,
    isBase64Encoded: false,
  };
}

describe('the bundle check', () => {
  it.concurrent.each(ENTRIES)('%s bundles with its templates, loads in Node, and answers a request', async (entry) => {
    const dir = bundleDir(entry);
    const file = join(dir, BUNDLE_FILE);
    const kb = (path: string) => (statSync(path).size / 1024).toFixed(1);
    console.log(`bundle ${entry}: ${BUNDLE_FILE} ${kb(file)} KiB, source map ${kb(`${file}.map`)} KiB`);
    expect(existsSync(join(dir, 'templates', 'obligations.json'))).toBe(true);
    expect(readdirSync(join(dir, 'templates', 'forms')).length).toBeGreaterThan(0);

    const routes = ROUTES.filter((r) => r.entry === entry);
    const run = await invoke(entry, entry === WORKER.entry ? [{ type: 'monthly' }] : routes.map(fixtureEvent));
    expect(run.handler).toBe('function');
    if (entry === WORKER.entry) {
      // The month just ended and the year to date, handed out as jobs; then the jobs themselves,
      // run by the bundle and written as workbooks to the S3-compatible server.
      const started = run.results[0]?.compiled ?? [];
      expect(started).toHaveLength(2);
      const jobs = invoked.filter((e) => (e as { type?: string }).type === 'job');
      expect(jobs.map((e) => (e as { id: string }).id).sort()).toEqual(started.map((c) => c.id).sort());
      const ran = await invoke(entry, jobs);
      console.log(`bundle ${entry}: compiled ${started.map((c) => c.period).join(', ')}: ${ran.results.map((r) => r?.outcome).join(', ')}`);
      expect(ran.results.map((r) => r?.outcome)).toEqual(['done', 'done']);
      return;
    }

    routes.forEach((route, i) => {
      const result = run.results[i]!;
      const what = `${route.method} ${route.path} answered ${result.statusCode}`;
      console.log(`bundle ${entry}: ${what}`);
      expect(result.statusCode, what).toBeGreaterThanOrEqual(200);
      expect(result.statusCode, what).toBeLessThan(500);
      if (result.statusCode! >= 400) expect(result.headers?.['Content-Type'], what).toMatch(/^application\/problem\+json/);
    });
  });
});
