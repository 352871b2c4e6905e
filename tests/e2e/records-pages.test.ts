/**
 * Issue 11's pages in real Chromium against the embedded store: the score box, the register, the
 * links from the matrix, the review queue and the reminders page, at phone and desktop sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { axeViolations } from '../helpers/a11y.js';
import { launch, overflows, screenshot } from '../helpers/browser.js';

let api: TestApi;
let browser: Browser;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const SIZES = [
  ['phone', PHONE],
  ['laptop', LAPTOP],
] as const;
const NAMES: Record<string, RegExp> = { 'zhang-wei': /张伟/, 'sun-li': /孙丽/, 'wang-qiang': /王强/, 'zhou-tao': /周涛/, 'li-na': /李娜/ };

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function signIn(user: string, viewport: { width: number; height: number }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  await page.clock.setFixedTime(new Date(FIXED_NOW));
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(api.url + '/');
  await page.getByRole('button', { name: NAMES[user] }).click();
  await page.locator('#main h1').waitFor();
  return page;
}

/** Requests a page sends with this method to paths containing `part`, counted as they go. */
function sent(page: Page, method: string, part: string): { n: number } {
  const c = { n: 0 };
  page.on('request', (r) => {
    if (r.method() === method && r.url().includes(part)) c.n++;
  });
  return c;
}

describe('the score box', () => {
  for (const [size, viewport] of SIZES)
    it(`refuses 七分, abc, -1 and 11 on a 10-point item with a field error and sends nothing (${size})`, async () => {
      const put = await api.call('PUT', '/api/assessment/2026/items/A10', { as: 'sun-li', body: { score: 7, reason: '舆情处置及时' } });
      expect(put.status).toBe(200);
      const page = await signIn('sun-li', viewport);
      const puts = sent(page, 'PUT', '/api/assessment/');
      await page.goto(`${api.url}/#/office/assessment?period=2026`);
      await page.getByText(/^合计/).waitFor();
      const box = page.locator("#score-A10-s");
      const reason = page.getByLabel('舆情应对评分理由');
      const error = page.locator('#score-A10-score-e');
      const cases: [string, string][] = [
        ['七分', '请填写 0 到 10 之间的数字，如 8 或 8.5'],
        ['abc', '请填写 0 到 10 之间的数字，如 8 或 8.5'],
        ['-1', '分数不能小于 0'],
        ['11', '不能超过标准分值 10'],
      ];
      for (const [typed, message] of cases) {
        await box.fill(typed);
        await reason.fill('复核后调整');
        await box.press('Enter');
        await expect.poll(() => error.innerText()).toBe(message);
        expect(await box.getAttribute('aria-invalid')).toBe('true');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('score-A10-s');
      }
      if (size === 'phone') await screenshot(page, 'score-error-phone');
      expect(puts.n).toBe(0);
      const sheet = await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' });
      expect(sheet.body.items.find((i: { id: string }) => i.id === 'A10').score).toBe(7);
      expect(await overflows(page)).toBe(false);
      await page.context().close();
    }, 60_000);
});
