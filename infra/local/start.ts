/**
 * `npm start`: the whole product on one machine. The embedded store keeps its data under
 * `.data/`, the same handlers as in Lambda serve http://localhost:3000, the monthly ledgers are
 * compiled at 01:00 on the 1st (Asia/Shanghai) into `.data/compilations`, Ctrl-C stops it all.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { readCatalog, TemplateError } from '../../functions/core/templates/catalog.js';
import { rolesOn } from '../../functions/core/roster/organisation.js';
import { shanghaiDate } from '../../functions/core/periods.js';
import { createApiServer } from './adapter.js';
import { startEmbeddedStore } from './embedded-store.js';
import { loadLocalKeys } from './jwt.js';
import { RUNNER_PID_FILE, runnerFileText } from './runner-lock.js';
import { startMonthlySchedule } from './scheduler.js';
import { prepareTable } from './setup.js';
import { webServer } from './web.js';
import { loadDemoRecords } from './demo.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoRecordStore } from '../../functions/store/records.js';

// Node 20 is what this project supports until the pinned SDK moves on; the notice is in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const templatesDir = resolve(process.env.TEMPLATES_DIR ?? 'templates');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

let catalog;
try {
  catalog = readCatalog(templatesDir);
} catch (err) {
  if (!(err instanceof TemplateError)) throw err;
  console.error(`模板有误，无法启动 (templates/ is invalid):\n${err.message}`);
  process.exit(1);
}

mkdirSync(dataDir, { recursive: true });
const store = await startEmbeddedStore({ path: join(dataDir, 'db') });
// `npm run compile` reads this to tell the user why it cannot open the store while we run.
const pidFile = join(dataDir, RUNNER_PID_FILE);
writeFileSync(pidFile, runnerFileText(`http://localhost:${port}`));
process.env.TABLE_NAME ??= 'taizhang-local';
process.env.DYNAMODB_ENDPOINT = store.endpoint;
process.env.AWS_REGION ??= 'local';
process.env.TEMPLATES_DIR = templatesDir;
process.env.BLOB_DIR ||= join(dataDir, 'compilations');
const org = catalog.exampleOrganisation;
const loaded = await prepareTable(store.endpoint, process.env.TABLE_NAME, [org]);
let demo = 0;
if (loaded.length) {
  const doc = createDocumentClient({ region: 'local', endpoint: store.endpoint });
  demo = await loadDemoRecords(catalog, org, dynamoRecordStore(doc, process.env.TABLE_NAME), new Date());
  doc.destroy();
}
const keys = await loadLocalKeys(join(dataDir, 'local-jwt-key.json'));
const { WEB_DIST, buildWeb } = await import('../../web/build.js');
await buildWeb();
const server = await createApiServer({
  keys,
  fallback: webServer({ distDir: WEB_DIST, keys, org, today: () => shanghaiDate(new Date()) }),
});
await new Promise<void>((ok, fail) => {
  server.once('error', fail);
  server.listen(port, host, ok);
});

const { handler: compileMonthly } = await import('../../functions/compile-scheduled.js');
const schedule = startMonthlySchedule(async (instant) => {
  console.log(`monthly ledgers: compiling for ${instant.toISOString()}`);
  try {
    const out = await compileMonthly({ time: instant.toISOString() });
    for (const c of out.compiled) console.log(`  ${c.unit} ${c.period}: ${c.id}`);
  } catch (err) {
    console.error(`monthly ledgers failed: ${(err as Error).message}`);
  }
});

const today = shanghaiDate(new Date());
const { port: actualPort } = server.address() as AddressInfo;
writeFileSync(pidFile, runnerFileText(`http://localhost:${actualPort}`));
console.log(`台账 Taizhang is running: http://localhost:${actualPort}`);
console.log(`data: ${dataDir}${loaded.length ? ` (example organisation loaded: ${loaded.join(', ')}, ${demo} example records)` : ''}`);
console.log(`open http://localhost:${actualPort}/ and pick a demo user, or use the API with a bearer token:`);
for (const p of org.people) {
  const roles = rolesOn(p, today);
  if (roles.length) console.log(`  ${p.id.padEnd(12)} ${p.name}  ${roles.join(', ')}`);
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
  rmSync(pidFile, { force: true });
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
  await store.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
