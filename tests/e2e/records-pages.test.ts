/**
 * Issue 11's pages in real Chromium against the embedded store: the score box, the register, the
 * links from the matrix, the review queue and the reminders page, at phone and desktop sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { axeViolations } from '../helpers/a11y.js';
import { launch, overflows, screenshot, signIn as signInAs } from '../helpers/browser.js';

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

const signIn = (user: string, viewport: { width: number; height: number }) => signInAs(browser, api.url, NAMES[user]!, viewport);

/** Unfolds the register's filters where a phone has folded them. */
async function openFilters(page: Page) {
  const d = page.locator('details.disclosure');
  if ((await d.getAttribute('open')) === null) await d.locator('summary').click();
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

  it('clears an override only through its own button, with a reason', async () => {
    expect((await api.call('PUT', '/api/assessment/2026/items/A1', { as: 'sun-li', body: { score: 8, reason: '复核后上调' } })).status).toBe(200);
    const page = await signIn('sun-li', PHONE);
    const puts = sent(page, 'PUT', '/api/assessment/');
    await page.goto(`${api.url}/#/office/assessment?period=2026`);
    await page.getByText(/^合计/).waitFor();
    await page.getByText('已人工调整：孙丽（示例），复核后上调').waitFor();
    await page.getByRole('button', { name: /清除人工调整.*组织领导/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: '清除人工调整' }).click();
    await dialog.getByText('请写明理由').waitFor();
    expect(puts.n).toBe(0);
    await dialog.getByLabel(/清除理由/).fill('按规则计分即可');
    await dialog.getByRole('button', { name: '清除人工调整' }).click();
    await page.getByText('「组织领导」已恢复按规则计分').waitFor();
    expect(puts.n).toBe(1);
    const sheet = await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' });
    expect(sheet.body.items.find((i: { id: string }) => i.id === 'A1').override).toBeFalsy();
    // A manual item has nothing to fall back on: no clear button there.
    expect(await page.getByRole('button', { name: /清除人工调整.*舆情应对/ }).count()).toBe(0);
    await page.context().close();
  }, 60_000);
});

const report = (reporter: string, reportDate: string, topic: string) => ({
  templateId: 'member-report',
  data: { reporter, position: '副局长', reportDate, reportType: '专题汇报', topic, summary: `${topic}的汇报内容摘要，用于登记簿测试。` },
});

