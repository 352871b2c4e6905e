/**
 * `npm run bench [-- options]`: every benchmark in turn, each given the same options (each reads
 * the ones it knows: ledger.ts --rows --no-store, archive.ts --files --gb, register.ts --records, county.ts --units --records, all --repeat).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const file of ['ledger.ts', 'archive.ts', 'register.ts', 'county.ts']) {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const run = spawnSync(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
