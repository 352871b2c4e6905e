/**
 * Every page as every role sees it, at a phone (390×844, then 360 wide) and a laptop (1366×768):
 * axe-core finds no serious or critical violation, nothing scrolls sideways at 360 px, and each
 * page's <title> says where the person is. The focus ring is checked by tabbing through pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { axeViolations, weakFocusRings } from '../helpers/a11y.js';
import { launch, overflows, screenshot } from '../helpers/browser.js';

let api: TestApi;
let browser: Browser;
let recordId: string;
let itemId: string;

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true });
  browser = await launch();
  const created = await api.call('POST', '/api/submissions', {
    as: 'wang-qiang',
    body: { templateId: 'member-report', data: { reporter: 'wang-qiang', position: '副局长', reportDate: '2026-11-02', reportType: '综合汇报', summary: '用于无障碍检查的汇报内容摘要。' } },
  });
  recordId = created.body.id;
  // The example year's inspection has findings: its items are the rectification pages' content.
  itemId = (await api.call('GET', '/api/rectifications?division=policy', { as: 'sun-li' })).body.items[0].id;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['laptop', { width: 1366, height: 768 }],
] as const;

/** Each role's pages: its navigation, a form, a record, and (for those without it) the refusal. */
const PAGES: Record<string, [string, RegExp][]> = {
  'zhang-wei': [
    ['#/', /^工作总览/],
    ['#/office/compliance?period=2026-H2', /^落实情况 · 2026年下半年/],
    ['#/office/assessment?period=2026', /^考核评分 · 2026年度/],
    ['#/office/compilations?period=2026-11', /^台账汇编 · 2026年11月/],
    ['#/records', /^记录登记簿/],
    ['#/review', /^待审核/],
  ],
  'sun-li': [
    ['#/', /^我的待办/],
    ['#/overview', /^工作总览/],
    ['#/new', /^填报/],
    ['#/new/study-session', /^理论学习记录/],
    ['#/office/compliance?period=2026', /^落实情况 · 2026年度/],
    ['#/roster', /^组织名册/],
    ['#/reminders', /^催报提醒/],
    ['#/review', /^待审核/],
    ['#/records?withdrawn=1', /^记录登记簿/],
    ['#/records?form=member-report&period=2026-H2&person=wang-qiang', /^记录登记簿/],
    ['#/new/inspection', /^综合检查和专项督查/],
    ['#/rectifications?status=open', /^问题整改/],
    ['#/rectifications/ITEM', /^整改事项/],
  ],
  'wang-qiang': [
    ['#/', /^我的待办/],
    ['#/new/member-report?subject=wang-qiang&period=2026-H2', /^班子成员专题汇报/],
    ['#/records', /^我的记录/],
    ['#/records/RECORD', /^班子成员专题汇报/],
  ],
  'zhou-tao': [
    ['#/', /^我的待办/],
    ['#/office/compliance', /^落实情况/],
    ['#/rectifications', /^问题整改/],
    ['#/rectifications/ITEM', /^整改事项/],
  ],
};

const NAMES: Record<string, RegExp> = { 'zhang-wei': /张伟/, 'sun-li': /孙丽/, 'wang-qiang': /王强/, 'zhou-tao': /周涛/ };

async function signedIn(user: string, viewport: { width: number; height: number }): Promise<Page> {
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

/** Opens a page by address and waits until its content (not a loading state) is there. */
async function visit(page: Page, hash: string, title: RegExp) {
  await page.goto(`${api.url}/${hash.replace('RECORD', recordId).replace('ITEM', itemId)}`);
  await expect.poll(() => page.title(), { timeout: 10_000 }).toMatch(title);
  await expect.poll(() => page.locator('.loading').count(), { timeout: 10_000 }).toBe(0);
}

describe('every page, every role', () => {
  it('has a sign-in screen with no serious axe findings and no sideways scroll at either size', async () => {
    for (const [, viewport] of SIZES) {
      const page = await browser.newPage({ viewport, locale: 'zh-CN' });
      await page.goto(api.url + '/');
      await page.getByRole('button', { name: /王强/ }).waitFor();
      expect(await page.title()).toBe('登录 - 意识形态工作台账');
      expect(await axeViolations(page)).toEqual([]);
      expect(await weakFocusRings(page, 6)).toEqual([]);
      await page.setViewportSize({ width: 360, height: 780 });
      expect(await overflows(page)).toBe(false);
      await page.close();
    }
  });

  for (const [size, viewport] of SIZES)
    for (const [user, pages] of Object.entries(PAGES))
      it(`passes axe, fits 360 px and titles each page for ${user} on a ${size}`, async () => {
        const page = await signedIn(user, viewport);
        const found: Record<string, string[]> = {};
        for (const [hash, title] of pages) {
          await page.setViewportSize(viewport);
          await visit(page, hash, title);
          const v = await axeViolations(page);
          if (v.length) found[hash] = v;
          if (size === 'laptop' || user === 'sun-li') {
            const weak = await weakFocusRings(page, 40);
            if (weak.length) found[`${hash} focus`] = weak;
          }
          await screenshot(page, `a11y-${user}-${size}-${hash.replace(/[^a-z0-9]+/gi, '_')}`);
          await page.setViewportSize({ width: 360, height: 780 });
          if (await overflows(page)) found[`${hash} at 360 px`] = ['scrolls sideways'];
        }
        expect(found).toEqual({});
        await page.context().close();
      }, 120_000);
});
