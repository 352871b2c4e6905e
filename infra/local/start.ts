/**
 * `npm start`: the whole product on one machine. The embedded store keeps its data under
 * `.data/`, the same handlers as in Lambda serve http://localhost:3000, the monthly ledgers are
 * compiled at 01:00 on the 1st (Asia/Shanghai) into `.data/compilations`, Ctrl-C stops it all.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { readCatalog, TemplateError } from '../../functions/core/templates/catalog.js';
import { rolesOn } from '../../functions/core/roster/organisation.js';
import { shanghaiDate } from '../../functions/core/periods.js';
import { createApiServer } from './adapter.js';
import { startEmbeddedStore } from './embedded-store.js';
import { LOCAL_ISSUER, loadLocalKeys } from './jwt.js';
import { RUNNER_PID_FILE, runnerFileText, takeRunnerLock } from './runner-lock.js';
import { parseStartArgs, readOrganisationFile, tightenModes } from './start-options.js';
import { isLoopbackName } from './web.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { startDailySchedule, startMonthlySchedule } from './scheduler.js';
import { prepareTable } from './setup.js';
import { webServer } from './web.js';
import { storedRosters } from './users.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { exampleCountyOrgs, loadCountyDemoRecords, loadDemoRecords } from './demo.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { blobServer } from './blob-server.js';
import { trackRequests } from './shutdown.js';
import { startLocalWorker } from './worker.js';

// Node 20 is what this project supports until the pinned SDK moves on; the notice is in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const templatesDir = resolve(process.env.TEMPLATES_DIR ?? 'templates');
const port = Number(process.env.PORT ?? 3000);
let options: ReturnType<typeof parseStartArgs>;
try {
  options = parseStartArgs(process.argv.slice(2), process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const host = process.env.HOST ?? '127.0.0.1';

let catalog;
try {
  catalog = readCatalog(templatesDir);
} catch (err) {
  if (!(err instanceof TemplateError)) throw err;
  console.error(`模板有误，无法启动 (templates/ is invalid):\n${err.message}`);
  process.exit(1);
}

// Everything checked before anything under the data directory is touched: a refusal leaves it as it was.
let own: Organisation | undefined;
if (options.organisation) {
  try {
    own = readOrganisationFile(options.organisation);
  } catch (err) {
    console.error(`组织名册文件有误，未启动 (the organisation file is invalid):\n${(err as Error).message}`);
    process.exit(1);
  }
}
// Local sign-in hands a token to whoever asks: it may only listen where nobody else can ask.
if (!isLoopbackName(host)) {
  console.error(`本机登录只能在本机地址上提供，拒绝在 HOST=${host} 上启动 (local sign-in is on: HOST must be 127.0.0.1, ::1 or localhost)`);
  process.exit(1);
}

// The database, the key and the ledgers are the bureau's: readable by this user only.
process.umask(0o077);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
tightenModes(dataDir);
// One runner per data directory: the lock is taken before the store is opened, and a second start
// leaves the first one's file alone.
const pidFile = join(dataDir, RUNNER_PID_FILE);
const running = takeRunnerLock(dataDir, `http://localhost:${port}`);
if (running) {
  console.error(`另一个 npm start 正在使用 ${dataDir}：进程 ${running.pid}，${running.url}。请使用它，或先停止它 (Ctrl-C) 再启动。`);
  console.error(`(already running on this data: pid ${running.pid}, ${running.url})`);
  process.exit(1);
}
const store = await startEmbeddedStore({ path: join(dataDir, 'db') });
process.env.TABLE_NAME ??= 'taizhang-local';
process.env.DYNAMODB_ENDPOINT = store.endpoint;
process.env.AWS_REGION ??= 'local';
process.env.TEMPLATES_DIR = templatesDir;
process.env.BLOB_DIR ||= join(dataDir, 'compilations');
// Download links are signed afresh at every start; a link from before a restart is refused.
process.env.BLOB_SIGNING_KEY = randomBytes(32).toString('base64url');
// Jobs run in child processes, as Lambda sandboxes; their temporary files live here, and whatever a
// killed run left is removed now.
const tmpRoot = join(dataDir, 'tmp');
rmSync(tmpRoot, { recursive: true, force: true });
const worker = await startLocalWorker({ tmpRoot, deadLetterFile: join(dataDir, 'dead-letters.jsonl') });
process.env.WORKER_FUNCTION = worker.functionName;
process.env.LAMBDA_ENDPOINT = worker.endpoint;
worker.prewarm();
// The example year by default; with --organisation the bureau's own unit, and no example records.
const org = own ?? catalog.exampleOrganisation;
// The example county (示例县委宣传部) and its two smaller units come with the example organisation.
const orgs = own ? [org] : [org, ...exampleCountyOrgs(catalog)];
const loaded = await prepareTable(store.endpoint, process.env.TABLE_NAME, orgs);
let demo = 0;
if (loaded.length && !own) {
  const doc = createDocumentClient({ region: 'local', endpoint: store.endpoint });
  const records = dynamoRecordStore(doc, process.env.TABLE_NAME);
  if (loaded.includes(org.unit.id)) demo = await loadDemoRecords(catalog, org, records, new Date());
  demo += await loadCountyDemoRecords(catalog, records, new Date());
  doc.destroy();
}
// Nothing else runs on this store (one runner at a time), so every marked head and unfinished job
// belongs to a run that died: repair and redispatch them all now, before serving.
const { sweep } = await import('../../functions/worker.js');
const { getCompilationDeps } = await import('../../functions/deps.js');
const swept = await sweep(getCompilationDeps(), { markerAgeMs: 0, graceMs: 0 });
// The county view's snapshots from scratch, after the repairs: what the example records and any
// change a crash cut short left behind (npm run -s snapshots:rebuild does the same while stopped).
const { getRosterStore, getSnapshotDeps } = await import('../../functions/deps.js');
const { rebuildSnapshots, refreshesSettled } = await import('../../functions/core/county/keep-current.js');
// A store made before the example county: its example unit is attached now, as a new roster version.
if (!own && org.county) {
  const { attachToCounty } = await import('../../functions/core/county/attach.js');
  await attachToCounty(getRosterStore(), org.unit.id, org.county, { by: 'load', at: new Date().toISOString(), issuer: LOCAL_ISSUER });
}
const rebuilt = await rebuildSnapshots(getSnapshotDeps(), await getRosterStore().units(), new Date());
if (swept.repaired || swept.redispatched || swept.failed)
  console.log(`repaired ${swept.repaired} record heads left mid-change; jobs: ${swept.redispatched} restarted, ${swept.failed} failed`);
const keys = await loadLocalKeys(join(dataDir, 'local-jwt-key.json'));
const { WEB_DIST, buildWeb } = await import('../../web/build.js');
await buildWeb();
const blobs = blobServer({ root: process.env.BLOB_DIR, signingKey: process.env.BLOB_SIGNING_KEY });
const rosterDoc = createDocumentClient({ region: 'local', endpoint: store.endpoint });
const web = webServer({ distDir: WEB_DIST, keys, rosters: storedRosters(dynamoOrganisationStore(rosterDoc, process.env.TABLE_NAME)), today: () => shanghaiDate(new Date()) });
const server = await createApiServer({
  keys,
  fallback: (req, res) => (blobs.handles(new URL(req.url ?? '/', 'http://localhost').pathname) ? blobs.handle(req, res) : web(req, res)),
});
const requests = trackRequests(server);
await new Promise<void>((ok, fail) => {
  server.once('error', fail);
  server.listen(port, host, ok);
});

// The schedules go through the worker, as in the cloud: the monthly run at 01:00 on the 1st, and a
// sweep every quarter of an hour for anything left behind while running.
const schedule = startMonthlySchedule(async (instant) => {
  console.log(`monthly ledgers: starting compilation jobs for ${instant.toISOString()}`);
  worker.invoke({ type: 'monthly', time: instant.toISOString() });
});
// Evidence uploads never finalised go with the same sweep: the local stand-in for the bucket's
// lifecycle rule on uploads/ (their signature and its grace long past).
const { sweepLocalUploads } = await import('../../functions/store/local-evidence.js');
const { evidenceLimits, readConfig } = await import('../../functions/config.js');
const uploadSeconds = evidenceLimits(readConfig()).uploadSeconds;
const sweepUploads = () =>
  sweepLocalUploads(process.env.BLOB_DIR!, uploadSeconds).then(
    (n) => n && console.log(`evidence: removed ${n} uploads never finalised`),
    (err: unknown) => console.error('evidence: sweeping old uploads failed', err),
  );
await sweepUploads();
const sweeper = setInterval(() => {
  worker.invoke({ type: 'sweep' });
  void sweepUploads();
}, 15 * 60_000);
sweeper.unref();
// The daily reminders (reminderDays in templates/obligations.json), at most once per key and day.
const reminders = startDailySchedule(async (instant) => {
  worker.invoke({ type: 'reminders', time: instant.toISOString() });
});

const today = shanghaiDate(new Date());
const { port: actualPort } = server.address() as AddressInfo;
writeFileSync(pidFile, runnerFileText(`http://localhost:${actualPort}`));
console.log(`台账 Taizhang is running: http://localhost:${actualPort}`);
console.log(
  `data: ${dataDir}${loaded.length ? (own ? ` (organisation loaded from ${options.organisation}: ${loaded.join(', ')})` : ` (example organisation loaded: ${loaded.join(', ')}, ${demo} example records)`) : ''}`,
);
console.log(`snapshots: ${rebuilt} rebuilt for the county view`);
console.log(`open http://localhost:${actualPort}/ and pick a demo user, or use the API with a bearer token:`);
for (const o of orgs) {
  if (orgs.length > 1) console.log(` ${o.unit.name}`);
  for (const p of o.people) {
    const roles = rolesOn(p, today);
    if (roles.length) console.log(`  ${p.id.padEnd(12)} ${p.name}  ${roles.join(', ')}`);
  }
}
console.log(`token: npm run -s token -- --role leader   (or: npm run -s token -- li-na)`);
console.log(`try:   curl -H "Authorization: Bearer $(npm run -s token -- --role leader)" http://localhost:${actualPort}/api/me`);
console.log(
  `ledgers: ${process.env.BLOB_DIR}; next monthly compilation ${shanghaiDate(schedule.next())} 01:00 (Asia/Shanghai); by hand: stop this, then npm run compile -- --period 2026-11`,
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  schedule.stop();
  reminders.stop();
  clearInterval(sweeper);
  // Requests in flight finish first (10 s at most), then running jobs go back to the queue, and only
  // then does the store close: our own stop never cuts a change between its version and its head.
  const cut = await requests.drain(10_000);
  if (cut) console.error(`stopping: ${cut} requests did not finish within 10 s and were cut`);
  await worker.stop(10_000);
  // Snapshot refreshes of answered writes finish too (the next start rebuilds them anyway).
  await Promise.race([refreshesSettled(), new Promise((ok) => setTimeout(ok, 10_000).unref())]);
  rmSync(pidFile, { force: true });
  // An operation the store was still finishing for a client already gone may report the closed
  // database; nothing is left to answer it.
  process.on('uncaughtException', (err) => {
    if (!/Database is (closed|not open)/.test(err.message)) throw err;
  });
  await store.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