describe('the register', () => {
  let own: { id: string; number: string };
  let proxy: { id: string; number: string };
  beforeAll(async () => {
    const a = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: report('wang-qiang', '2026-10-12', '网络阵地管理专题') });
    const b = await api.call('POST', '/api/submissions', { as: 'sun-li', body: report('li-na', '2026-10-20', '分管领域舆情研判') });
    expect([a.status, b.status]).toEqual([201, 201]);
    [own, proxy] = [a.body, b.body];
  });

  for (const [size, viewport] of SIZES)
    it(`lets the office find records by keyword, see 代填, and restore a withdrawn one with a reason (${size})`, async () => {
      const c = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: report('wang-qiang', '2026-09-02', `误报后撤回的汇报（${size}）`) });
      expect((await api.call('DELETE', `/api/submissions/${c.body.id}?version=1`, { as: 'wang-qiang' })).status).toBe(204);
      const gone = c.body as { id: string; number: string };
      const page = await signIn('sun-li', viewport);
      await page.goto(`${api.url}/#/records`);
      await expect.poll(() => page.title()).toMatch(/^记录登记簿/);
      const table = page.locator('table.data');
      await table.waitFor();
      expect(await table.innerText()).toContain(own.number);
      const proxyRow = table.locator('tr', { hasText: proxy.number });
      expect(await proxyRow.innerText()).toContain('李娜（示例）');
      expect(await proxyRow.locator('.badge.proxy').innerText()).toBe('代填');
      expect(await table.innerText()).not.toContain(gone.number);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `register-office-${size}`);
      expect(await overflows(page)).toBe(false);

      await openFilters(page);
      await page.getByLabel('关键词').fill('舆情研判');
      await page.getByRole('button', { name: '查询' }).click();
      await expect.poll(() => page.url()).toContain('q=');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      expect(await table.innerText()).toContain(proxy.number);
      await page.getByRole('link', { name: /关键词：舆情研判/ }).click();
      await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(1);

      await openFilters(page);
      await page.getByLabel('只看已撤回').check();
      await page.getByRole('button', { name: '查询' }).click();
      const row = table.locator('tr', { hasText: gone.number });
      await row.waitFor();
      expect(await row.innerText()).toContain('已撤回');
      if (size === 'phone') {
        await row.getByRole('button', { name: /恢复/ }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: '恢复' }).click();
        await dialog.getByText('请写明理由').waitFor();
        await dialog.getByLabel(/恢复理由/).fill('误撤回，按科室说明恢复');
        await dialog.getByRole('button', { name: '恢复' }).click();
        await page.getByText(`已恢复${gone.number}。`).waitFor();
        const back = await api.call('GET', `/api/submissions/${gone.id}`, { as: 'sun-li' });
        expect(back.body.status).toBe('active');
        const history = await api.call('GET', `/api/submissions/${gone.id}/history`, { as: 'sun-li' });
        expect(history.body.items.at(-1)).toMatchObject({ change: 'restore', reason: '误撤回，按科室说明恢复' });
      }
      await page.context().close();
    }, 90_000);

  it('shows a leader only their own records, and a division head their division', async () => {
    const leader = await signIn('wang-qiang', PHONE);
    await leader.goto(`${api.url}/#/records`);
    await expect.poll(() => leader.title()).toMatch(/^我的记录/);
    const table = leader.locator('table.data');
    await table.waitFor();
    expect(await table.innerText()).toContain(own.number);
    expect(await table.innerText()).not.toContain(proxy.number);
    expect(await leader.getByLabel('人员').count()).toBe(0);
    await leader.context().close();
    const head = await signIn('zhou-tao', PHONE);
    await head.goto(`${api.url}/#/records`);
    await expect.poll(() => head.title()).toMatch(/^记录登记簿/);
    await head.getByText('政策法规科的记录').waitFor();
    expect(await head.getByLabel('科室').count()).toBe(0);
    expect(await axeViolations(head)).toEqual([]);
    await head.context().close();
  }, 60_000);

  it('fills the subject in and locks it for anyone but the office', async () => {
    const leader = await signIn('wang-qiang', PHONE);
    await leader.goto(`${api.url}/#/new/member-report?subject=li-na&period=2026-H2`);
    const reporter = leader.getByLabel('汇报人');
    await expect.poll(() => reporter.inputValue()).toBe('wang-qiang');
    expect(await reporter.isDisabled()).toBe(true);
    await leader.getByText('只能为本人填报').waitFor();
    await leader.context().close();
  }, 60_000);

  for (const [size, viewport] of SIZES)
    it(`takes the office from a matrix cell to the records behind it and from 缺报 to a pre-filled form (${size})`, async () => {
      const page = await signIn('sun-li', viewport);
      await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
      const cell =
        size === 'laptop'
          ? page.locator('table.grid-table tr', { hasText: '王强（示例）' }).filter({ hasText: 'O4' }).locator('a.grid-cell')
          : page.locator('.person-list .card', { hasText: '王强（示例）' }).locator('li.ob', { hasText: '班子成员' }).locator('a.chip').first();
      await cell.click();
      await expect.poll(() => page.url()).toContain('#/records?form=member-report&period=2026-H2&person=wang-qiang');
      const table = page.locator('table.data');
      await expect.poll(() => table.innerText()).toContain(own.number);
      expect(await table.innerText()).not.toContain(proxy.number);
      await screenshot(page, `register-from-matrix-${size}`);
      expect(await overflows(page)).toBe(false);
      await table.getByRole('link', { name: own.number }).click();
      // The number is on the register too: wait for the record's own page, not for the text.
      await expect.poll(() => page.url()).toContain(`#/records/${own.id}`);
      await expect.poll(() => page.title()).toMatch(/^班子成员专题汇报/);

      await page.goto(`${api.url}/#/office/compliance?period=2026-H2`);
      const missing = page.getByRole('region', { name: '缺报名单' });
      await missing.getByRole('link', { name: /为赵敏（示例）补填2026年下半年班子成员/ }).click();
      await expect.poll(() => page.getByLabel('汇报人').inputValue()).toBe('zhao-min');
      expect(await page.getByLabel('汇报人').isDisabled()).toBe(false);
      await page.context().close();
    }, 90_000);
});

