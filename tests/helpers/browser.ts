/** Debian's Chromium driven by playwright-core: headless, no sandbox (root in CI), no background traffic. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { FIXED_NOW } from './api.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-results/screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** True when nothing in the page is wider than the viewport. */
export async function overflows(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

/**
 * A fresh context at the tests' fixed clock, signed in through the local sign-in list as the person
 * whose button matches `name`; an error thrown in the page fails the test.
 */
export async function signIn(
  browser: Browser,
  url: string,
  name: RegExp,
  viewport: { width: number; height: number },
  options: BrowserContextOptions = {},
  /** What only a signed-in person's frame has: the 填报 link, or for a county person its own nav. */
  ready = 'a[href="#/new"]',
): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const page = await ctx.newPage();
  await page.clock.setFixedTime(new Date(FIXED_NOW));
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(url + '/');
  await page.getByRole('button', { name }).click();
  // The sign-in screen has an h1 too: wait for the frame's navigation, which only a signed-in person has.
  await page.locator(ready).first().waitFor({ state: 'attached' });
  await page.locator('#main h1').waitFor();
  return page;
}
