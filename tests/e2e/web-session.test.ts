/**
 * The web app as a keyboard user, across tabs, through an outage, and over the wire: the
 * keyboard-only path from sign-in to the matrix, the period picker's invalid input, the error
 * state with 重试, one sign-in for every tab (and one sign-out for all, drafts gone), and the
 * caching and compression headers of the page and its assets.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { exampleOrg, FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, screenshot } from '../helpers/browser.js';
import { WEB_DIST } from '../../web/build.js';

let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function newContext(viewport = { width: 1366, height: 768 }): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
}

async function open(ctx: BrowserContext, path = '/'): Promise<Page> {
  const page = await ctx.newPage();
  await page.clock.setFixedTime(new Date(FIXED_NOW));
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(api.url + path);
  return page;
}

/** The focused element's accessible text (its label, or its text). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : '';
    return (el.getAttribute('aria-label') || label || el.closest('label')?.textContent || el.textContent || '').trim();
  });

/** Presses Tab (or Shift+Tab, at most 60 times) until the focused element's text matches. */
async function tabTo(page: Page, text: RegExp, key = 'Tab'): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(key);
    if (text.test(await focused(page))) return;
  }
  throw new Error(`no focusable element matching ${text}`);
}

/**
 * Types a date into the focused date field as a person does, in the order the field shows its
 * parts (headless Chromium lays it out 月/日/年 whatever the page's locale; a Chinese browser 年/月/日).
 */
async function typeDate(page: Page, iso: string) {
  const [y, m, d] = iso.split('-');
  const probe = await page.context().newPage();
  await probe.setContent('<input type="date" id="d">');
  await probe.focus('#d');
  await probe.keyboard.type('1226');
  await probe.keyboard.type('2026');
  const monthFirst = (await probe.inputValue('#d')) === '2026-12-26';
  await probe.close();
  await page.bringToFront();
  if (monthFirst) await page.keyboard.type(`${m}${d}${y}`);
  else {
    await page.keyboard.type(y!);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type(`${m}${d}`);
  }
}

