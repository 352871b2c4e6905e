/**
 * `npm run bench:web [-- --repeat 5 --base <commit>]`: the web app's first screen (the sign-in
 * page with its list of users) and a reload, in Chromium under DevTools' Fast 3G and Fast 4G
 * network emulation (CDP Network.emulateNetworkConditions), with the bytes transferred, for this
 * build against the build of `--base` (default: where this branch left main), each served by its
 * own infra/local/web.ts, measured the same way in the same run, runs interleaved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCatalog } from '../functions/core/templates/catalog.js';
import { newLocalKeys } from '../infra/local/jwt.js';
import { launch } from '../tests/helpers/browser.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, base: { type: 'string' } } });
const repeat = Number(values.repeat);
const root = resolve('.');
const base = values.base ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).trim();

/** DevTools' presets (Chromium's throttling presets, as in its network panel). */
const NETWORKS = {
  'Fast 3G': { latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 },
  'Fast 4G': { latency: 165, downloadThroughput: (9 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (1.5 * 1024 * 1024 * 0.9) / 8 },
} as const;

type WebServerFactory = (o: { distDir: string; keys: unknown; org: unknown; today: () => string }) => (req: unknown, res: unknown) => void;

/** Builds a tree's web app with its own build script and serves it with its own web server. */
async function serve(tree: string, label: string): Promise<{ label: string; url: string; server: Server }> {
  const build = (await import(join(tree, 'web/build.ts'))) as { buildWeb(o?: { quiet?: boolean }): Promise<unknown>; WEB_DIST: string };
  await build.buildWeb({ quiet: true });
  const { webServer } = (await import(join(tree, 'infra/local/web.ts'))) as { webServer: WebServerFactory };
  const org = readCatalog(join(root, 'templates')).exampleOrganisation;
  const handler = webServer({ distDir: build.WEB_DIST, keys: await newLocalKeys(), org, today: () => '2026-11-28' });
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { label, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

interface Run {
  firstMs: number;
  reloadMs: number;
  firstBytes: number;
  reloadBytes: number;
}

/** Loads the page cold, then reloads it, under the network given; times to the users' list in the page's own clock. */
async function measure(url: string, network: (typeof NETWORKS)[keyof typeof NETWORKS]): Promise<Run> {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
    const screen = async (go: () => Promise<unknown>) => {
      bytes = 0;
      await go();
      await page.waitForSelector('ul.users button', { timeout: 120_000 });
      const ms = await page.evaluate(() => performance.now());
      // Let the last responses finish counting.
      await page.waitForLoadState('networkidle');
      return { ms, bytes };
    };
    const first = await screen(() => page.goto(url, { waitUntil: 'commit' }));
    const reload = await screen(() => page.reload({ waitUntil: 'commit' }));
    return { firstMs: first.ms, reloadMs: reload.ms, firstBytes: first.bytes, reloadBytes: reload.bytes };
  } finally {
    await browser.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const scratch = mkdtempSync(join(tmpdir(), 'taizhang-web-base-'));
try {
  execFileSync('sh', ['-c', `git archive ${base} | tar -x -C ${scratch}`]);
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  const builds = [await serve(scratch, `before (${base.slice(0, 7)})`), await serve(root, 'this build')];
  const rows: string[] = [];
  const results: Record<string, Record<string, Run[]>> = {};
  for (const net of Object.keys(NETWORKS) as (keyof typeof NETWORKS)[]) {
    for (let i = 0; i < repeat; i++)
      for (const b of builds) ((results[net] ??= {})[b.label] ??= []).push(await measure(b.url, NETWORKS[net]));
    const m = (label: string, k: keyof Run) => median(results[net]![label]!.map((r) => r[k]));
    const [before, after] = builds.map((b) => b.label) as [string, string];
    for (const label of [before, after])
      rows.push(
        `| ${net} | ${label} | ${(m(label, 'firstMs') / 1000).toFixed(2)} s | ${(m(label, 'reloadMs') / 1000).toFixed(2)} s | ${(m(label, 'firstBytes') / 1024).toFixed(1)} KB | ${(m(label, 'reloadBytes') / 1024).toFixed(1)} KB |`,
      );
    rows.push(
      `| ${net} | × before | ${(m(after, 'firstMs') / m(before, 'firstMs')).toFixed(2)} | ${(m(after, 'reloadMs') / m(before, 'reloadMs')).toFixed(2)} | ${(m(after, 'firstBytes') / m(before, 'firstBytes')).toFixed(2)} | ${(m(after, 'reloadBytes') / m(before, 'reloadBytes')).toFixed(2)} |`,
    );
  }
  console.log(`medians of ${repeat} runs each, a fresh browser per run, phone viewport`);
  console.log('| network | build | first screen | reload | bytes, first load | bytes, reload |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  for (const b of builds) b.server.close();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
