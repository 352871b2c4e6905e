/**
 * Builds the web app into web/dist: the page (index.html) and, under assets/, ES modules split by
 * page and one stylesheet, every asset named by a hash of its content so that it can be cached for
 * good. The status colours in the stylesheet are generated from functions/core/ledger/style.ts
 * (the workbook's own legend). Prints the first load (the page, the stylesheet and the modules the
 * sign-in screen needs) gzipped, against the budget. Everything is served from the app's own origin.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { STATUS } from '../functions/core/ledger/style.js';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = resolve(here, 'dist');
import { ASSETS_DIR } from '../infra/local/web.js';

/** Where hashed assets live under dist; the servers give them `immutable`. */
export { ASSETS_DIR };
/** HTML, CSS and JS to a usable sign-in page, gzipped: issue #14's budget. */
export const FIRST_LOAD_BUDGET = 50 * 1024;

export interface WebBuild {
  dir: string;
  /** Every file written, relative to dir (index.html and assets/…). */
  files: string[];
  /** The files the first screen loads, and their gzipped sizes. */
  firstLoad: { files: string[]; gzip: number };
  /** Gzipped size of each file. */
  gzip: Record<string, number>;
  /** The entry module. */
  entry: string;
  /** The source modules each output file holds (paths relative to the repository). */
  modules: Record<string, string[]>;
}

/** The status colours as classes, from the workbook's legend: one definition for both. */
const statusCss: Plugin = {
  name: 'status-css',
  setup(b) {
    b.onResolve({ filter: /^taizhang:status\.css$/ }, () => ({ path: 'status.css', namespace: 'taizhang' }));
    b.onLoad({ filter: /.*/, namespace: 'taizhang' }, () => ({
      loader: 'css',
      contents: Object.entries(STATUS)
        .map(([k, s]) => `.status-${k}{background:${s.css};color:#${s.text.slice(2)};border-color:#${s.text.slice(2)}55}`)
        .join('\n'),
    }));
  },
};

const gz = (b: Buffer | string) => gzipSync(b, { level: 9 }).length;

/** The output files an output's static imports pull in, itself included. */
function staticClosure(meta: Metafile, start: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of meta.outputs[f]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(start);
  return [...seen];
}

export async function buildWeb(options: { quiet?: boolean; outDir?: string } = {}): Promise<WebBuild> {
  const dist = options.outDir ?? WEB_DIST;
  mkdirSync(join(dist, ASSETS_DIR), { recursive: true });
  // Build beside dist and move each file in whole: a page being served (npm start, a test) never
  // reads a half-written file while another process builds. Hashed names never change content.
  const staging = mkdtempSync(join(dist, '.build-'));
  const result = await build({
    entryPoints: { app: join(here, 'src/main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(staging, ASSETS_DIR),
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    plugins: [statusCss],
    logLevel: 'warning',
  });
  const meta = result.metafile;
  const rel = (f: string) => relative(staging, resolve(f)).split('\\').join('/');
  // Lazy pages' chunks carry an entryPoint too (their module): the app's entry is the one from main.tsx.
  const [entryOut, entryInfo] = Object.entries(meta.outputs).find(([, o]) => o.entryPoint?.endsWith('src/main.tsx'))!;
  const entry = rel(entryOut);
  const css = entryInfo.cssBundle ? rel(entryInfo.cssBundle) : undefined;
  const preload = staticClosure(meta, entryOut)
    .filter((f) => f !== entryOut)
    .map(rel);
  const page = readFileSync(join(here, 'index.html'), 'utf8').replace(
    '<!-- assets -->',
    [
      ...(css ? [`<link rel="stylesheet" href="${css}" />`] : []),
      ...preload.map((f) => `<link rel="modulepreload" href="${f}" />`),
      `<script type="module" src="${entry}"></script>`,
    ].join('\n    '),
  );
  writeFileSync(join(staging, 'index.html'), page);

  const files = Object.keys(meta.outputs)
    .filter((f) => !f.endsWith('.map'))
    .map(rel)
    .concat('index.html')
    .sort();
  // Assets first, the page last: the page never names a file not yet in place.
  for (const f of files.filter((x) => x !== 'index.html')) renameSync(join(staging, f), join(dist, f));
  renameSync(join(staging, 'index.html'), join(dist, 'index.html'));
  rmSync(staging, { recursive: true, force: true });
  pruneAssets(dist, files);

  const gzip: Record<string, number> = {};
  for (const f of files) gzip[f] = gz(readFileSync(join(dist, f)));
  const first = ['index.html', ...(css ? [css] : []), entry, ...preload];
  const firstLoad = { files: first, gzip: first.reduce((n, f) => n + gzip[f]!, 0) };
  if (!options.quiet) {
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const lazy = files.filter((f) => !first.includes(f));
    console.log(
      `web: first load ${kb(firstLoad.gzip)} gzipped (budget ${kb(FIRST_LOAD_BUDGET)}): ${first.map((f) => `${f} ${kb(gzip[f]!)}`).join(', ')}; ` +
        `loaded when needed: ${lazy.length} modules, ${kb(lazy.reduce((n, f) => n + gzip[f]!, 0))} gzipped in all`,
    );
  }
  const modules = Object.fromEntries(Object.entries(meta.outputs).map(([f, o]) => [rel(f), Object.keys(o.inputs)]));
  return { dir: dist, files, firstLoad, gzip, entry, modules };
}

/**
 * Removes assets neither this build nor the one before it wrote: a page loaded just before a
 * rebuild can still fetch its lazily loaded modules, and dist does not grow without end.
 */
function pruneAssets(dist: string, files: string[]) {
  const manifest = join(dist, '.builds.json');
  let previous: string[] = [];
  try {
    previous = (JSON.parse(readFileSync(manifest, 'utf8')) as string[][]).at(-1) ?? [];
  } catch {
    // first build here
  }
  const keep = new Set([...previous, ...files]);
  for (const name of readdirSync(join(dist, ASSETS_DIR))) {
    const f = `${ASSETS_DIR}/${name}`;
    if (!name.startsWith('.') && !keep.has(f)) rmSync(join(dist, f), { force: true });
  }
  writeFileSync(manifest, JSON.stringify([previous, files]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