describe('the web app by keyboard', () => {
  it('signs in, files a member-report, submits it and reaches the matrix without a mouse', { timeout: 60_000 }, async () => {
    const page = await open(await newContext());
    await page.getByRole('button', { name: /张伟/ }).waitFor();
    await tabTo(page, /张伟/);
    await page.keyboard.press('Enter');
    // Focus lands on the new page's heading, not the body.
    await page.getByRole('heading', { name: '工作总览', level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // The skip link is the first stop of the page: back past the navigation, then nothing before it.
    await tabTo(page, /^跳到主要内容$/, 'Shift+Tab');
    expect(await page.evaluate(() => document.querySelector('a, button, input, select, textarea') === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('工作总览');

    await tabTo(page, /^去填报：班子成员专题汇报/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '班子成员专题汇报', level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel('汇报人').inputValue()).toBe('zhang-wei');
    await tabTo(page, /^职务/);
    await page.keyboard.type('党组书记、局长');
    await tabTo(page, /^汇报日期/);
    await typeDate(page, '2026-11-26');
    expect(await page.getByLabel('汇报日期').inputValue()).toBe('2026-11-26');
    await tabTo(page, /^汇报形式/);
    await page.keyboard.press('ArrowDown');
    await tabTo(page, /^主要内容摘要/);
    await page.keyboard.type('党组书记下半年意识形态工作综合汇报，键盘填报。');
    await tabTo(page, /^提交$/);
    await page.keyboard.press('Enter');
    await page.getByText('已提交。').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await tabTo(page, /^落实情况$/);
    await page.keyboard.press('Enter');
    await page.locator('table.grid-table').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^落实情况/);
    const row = page.locator('table.grid-table tr', { hasText: '张伟（示例）' }).filter({ hasText: 'O4' });
    await expect.poll(() => row.locator('.badge').first().innerText()).toBe('已完成');
    const stored = await api.call('GET', '/api/submissions?scope=mine&templateId=member-report', { as: 'zhang-wei' });
    expect(stored.body.items.map((r: { data: { summary: string } }) => r.data.summary)).toContain('党组书记下半年意识形态工作综合汇报，键盘填报。');
    await page.context().close();
  });
});

describe('the period picker', () => {
  it('marks a period that does not exist as invalid and keeps showing the one chosen; last month is one tap away', async () => {
    const ctx = await newContext({ width: 390, height: 844 });
    const page = await open(ctx);
    await page.getByRole('button', { name: /孙丽/ }).click();
    await page.locator('#main h1').waitFor();
    await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
    await page.getByRole('heading', { name: '落实情况 · 2026年下半年' }).waitFor();
    const input = page.getByLabel('直接输入');
    await input.fill('2026-13');
    await input.press('Enter');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('“2026-13”不是有效的期间').waitFor();
    expect(page.url()).toContain('period=2026-H2');
    expect(await page.locator('#main h1').innerText()).toBe('落实情况 · 2026年下半年');
    await screenshot(page, 'period-invalid-phone');

    await page.getByRole('button', { name: /^上月/ }).click();
    await page.getByRole('heading', { name: '落实情况 · 2026年10月' }).waitFor();
    // The typed text follows the period shown, and is valid again.
    expect(await input.inputValue()).toBe('2026-10');
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByRole('button', { name: /^上月/ }).getAttribute('aria-pressed')).toBe('true');

    await input.fill('2026-Q3');
    await input.press('Enter');
    await page.getByRole('heading', { name: '落实情况 · 2026年第三季度' }).waitFor();
    await page.getByLabel('年份').selectOption('2025');
    await page.getByRole('heading', { name: '落实情况 · 2025年第三季度' }).waitFor();
    await ctx.close();
  });
});

describe('an outage', () => {
  it('shows the error with 重试 in place of the list, never 还没有记录 beside it, and 重试 loads it', async () => {
    const ctx = await newContext({ width: 390, height: 844 });
    const page = await open(ctx);
    await page.getByRole('button', { name: /李娜/ }).click();
    await page.locator('#main h1').waitFor();
    await page.route('**/api/submissions?*', (route) => route.abort('connectionrefused'));
    await page.goto(`${api.url}/#/records`);
    await page.getByRole('heading', { name: '无法连接服务器' }).waitFor();
    expect(await page.getByText('还没有记录').count()).toBe(0);
    await screenshot(page, 'outage-phone');
    await page.unroute('**/api/submissions?*');
    await page.getByRole('button', { name: '重试' }).click();
    await page.locator('table.data tbody tr').first().waitFor();
    expect(await page.getByRole('heading', { name: '无法连接服务器' }).count()).toBe(0);
    await ctx.close();
  });
});

describe('the session', () => {
  it('serves every tab of the browser after one sign-in, and one sign-out ends it in all of them with drafts and tokens gone', async () => {
    const ctx = await newContext();
    const first = await open(ctx);
    await first.getByRole('button', { name: /王强/ }).click();
    await first.getByRole('heading', { name: '我的待办', level: 1 }).waitFor();

    // A second tab opens signed in, and a draft typed there is kept in the browser.
    const second = await open(ctx, '/#/new/member-report');
    await second.getByRole('heading', { name: '班子成员专题汇报', level: 1 }).waitFor();
    await second.getByLabel('职务').fill('草稿里的职务');
    const keys = () => second.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('taizhang.')).sort());
    expect(await keys()).toEqual(['taizhang.draft.wang-qiang.member-report', 'taizhang.token']);

    await first.getByRole('button', { name: '退出' }).click();
    // The other tab follows: back to sign-in, and nothing of the session is left.
    await second.getByRole('button', { name: /王强/ }).waitFor();
    expect(await second.title()).toBe('登录 - 意识形态工作台账');
    expect(await keys()).toEqual([]);
    expect(await second.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('taizhang.')))).toEqual([]);

    // Signing in again in one tab signs the other in too.
    await second.getByRole('button', { name: /王强/ }).click();
    await first.getByRole('heading', { name: '我的待办', level: 1 }).waitFor();
    await ctx.close();
  });

  it('asks again once the token is about to expire, or when the API refuses it, keeping the drafts', async () => {
    const ctx = await newContext();
    // The real clock here: the token's expiry is the signer's.
    const page = await ctx.newPage();
    await page.goto(api.url + '/');
    const claims = { sub: 'wang-qiang', unit: exampleOrg().unit.id, roles: ['leader'] };
    const stale = await api.keys.sign(claims, { expiresIn: '10s' });
    await page.evaluate((t) => localStorage.setItem('taizhang.token', t), stale);
    await page.reload();
    await page.getByRole('button', { name: /王强/ }).waitFor();

    const good = await api.keys.sign(claims);
    const forged = `${good.slice(0, -4)}${good.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await page.evaluate((t) => {
      localStorage.setItem('taizhang.draft.wang-qiang.member-report', '{"values":{"position":"x"},"idempotencyKey":"k"}');
      localStorage.setItem('taizhang.token', t);
    }, forged);
    await page.reload();
    await page.getByText('登录已过期，请重新登录').first().waitFor();
    await page.getByRole('button', { name: /王强/ }).waitFor();
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('taizhang.')))).toEqual(['taizhang.draft.wang-qiang.member-report']);
    await ctx.close();
  });
});

describe('serving the web app', () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(api.url + path, { headers });
  /** The bytes as sent (fetch would decode them). */
  const raw = (path: string, headers: Record<string, string>) =>
    new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((ok, fail) => {
      request(api.url + path, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(parts) }));
      })
        .on('error', fail)
        .end();
    });

  it('sends the page no-cache with an ETag, and a 304 when it has not changed', async () => {
    const res = await get('/', { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const html = await res.text();
    expect(html).toBe(readFileSync(join(WEB_DIST, 'index.html'), 'utf8'));
    const again = await get('/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get('/', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await get('/config.json')).headers.get('cache-control')).toBe('no-cache');
  });

  it('sends every hashed asset immutable, brotli or gzip as the browser accepts, the same bytes once decoded', async () => {
    const html = await (await get('/')).text();
    const assets = [...html.matchAll(/(?:href|src)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      const file = readFileSync(join(WEB_DIST, a));
      const br = await raw(`/${a}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers.vary).toBe('Accept-Encoding');
      if (file.length > 256) {
        expect(br.headers['content-encoding']).toBe('br');
        expect(brotliDecompressSync(br.body).equals(file)).toBe(true);
        expect(br.body.length).toBeLessThan(file.length);
        const gz = await raw(`/${a}`, { 'accept-encoding': 'gzip' });
        expect(gz.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(gz.body).equals(file)).toBe(true);
      }
      const plain = await raw(`/${a}`, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(file)).toBe(true);
    }
    expect((await get('/assets/app-NOSUCHFILE.js')).status).toBe(404);
    expect((await get('/.builds.json')).status).toBe(404);
  });
});
