import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, FIRST_LOAD_BUDGET, type WebBuild } from '../../web/build.js';

let dir: string;
let build: WebBuild;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taizhang-web-'));
  build = await buildWeb({ outDir: dir, quiet: true });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const firstModules = () => build.firstLoad.files.flatMap((f) => build.modules[f] ?? []);

describe('the web build', () => {
  it('keeps the first load (page, stylesheet and the modules the sign-in screen needs) within 50 KB gzipped', () => {
    expect(build.firstLoad.files[0]).toBe('index.html');
    expect(build.firstLoad.files.some((f) => f.endsWith('.css'))).toBe(true);
    expect(build.firstLoad.gzip).toBeGreaterThan(5 * 1024);
    expect(build.firstLoad.gzip).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
  });

  it('loads zod and every page only when it is first needed', () => {
    const first = firstModules();
    expect(first.filter((m) => m.includes('node_modules/zod'))).toEqual([]);
    // The page's script is the app's entry, not a lazy page's chunk (each of those has an entry point too).
    expect(build.modules[build.entry]).toContain('web/src/main.tsx');
    for (const page of ['home', 'record', 'records', 'compliance', 'assessment', 'office', 'dashboard', 'review', 'reminders'])
      expect(first, page).not.toContain(`web/src/${page}.tsx`);
    expect(first).toContain('web/src/app.tsx');
    // The form pages still validate with the API's own compiler, on zod/mini.
    const lazy = Object.entries(build.modules).filter(([f]) => !build.firstLoad.files.includes(f)).flatMap(([, m]) => m);
    expect(lazy).toContain('functions/core/templates/schema.ts');
    expect(lazy.some((m) => m.includes('node_modules/zod/v4/mini'))).toBe(true);
    expect(lazy.some((m) => m.includes('node_modules/zod/v4/classic'))).toBe(false);
  });

  it('names every asset by a hash of its content, and the page names them', () => {
    const assets = build.files.filter((f) => f !== 'index.html');
    expect(assets.length).toBeGreaterThan(3);
    for (const f of assets) expect(f).toMatch(/^assets\/[a-z]+-[A-Z0-9]{8}\.(js|css)$/);
  });
});
