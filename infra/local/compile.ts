/**
 * `npm run compile -- --period 2026-11 [--unit example-bureau]`: compiles the ledgers by hand
 * against the local store under `.data/`, with a progress bar on stderr. The store can be open in
 * one process only: while `npm start` runs, stop it or compile through its API instead.
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { compilationRange } from '../../functions/core/ledger/compilation.js';
import { readCatalog, TemplateError } from '../../functions/core/templates/catalog.js';
import { rangeLabel } from '../../functions/core/ledger/layout.js';
import { parsePeriod, shanghaiDate } from '../../functions/core/periods.js';
import { AppError } from '../../functions/core/errors.js';
import { keys } from '../../functions/store/keys.js';
import { startEmbeddedStore } from './embedded-store.js';
import { runningRunner } from './runner-lock.js';
import { prepareTable } from './setup.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = resolve(process.env.DATA_DIR ?? '.data');
const templatesDir = resolve(process.env.TEMPLATES_DIR ?? 'templates');
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};

const usage = 'usage: npm run compile -- --period <2026 | 2026-H1 | 2026-Q3 | 2026-11> [--unit <unit id>]';
const periodText = arg('period');
const period = periodText ? parsePeriod(periodText) : undefined;
if (!period) {
  console.error(periodText ? `期间格式有误：${periodText}\n${usage}` : usage);
  process.exit(2);
}

const busy = runningRunner(dataDir);
if (busy) {
  console.error(
    [
      `npm start 正在运行（进程 ${busy.pid}），本地数据库（${join(dataDir, 'db')}）同一时间只能由一个进程打开。`,
      `请先停止 npm start（Ctrl-C）再运行本命令，或者通过正在运行的接口汇编：`,
      `  curl -X POST -H "Authorization: Bearer $(npm run -s token -- --role office)" -H "Content-Type: application/json" \\`,
      `       -d '{"period":"${periodText}"}' ${busy.url}/api/compilations`,
      `(npm start is running and holds the local store; stop it first, or compile through its API as above.)`,
    ].join('\n'),
  );
  process.exit(1);
}

let catalog;
try {
  catalog = readCatalog(templatesDir);
} catch (err) {
  if (!(err instanceof TemplateError)) throw err;
  console.error(`模板有误 (templates/ is invalid):\n${err.message}`);
  process.exit(1);
}

// Another process may have taken the store after the check above; LevelDB then refuses it.
process.on('uncaughtException', (err) => {
  if (/Database is (closed|not open)|LOCK/.test(err.message)) {
    console.error(`\n无法打开本地数据库 ${join(dataDir, 'db')}：它正被另一个进程使用（npm start？）。请先停止它再试。`);
    process.exit(1);
  }
  throw err;
});

// The store and the ledgers are the bureau's: readable by this user only, as npm start keeps them.
process.umask(0o077);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const store = await startEmbeddedStore({ path: join(dataDir, 'db') });
process.env.TABLE_NAME ??= 'taizhang-local';
process.env.DYNAMODB_ENDPOINT = store.endpoint;
process.env.AWS_REGION ??= 'local';
process.env.TEMPLATES_DIR = templatesDir;
process.env.BLOB_DIR ||= join(dataDir, 'compilations');
await prepareTable(store.endpoint, process.env.TABLE_NAME, [catalog.exampleOrganisation]);

const { getCompilationDeps } = await import('../../functions/deps.js');
const { compileLedgers } = await import('../../functions/ledger/compile.js');
const deps = getCompilationDeps();

/** A bar on stderr, redrawn at most ten times a second; plain lines when stderr is not a terminal. */
function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  let lastPercent = -1;
  return {
    update(rows: number, total: number | undefined, force = false) {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      const fraction = total ? Math.min(1, rows / total) : 0;
      const percent = Math.floor(fraction * 100);
      const count = `${rows.toLocaleString('en')}${total !== undefined ? `/${total.toLocaleString('en')}` : ''} 行`;
      if (tty) {
        const width = 30;
        const filled = Math.round(fraction * width);
        process.stderr.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${count}   `);
      } else if (force || percent >= lastPercent + 25) {
        lastPercent = percent;
        process.stderr.write(`${label} ${percent}% ${count}\n`);
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

let failed = false;
try {
  const today = shanghaiDate(deps.now());
  const { end } = compilationRange(period, today);
  const units = arg('unit') ? [arg('unit')!] : await deps.units();
  const who = userInfo().username;
  for (const unit of units) {
    const bar = progressBar(`${unit} ${rangeLabel(period, end)}`);
    let seen = 0;
    let total: number | undefined;
    const done = await compileLedgers(deps, {
      unit,
      period,
      asOf: end,
      trigger: 'on-demand',
      by: { id: `local:${who}`, name: `本机命令行（${who}）` },
      estimate: true,
      onProgress: (rows, t) => {
        seen = rows;
        total = t;
        bar.update(rows, t);
      },
    });
    bar.update(seen, total, true);
    bar.done();
    console.log(`${done.filename}  ${done.id}${done.current ? '（当前版本）' : ''}`);
    console.log(`  file:   ${join(process.env.BLOB_DIR!, keys.compilationFile(unit, done.id))}`);
    console.log(`  size:   ${done.size?.toLocaleString('en')} bytes  sha256 ${done.sha256}`);
    for (const s of done.sheets ?? []) console.log(`  ${String(s.rows).padStart(8)}  ${s.name}`);
    if (done.supersedes) console.log(`  supersedes ${done.supersedes}`);
  }
} catch (err) {
  failed = true;
  if (err instanceof AppError) console.error(`${err.detail}${err.errors?.length ? `：${err.errors.map((e) => e.message).join('；')}` : ''}`);
  else console.error(err);
} finally {
  await store.close();
}
process.exit(failed ? 1 : 0);
