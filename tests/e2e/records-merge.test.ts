/**
 * Issue 11 item 5 in real Chromium: two tabs of one person edit one record. A one-sided change on
 * each side is kept (A's 主要内容摘要 and B's 备注), and a field changed on both sides is shown with
 * theirs, mine and the base, with nothing sent until the person has chosen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, signIn as signInAs } from '../helpers/browser.js';

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

const signIn = (name: RegExp, viewport: { width: number; height: number }) => signInAs(browser, api.url, name, viewport);

/** Counts the PUTs a page sends to the record, so "nothing sent" is checked, not assumed. */
function puts(page: Page): { n: number } {
  const c = { n: 0 };
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes('/api/submissions/')) c.n++;
  });
  return c;
}

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['laptop', { width: 1366, height: 768 }],
] as const;

describe('a stale edit merged field by field', () => {
  for (const [size, viewport] of SIZES)
    it(`keeps both tabs' one-sided changes and asks about a both-sides change on a ${size}`, async () => {
      const created = await api.call('POST', '/api/submissions', {
        as: 'li-na',
        body: { templateId: 'member-report', data: { reporter: 'li-na', position: '副局长', reportDate: '2026-11-03', reportType: '综合汇报', summary: '第一版的汇报内容摘要，用于合并测试。' } },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      // One person, one browser, two tabs: the session is shared, as it is for a real person.
      const a = await signIn(/李娜/, viewport);
      const b = await a.context().newPage();
      await b.clock.setFixedTime(new Date(FIXED_NOW));
      const sentByB = puts(b);
      for (const p of [a, b]) {
        await p.goto(`${api.url}/#/records/${id}`);
        await p.getByRole('button', { name: '修改', exact: true }).click();
      }
      await a.getByLabel('主要内容摘要').fill('A 标签页改过的汇报内容摘要，必须保留。');
      await a.getByRole('button', { name: '保存修改' }).click();
      await a.getByText('修改已保存。').waitFor();

      await b.getByLabel('备注').fill('B 标签页只改了备注');
      await b.getByRole('button', { name: '保存修改' }).click();
      const panel = b.locator('.conflict');
      await panel.getByRole('button', { name: '保存合并结果' }).waitFor();
      const text = await panel.innerText();
      expect(text).toContain('您本人（可能是在另一个窗口或标签页中）');
      expect(text).toContain('保留对方修改的「主要内容摘要」：A 标签页改过的汇报内容摘要，必须保留。');
      expect(text).toContain('保留您修改的「备注」：B 标签页只改了备注');
      expect(await panel.locator('fieldset').count()).toBe(0);
      expect(sentByB.n).toBe(1); // the stale save, answered 409; nothing since
      await screenshot(b, `merge-one-sided-${size}`);
      expect(await overflows(b)).toBe(false);
      await panel.getByRole('button', { name: '保存合并结果' }).click();
      await b.getByText('合并后的内容已保存。').waitFor();
      let now = await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' });
      expect(now.body.data.summary).toBe('A 标签页改过的汇报内容摘要，必须保留。');
      expect(now.body.data.remarks).toBe('B 标签页只改了备注');
      expect(now.body.version).toBe(3);

      // Both tabs now change 职务: B is shown theirs, mine and the base, and must choose.
      await a.reload();
      for (const p of [a, b]) await p.getByRole('button', { name: '修改', exact: true }).click();
      await a.getByLabel('职务').fill('副局长（A 改）');
      await a.getByRole('button', { name: '保存修改' }).click();
      await a.getByText('修改已保存。').waitFor();
      await b.getByLabel('职务').fill('副局长（B 改）');
      await b.getByRole('button', { name: '保存修改' }).click();
      const both = b.locator('.conflict fieldset');
      await both.waitFor();
      expect(await both.locator('legend').innerText()).toBe('职务');
      expect(await both.getByRole('radio').count()).toBe(3);
      expect(await both.innerText()).toContain('对方的修改：副局长（A 改）');
      expect(await both.innerText()).toContain('我的修改：副局长（B 改）');
      expect(await both.innerText()).toContain('修改前的原内容：副局长');
      const before = sentByB.n;
      await b.getByRole('button', { name: '保存合并结果' }).click();
      await both.getByText('请选择保留哪一个').waitFor();
      expect(await both.getAttribute('aria-invalid')).toBe('true');
      expect(sentByB.n).toBe(before);
      now = await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' });
      expect(now.body.data.position).toBe('副局长（A 改）');
      await screenshot(b, `merge-both-sides-${size}`);
      expect(await overflows(b)).toBe(false);
      await both.getByRole('radio', { name: /我的修改/ }).check();
      await b.getByRole('button', { name: '保存合并结果' }).click();
      await b.getByText('合并后的内容已保存。').waitFor();
      expect(sentByB.n).toBe(before + 1);
      now = await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' });
      expect(now.body.data).toMatchObject({ position: '副局长（B 改）', summary: 'A 标签页改过的汇报内容摘要，必须保留。', remarks: 'B 标签页只改了备注' });
      await a.context().close();
    }, 90_000);
});
