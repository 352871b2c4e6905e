import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, SCREENSHOTS } from '../helpers/browser.js';

// The example organisation and its example year; server and browser clocks both show 2026-11-28.
let api: TestApi;
let browser: Browser;
const shots: string[] = [];
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  console.log(`screenshots in ${SCREENSHOTS}:\n${shots.join('\n')}`);
});

async function context(viewport = PHONE): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return ctx;
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

/** A fresh browser (its own storage) signed in as the demo user whose button matches `name`. */
async function signIn(name: RegExp, viewport = PHONE): Promise<Page> {
  const page = await open(await context(viewport));
  await page.getByRole('button', { name }).click();
  await page.locator('#main h1').waitFor();
  return page;
}

const done = async (page: Page) => page.context().close();

describe('the web app', () => {
  it('lets a leader see the report owed, fix a mistake shown in Chinese, submit, and see the obligation met', async () => {
    const page = await signIn(/王强/);
    await page.getByRole('heading', { name: '我的待办', level: 1 }).waitFor();
    const card = page.locator('.card', { hasText: '班子成员向党组专题汇报意识形态工作' });
    await expect.poll(() => card.locator('.badge').innerText()).toBe('进行中');
    shots.push(await screenshot(page, 'home-phone'));
    expect(await overflows(page)).toBe(false);

    await card.getByRole('link', { name: /去填报/ }).click();
    // The link names the subject: the reporter is filled in, the date left to the person.
    await expect.poll(() => page.getByLabel('汇报人').inputValue()).toBe('wang-qiang');
    expect(await page.getByLabel('汇报日期').inputValue()).toBe('');
    await page.getByLabel('职务').fill('党组成员、副局长');
    await page.getByLabel('汇报日期').fill('2026-11-20');
    await page.getByLabel('汇报形式').selectOption('综合汇报');
    await page.getByLabel('主要内容摘要').fill('太短');
    await page.getByRole('button', { name: '提交' }).click();
    const error = page.locator('#f-summary-err');
    await expect.poll(() => error.innerText()).toBe('至少 10 个字');
    expect(await page.getByLabel('主要内容摘要').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('summary');
    shots.push(await screenshot(page, 'form-error-phone'));
    expect(await overflows(page)).toBe(false);

    // A draft survives a reload.
    await page.reload();
    expect(await page.getByLabel('职务').inputValue()).toBe('党组成员、副局长');

    await page.getByLabel('主要内容摘要').fill('下半年分管领域意识形态工作综合汇报，含存在问题和下一步打算。');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已提交。').waitFor();
    const id = page.url().split('#/records/')[1]!.split('?')[0]!;
    await expect.poll(() => page.title()).toBe('班子成员专题汇报 - 意识形态工作台账');

    const bar = page.getByRole('navigation', { name: '主导航（手机）' });
    await bar.getByRole('link', { name: '我的记录' }).click();
    await page.locator(`a[href="#/records/${id}"]`).waitFor();
    await expect.poll(() => page.title()).toBe('我的记录 - 意识形态工作台账');

    await bar.getByRole('link', { name: '我的待办' }).click();
    await expect.poll(() => page.locator('.card', { hasText: '班子成员向党组专题汇报意识形态工作' }).locator('.badge').innerText()).toBe('已完成');

    const stored = await api.call('GET', `/api/submissions/${id}`, { as: 'wang-qiang' });
    expect(stored.body.data).toMatchObject({ reporter: 'wang-qiang', reportDate: '2026-11-20', reportType: '综合汇报' });
    await done(page);
  });

  it('shows the API’s own 400 next to the field when the browser could not know', async () => {
    // The organisation changes under an open form: the API refuses, and the page maps the path.
    const page = await signIn(/李娜/);
    await page.goto(`${api.url}/#/new/study-session`);
    await page.getByLabel('学习类别').selectOption('党员大会');
    await page.getByLabel('学习日期').fill('2026-11-10');
    await page.getByLabel('学习地点').fill('会议室');
    await page.getByLabel('学习形式').selectOption('集中学习');
    await page.getByLabel('学习主题').fill('学习主题');
    await page.getByLabel('学习内容（文件篇目）').fill('学习内容');
    await page.getByLabel('主持人').selectOption('zhang-wei');
    await page.getByLabel('应到人数').fill('10');
    await page.getByLabel('实到人数').fill('9');
    await page.getByLabel('记录人').selectOption('sun-li');
    await page.route('**/api/submissions', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 400, title: 'Bad Request', detail: '表单内容有误', errors: [{ path: 'data.location', message: '服务端：地点有误' }] }),
      }),
    );
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.locator('#f-location-err').innerText()).toBe('服务端：地点有误');
    await done(page);
  });

  it('keeps the draft through an outage and makes one record when the person submits again', async () => {
    const page = await signIn(/李娜/);
    await page.goto(`${api.url}/#/new/member-report`);
    // A leader files only for themselves: the reporter is filled in and locked.
    await expect.poll(() => page.getByLabel('汇报人').inputValue()).toBe('li-na');
    expect(await page.getByLabel('汇报人').isDisabled()).toBe(true);
    await page.getByLabel('职务').fill('副局长');
    await page.getByLabel('汇报日期').fill('2026-11-21');
    await page.getByLabel('汇报形式').selectOption('综合汇报');
    await page.getByLabel('主要内容摘要').fill('断网期间填写的汇报内容摘要，恢复后再提交。');
    // The request reaches the server, which writes the record, but the answer is lost.
    let lost = 0;
    await page.route('**/api/submissions', async (route) => {
      if (lost++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByRole('heading', { name: '无法连接服务器' }).waitFor();
    await page.reload();
    expect(await page.getByLabel('主要内容摘要').inputValue()).toBe('断网期间填写的汇报内容摘要，恢复后再提交。');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已提交。').waitFor();
    const mine = await api.call('GET', '/api/submissions?scope=mine&templateId=member-report&limit=100', { as: 'li-na' });
    expect(mine.body.items.filter((r: { data: { summary: string } }) => r.data.summary.startsWith('断网期间'))).toHaveLength(1);
    await done(page);
  });

  // The two-tab edit (409 merged field by field) is tests/e2e/records-merge.test.ts.

  it('shows a division head a clear refusal on the office pages', async () => {
    const page = await signIn(/周涛/);
    await page.goto(`${api.url}/#/office`);
    await page.getByRole('heading', { name: '没有权限' }).waitFor();
    expect(await page.locator('.refusal').innerText()).toMatch(/办公室/);
    await done(page);
  });

  it('shows the office the matrix as a grid at a desk and a list per person on a phone, every cell a link to the register', async () => {
    const desk = await signIn(/孙丽/, LAPTOP);
    await desk.goto(`${api.url}/#/office/compliance?period=2026-H2`);
    const grid = desk.locator('table.grid-table');
    await grid.waitFor();
    const row = grid.locator('tr', { hasText: '王强（示例）' }).filter({ hasText: 'O4' });
    const cell = row.locator('a.grid-cell');
    expect(await cell.innerText()).toMatch(/已完成|进行中/);
    expect(await cell.getAttribute('href')).toBe('#/records?form=member-report&period=2026-H2&person=wang-qiang');
    expect(await desk.locator('.legend .badge').allInnerTexts()).toEqual(['已完成', '进行中', '未完成', '补报', '未到期']);
    const missing = desk.getByRole('region', { name: '缺报名单' });
    expect(await missing.innerText()).toContain('赵敏（示例）');
    const fill = missing.getByRole('link', { name: /为赵敏（示例）补填2026年下半年班子成员/ });
    expect(await fill.getAttribute('href')).toBe('#/new/member-report?subject=zhao-min&period=2026-H2');
    expect(await desk.title()).toBe('落实情况 · 2026年下半年 - 意识形态工作台账');
    shots.push(await screenshot(desk, 'matrix-laptop'));
    expect(await overflows(desk)).toBe(false);

    // The cell opens the register filtered to that form, period and person.
    await cell.click();
    await desk.getByRole('heading', { name: '记录登记簿' }).waitFor();
    expect(await desk.getByRole('list', { name: '当前筛选条件' }).innerText()).toMatch(/班子成员专题汇报[\s\S]*2026年下半年[\s\S]*王强/);
    await done(desk);

    const phone = await signIn(/孙丽/, PHONE);
    await phone.goto(`${api.url}/#/office/compliance?period=2026-H2`);
    const card = phone.locator('.person-list > li', { hasText: '王强（示例）' });
    await card.waitFor();
    expect(await card.getByRole('link', { name: /王强（示例），2026年下半年，班子成员向党组专题汇报意识形态工作/ }).getAttribute('href')).toBe(
      '#/records?form=member-report&period=2026-H2&person=wang-qiang',
    );
    // A readable list, not a squeezed table: the page stays a few screens tall.
    const height = await phone.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(844 * 8);
    shots.push(await screenshot(phone, 'matrix-phone'));
    expect(await overflows(phone)).toBe(false);
    await done(phone);
  });

  it('lets the office score the assessment in one table, on a phone too', async () => {
    const page = await signIn(/孙丽/, PHONE);
    await page.goto(`${api.url}/#/office/assessment?period=2026`);
    await page.getByText(/^合计/).waitFor();
    const manual = page.locator('table.data tbody tr').filter({ has: page.locator('input.score-input') }).first();
    const label = await manual.locator('input.score-input').getAttribute('id');
    await manual.locator('input.score-input').fill('3');
    await manual.locator('input.reason-input').fill('会议记录完整');
    await manual.getByRole('button', { name: '保存' }).click();
    await page.getByText(/的评分已保存/).waitFor();
    expect(await page.locator(`#${label}`).inputValue()).toBe('3');
    shots.push(await screenshot(page, 'assessment-phone'));
    expect(await overflows(page)).toBe(false);
    // One table, not eleven open forms: about as tall as its rows (the bound was 3663 px for ten items).
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(Math.round((3663 * 11) / 10));
    await done(page);
  });

  it('lets the office compile the month and download a workbook that reads back', async () => {
    const page = await signIn(/孙丽/, LAPTOP);
    await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
    const zhang = page.locator('table.grid-table tr', { hasText: '张伟（示例）' }).filter({ hasText: 'O4' });
    await expect.poll(() => zhang.locator('.badge').first().innerText()).toBe('进行中');
    const report = await api.call('POST', '/api/submissions', {
      as: 'zhang-wei',
      body: { templateId: 'member-report', data: { reporter: 'zhang-wei', position: '党组书记、局长', reportDate: '2026-11-25', reportType: '综合汇报', summary: '党组书记下半年意识形态工作综合汇报。' } },
    });
    expect(report.status).toBe(201);
    await page.reload();
    await expect.poll(() => zhang.locator('.badge').first().innerText()).toBe('已完成');

    await page.goto(`${api.url}/#/office/compilations?period=2026-11`);
    await page.getByRole('button', { name: '立即汇编' }).click();
    await page.getByText('汇编完成。').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /下载/ }).first().click()]);
    expect(download.suggestedFilename()).toMatch(/2026年11月.*台账\.xlsx$/);
    const { openWorkbook } = await import('../helpers/ledger.js');
    const wb = await openWorkbook((await download.path())!);
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(10);
    expect(wb.worksheets.find((w) => w.name.includes('专题汇报'))).toBeDefined();
    // 职务 is not a column of the ledger table (ledger.print); it prints in the record detail.
    let found = false;
    wb.getWorksheet('记录详情')!.eachRow((row) => {
      if ((row.values as unknown[]).some((v) => v === '党组书记、局长')) found = true;
    });
    expect(found).toBe(true);
    await done(page);
  });

  it('shows HTML typed into a field as text, never as markup', async () => {
    const html = '<img src=x onerror="document.title=1">&lt;b&gt;粗体</b>';
    const created = await api.call('POST', '/api/submissions', {
      as: 'li-na',
      body: { templateId: 'member-report', data: { reporter: 'li-na', position: '副局长', area: html, reportDate: '2026-11-04', reportType: '综合汇报', summary: `${html}，以及足够长的摘要内容。` } },
    });
    expect(created.status).toBe(201);
    const page = await signIn(/李娜/);
    await page.goto(`${api.url}/#/records/${created.body.id}`);
    await page.locator('.fields').waitFor();
    expect(await page.locator('.fields').innerText()).toContain(html);
    expect(await page.locator('.fields img, .fields b').count()).toBe(0);
    expect(await page.title()).toBe('班子成员专题汇报 - 意识形态工作台账');
    await done(page);
  });

  it('sends the security headers with the page', async () => {
    const res = await fetch(api.url + '/');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain('lang="zh-CN"');
  });
});
