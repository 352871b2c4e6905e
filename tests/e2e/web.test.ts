import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, SCREENSHOTS } from '../helpers/browser.js';

// The example organisation and its example year; server and browser clocks both show 2026-11-28.
let api: TestApi;
let browser: Browser;
const shots: string[] = [];

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  console.log(`screenshots in ${SCREENSHOTS}:\n${shots.join('\n')}`);
});

async function signIn(name: RegExp, viewport = { width: 390, height: 844 }): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await page.clock.setFixedTime(new Date(FIXED_NOW));
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(api.url + '/');
  await page.getByRole('button', { name }).click();
  await page.getByRole('heading', { name: '我的待办' }).waitFor();
  return page;
}

describe('the web app', () => {
  it('lets a leader see the report owed, fix a mistake shown in Chinese, submit, and see the obligation met', async () => {
    const page = await signIn(/王强/);
    const card = page.locator('.card', { hasText: '班子成员向党组专题汇报意识形态工作' });
    await expect.poll(() => card.locator('.badge').innerText()).toBe('进行中');
    shots.push(await screenshot(page, 'home-phone'));
    expect(await overflows(page)).toBe(false);

    await card.getByRole('link', { name: /去填报/ }).click();
    await page.getByLabel('汇报人').selectOption('wang-qiang');
    await page.getByLabel('职务').fill('党组成员、副局长');
    await page.getByLabel('汇报日期').fill('2026-11-20');
    await page.getByLabel('汇报形式').selectOption('综合汇报');
    await page.getByLabel('主要内容摘要').fill('太短');
    await page.getByRole('button', { name: '提交' }).click();
    const error = page.locator('#f-summary-err');
    await expect.poll(() => error.innerText()).toBe('至少 10 个字');
    expect(await page.getByLabel('主要内容摘要').getAttribute('aria-invalid')).toBe('true');
    shots.push(await screenshot(page, 'form-error-phone'));
    expect(await overflows(page)).toBe(false);

    // A draft survives a reload.
    await page.reload();
    expect(await page.getByLabel('职务').inputValue()).toBe('党组成员、副局长');

    await page.getByLabel('主要内容摘要').fill('下半年分管领域意识形态工作综合汇报，含存在问题和下一步打算。');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('已提交。').waitFor();
    const id = page.url().split('#/records/')[1]!.split('?')[0]!;

    await page.getByRole('link', { name: '我的记录' }).click();
    await page.locator(`a[href="#/records/${id}"]`).waitFor();

    await page.getByRole('link', { name: '待办' }).click();
    await expect.poll(() => page.locator('.card', { hasText: '班子成员向党组专题汇报意识形态工作' }).locator('.badge').innerText()).toBe('已完成');

    const stored = await api.call('GET', `/api/submissions/${id}`, { as: 'wang-qiang' });
    expect(stored.body.data).toMatchObject({ reporter: 'wang-qiang', reportDate: '2026-11-20', reportType: '综合汇报' });
    await page.close();
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
    await page.close();
  });

  it('tells the second of two editors that someone else changed the record, showing both', async () => {
    const created = await api.call('POST', '/api/submissions', {
      as: 'li-na',
      body: { templateId: 'member-report', data: { reporter: 'li-na', position: '副局长', reportDate: '2026-11-03', reportType: '综合汇报', summary: '第一版的汇报内容摘要，用于冲突测试。' } },
    });
    const a = await signIn(/李娜/);
    const b = await signIn(/李娜/);
    for (const p of [a, b]) {
      await p.goto(`${api.url}/#/records/${created.body.id}`);
      await p.getByRole('button', { name: '修改', exact: true }).click();
    }
    await a.getByLabel('职务').fill('副局长（A 改）');
    await a.getByRole('button', { name: '保存修改' }).click();
    await a.getByText('第 2 版').waitFor();
    await b.getByLabel('职务').fill('副局长（B 改）');
    await b.getByRole('button', { name: '保存修改' }).click();
    const alert = b.locator('.conflict');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/已被他人修改/);
    expect(await alert.innerText()).toContain('副局长（A 改）');
    expect(await alert.innerText()).toContain('副局长（B 改）');
    await a.close();
    await b.close();
  });

  it('shows a division head a clear refusal on the office page', async () => {
    const page = await signIn(/周涛/);
    await page.goto(`${api.url}/#/office`);
    await page.getByRole('heading', { name: '没有权限' }).waitFor();
    expect(await page.locator('.refusal').innerText()).toMatch(/办公室/);
    await page.close();
  });

  it('shows the office the compliance matrix with the legend, on a phone and a laptop', async () => {
    for (const [name, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['laptop', { width: 1366, height: 768 }],
    ] as const) {
      const page = await signIn(/孙丽/, viewport);
      await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
      await page.locator('table.matrix').waitFor();
      const row = page.locator('tr', { hasText: '王强（示例）' }).filter({ hasText: 'O4' });
      expect(await row.innerText()).toMatch(/已完成|进行中/);
      expect(await page.locator('.legend .badge').allInnerTexts()).toEqual(['已完成', '进行中', '未完成', '补报', '未到期']);
      expect(await page.locator('.missing').innerText()).toContain('赵敏（示例）');
      shots.push(await screenshot(page, `matrix-${name}`));
      expect(await overflows(page)).toBe(false);
      if (name === 'laptop') {
        await page.goto(`${api.url}/#/`);
        await page.getByRole('heading', { name: '我的待办' }).waitFor();
        shots.push(await screenshot(page, 'home-laptop'));
        await page.goto(`${api.url}/#/new/member-report`);
        await page.getByRole('button', { name: '提交' }).click();
        await page.locator('#f-reporter-err').waitFor();
        shots.push(await screenshot(page, 'form-error-laptop'));
        expect(await overflows(page)).toBe(false);
      }
      await page.close();
    }
  });

  it('lets the office see the matrix change, compile the month and download a workbook that reads back', async () => {
    const page = await signIn(/孙丽/, { width: 1366, height: 768 });
    await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
    const zhang = page.locator('tr', { hasText: '张伟（示例）' }).filter({ hasText: 'O4' });
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
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载' }).first().click()]);
    expect(download.suggestedFilename()).toMatch(/2026年11月.*台账\.xlsx$/);
    const { openWorkbook } = await import('../helpers/ledger.js');
    const wb = await openWorkbook((await download.path())!);
    const names = wb.worksheets.map((w) => w.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    const reports = wb.worksheets.find((w) => w.name.includes('专题汇报'))!;
    let found = false;
    reports.eachRow((row) => {
      if ((row.values as unknown[]).some((v) => v === '党组书记、局长')) found = true;
    });
    expect(found).toBe(true);
    await page.close();
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
    expect(await page.title()).toBe('意识形态工作台账');
    await page.close();
  });

  it('sends the security headers with the page', async () => {
    const res = await fetch(api.url + '/');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain('lang="zh-CN"');
  });
});
