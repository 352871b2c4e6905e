/**
 * `npm run -s snapshots:rebuild`: recomputes every unit's snapshots (DESIGN §14) from its records,
 * against the local store under `.data/`. `npm start` does the same before it serves; this is for a
 * store changed by other means. The store opens in one process only: stop `npm start` first.
 */
import { join, resolve } from 'node:path';
import { startEmbeddedStore } from './embedded-store.js';
import { runningRunner } from './runner-lock.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const busy = runningRunner(dataDir);
if (busy) {
  console.error(`npm start 正在运行（进程 ${busy.pid}），它启动时已重建快照；请先停止它再运行本命令。(npm start holds the local store; stop it first.)`);
  process.exit(1);
}
const store = await startEmbeddedStore({ path: join(dataDir, 'db') });
process.env.TABLE_NAME ??= 'taizhang-local';
process.env.DYNAMODB_ENDPOINT = store.endpoint;
process.env.AWS_REGION ??= 'local';
process.env.TEMPLATES_DIR = resolve(process.env.TEMPLATES_DIR ?? 'templates');
const { getRosterStore, getSnapshotDeps } = await import('../../functions/deps.js');
const { rebuildSnapshots } = await import('../../functions/core/county/keep-current.js');
const started = Date.now();
const written = await rebuildSnapshots(getSnapshotDeps(), await getRosterStore().units(), new Date(), (line) => console.log(line));
console.log(`snapshots: ${written} written in ${Date.now() - started} ms`);
await store.close();