describe('the review queue', () => {
  for (const [size, viewport] of SIZES)
    it(`lets the secretary approve selected records at once and return one with a reason the filer sees (${size})`, async () => {
      const made = [];
      for (const [who, topic] of [['li-na', `待审核甲（${size}）`], ['li-na', `待审核乙（${size}）`], ['wang-qiang', `待审核丙（${size}）`]] as const) {
        const c = await api.call('POST', '/api/submissions', { as: who, body: report(who, '2026-11-05', topic) });
        expect(c.status).toBe(201);
        expect(c.body.review).toEqual({ state: 'pending' });
        made.push(c.body as { id: string; number: string });
      }
      const [a, b, c] = made as [{ id: string; number: string }, { id: string; number: string }, { id: string; number: string }];
      const page = await signIn('zhang-wei', viewport);
      const reviews = sent(page, 'POST', '/review');
      expect(await page.locator('a[href="#/review"]').count()).toBeGreaterThan(0);
      await page.goto(`${api.url}/#/review`);
      await expect.poll(() => page.title()).toMatch(/^待审核/);
      const table = page.locator('table.data');
      await expect.poll(() => table.innerText()).toContain(c.number);
      const queue = await api.call('GET', '/api/review-queue', { as: 'zhang-wei' });
      const chip = page.getByRole('link', { name: /班子成员专题汇报/ });
      expect(await chip.innerText()).toContain(String(queue.body.counts.find((x: { templateId: string }) => x.templateId === 'member-report').pending));
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `review-queue-${size}`);
      expect(await overflows(page)).toBe(false);

      await page.getByRole('checkbox', { name: `选择 ${a.number}` }).check();
      await page.getByRole('checkbox', { name: `选择 ${b.number}` }).check();
      await page.getByRole('button', { name: '通过所选（2）' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '审核通过' }).click();
      await page.getByText('已通过 2 条记录。').waitFor();
      expect(reviews.n).toBe(2);
      for (const x of [a, b]) expect((await api.call('GET', `/api/submissions/${x.id}`, { as: 'zhang-wei' })).body.review).toMatchObject({ state: 'approved', by: 'zhang-wei' });
      await expect.poll(() => table.innerText()).not.toContain(a.number);

      await page.getByRole('button', { name: `退回 ${c.number}` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: '退回' }).click();
      await dialog.getByText('请写明理由').waitFor();
      expect(reviews.n).toBe(2);
      await dialog.getByLabel(/退回理由/).fill('请补充存在问题和下一步措施');
      await dialog.getByRole('button', { name: '退回' }).click();
      await page.getByText(`已退回${c.number}。`).waitFor();
      expect((await api.call('GET', `/api/submissions/${c.id}`, { as: 'zhang-wei' })).body.review).toMatchObject({ state: 'returned', reason: '请补充存在问题和下一步措施' });
      await page.context().close();

      // The filer sees the reason on their home page and the record says it will be resubmitted.
      const filer = await signIn('wang-qiang', viewport);
      const returned = filer.getByRole('region', { name: '被退回的记录' });
      await expect.poll(() => returned.innerText()).toContain('退回理由：请补充存在问题和下一步措施');
      if (size === 'phone') await screenshot(filer, 'home-returned-phone');
      await returned.getByRole('link', { name: new RegExp(c.number) }).click();
      // The home page lists this run's and the phone run's returned records with the same reason, so read
      // the record's own only once the home page has gone.
      await returned.waitFor({ state: 'detached' });
      await filer.getByText('退回理由：请补充存在问题和下一步措施').waitFor();
      await filer.context().close();

      // Editing an approved record warns first, and the record goes back to 待审核.
      const editor = await signIn('li-na', viewport);
      await editor.goto(`${api.url}/#/records/${a.id}`);
      await editor.getByRole('button', { name: '修改', exact: true }).click();
      await editor.getByText('这条记录已审核。保存修改后将回到“待审核”，需重新审核。').waitFor();
      await editor.getByLabel('备注').fill('审核后补充的备注');
      const edits = sent(editor, 'PUT', '/api/submissions/');
      await editor.getByRole('button', { name: '保存修改' }).click();
      const warn = editor.getByRole('dialog');
      await warn.getByText(/保存修改后它将回到“待审核”/).waitFor();
      expect(edits.n).toBe(0);
      await warn.getByRole('button', { name: '保存修改' }).click();
      await editor.getByText('修改已保存。').waitFor();
      expect((await api.call('GET', `/api/submissions/${a.id}`, { as: 'li-na' })).body.review.state).toBe('pending');
      await editor.context().close();
    }, 120_000);
});

