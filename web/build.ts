/**
 * Builds the web app into web/dist: one ES module bundle, one stylesheet (with the status colours
 * generated from functions/core/ledger/style.ts, the workbook's own legend) and the page.
 * Prints the gzipped sizes. Everything is served from the app's own origin.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { STATUS } from '../functions/core/ledger/style.js';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = resolve(here, 'dist');

export async function buildWeb(options: { quiet?: boolean } = {}): Promise<Record<string, number>> {
  mkdirSync(WEB_DIST, { recursive: true });
  // Build beside dist and move each file in whole: a page being served (npm start, a test) never
  // reads a half-written bundle while another process builds.
  const staging = mkdtempSync(join(here, '.build-'));
  await build({
    entryPoints: [join(here, 'src/main.tsx')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: join(staging, 'app.js'),
    logLevel: 'warning',
  });
  const statusCss = Object.entries(STATUS)
    .map(([k, s]) => `.status-${k}{background:${s.css};color:#${s.text.slice(2)};border-color:#${s.text.slice(2)}33}`)
    .join('\n');
  writeFileSync(join(staging, 'app.css'), `${readFileSync(join(here, 'styles.css'), 'utf8')}\n${statusCss}\n`);
  copyFileSync(join(here, 'index.html'), join(staging, 'index.html'));
  for (const f of ['app.js', 'app.css', 'index.html']) renameSync(join(staging, f), join(WEB_DIST, f));
  rmSync(staging, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  for (const f of ['app.js', 'app.css', 'index.html']) sizes[f] = gzipSync(readFileSync(join(WEB_DIST, f))).length;
  if (!options.quiet)
    console.log(`web: ${Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KB gz`).join(', ')}`);
  return sizes;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