describe('the reminders page', () => {
  for (const [size, viewport] of SIZES)
    it(`lists who owes what with days left and sends to one person (${size})`, async () => {
      const page = await signIn('sun-li', viewport);
      const sends: unknown[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/reminders/send')) sends.push(r.postDataJSON());
      });
      expect(await page.locator('a[href="#/reminders"]').count()).toBeGreaterThan(0);
      await page.goto(`${api.url}/#/reminders`);
      await expect.poll(() => page.title()).toMatch(/^催报提醒/);
      const owed = (await api.call('GET', '/api/reminders', { as: 'sun-li' })).body.items as { to: { id: string; name: string }; daysLeft: number }[];
      expect(owed.length).toBeGreaterThan(0);
      const table = page.getByRole('region', { name: '提醒名单' }).locator('table.data');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(Math.min(owed.length, 20));
      expect(await table.innerText()).toContain(`${owed[0]!.daysLeft} 天`);
      await screenshot(page, `reminders-${size}`);
      expect(await overflows(page)).toBe(false);
      const button = table.locator('tbody tr').first().getByRole('button', { name: /^提醒/ });
      const label = ((await button.textContent()) ?? '').trim();
      const first = owed.find((x) => `提醒${x.to.name}` === label)!.to;
      await button.click();
      await page.getByRole('dialog').getByRole('button', { name: '发送' }).click();
      await page.getByText(/^已发送 \d+ 条提醒/).waitFor();
      expect(sends).toEqual([{ person: first.id }]);
      // The log shows what was just sent: to whom, by whom, by hand.
      const log = page.getByRole('region', { name: '发送记录' });
      await expect.poll(() => log.innerText()).toContain(first.name);
      expect(await log.innerText()).toContain('孙丽（示例） 手动');
      const logged = await api.call('GET', '/api/reminders/log', { as: 'sun-li' });
      expect(logged.body.items.some((x: { person: string; trigger: string; by: string }) => x.person === first.id && x.trigger === 'manual' && x.by === 'sun-li')).toBe(true);
      // One obligation: every person who owes it.
      const ob = page.getByRole('region', { name: '按要求提醒' }).getByRole('button').first();
      await ob.click();
      await page.getByRole('dialog').getByRole('button', { name: '发送' }).click();
      await expect.poll(() => sends.length).toBe(2);
      expect(Object.keys(sends[1] as object)).toEqual(['obligation']);
      if (size === 'phone') await screenshot(page, 'reminders-log-phone');
      expect(await overflows(page)).toBe(false);
      await page.context().close();
    }, 60_000);
});
