/**
 * Rectification in real Chromium, at phone (390 × 844) and desktop size: the office records an
 * inspection with two findings in the form's 问题清单 and opens the items from the inspection; the
 * responsible person (the policy division's head, 周涛) reports measures with a photo and reports it
 * done; the office closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, signIn } from '../helpers/browser.js';
import { fixture } from '../helpers/evidence.js';

let api: TestApi;
let browser: Browser;
beforeAll(async () => {
  api = await startTestApi({ web: true });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
];

async function fillFinding(page: Page, i: number, f: { description: string; division: string; person: string; deadline: string }) {
  await page.locator(`[name="findingsList.${i}.description"]`).fill(f.description);
  await page.locator(`[name="findingsList.${i}.division"]`).selectOption(f.division);
  await page.locator(`[name="findingsList.${i}.person"]`).selectOption(f.person);
  await page.locator(`[name="findingsList.${i}.deadline"]`).fill(f.deadline);
}

describe('rectification in the browser', () => {
  for (const size of SIZES) {
    it(`takes a finding from an inspection to its closing (${size.name})`, async () => {
      const tag = size.name === 'phone' ? '手机' : '电脑';
      // The office records the inspection, two findings in its 问题清单.
      const office = await signIn(browser, api.url, /孙丽/, size.viewport);
      await office.goto(`${api.url}/#/new/inspection`);
      await office.locator('select[name="kind"]').selectOption('专项督查');
      await office.locator('input[name="date"]').fill('2026-11-20');
      await office.locator('select[name="division"]').selectOption('policy');
      await office.locator('input[name="team"]').first().check();
      await office.locator('select[name="progress"]').selectOption('整改中');
      await office.getByRole('button', { name: '添加问题' }).click();
      await fillFinding(office, 0, { description: `学习记录不全（${tag}）`, division: 'policy', person: 'zhou-tao', deadline: '2026-12-10' });
      await office.getByRole('button', { name: '添加问题' }).click();
      await fillFinding(office, 1, { description: `宣传栏未更新（${tag}）`, division: 'services', person: 'wu-fang', deadline: '2026-11-25' });
      // A row can be removed again before saving.
      await office.getByRole('button', { name: '添加问题' }).click();
      await office.getByRole('button', { name: '删除第 3 项' }).click();
      expect(await overflows(office)).toBe(false);
      await screenshot(office, `rectification-form-${size.name}`);
      await office.getByRole('button', { name: '提交' }).click();
      await office.getByRole('link', { name: '查看本次检查的整改事项' }).click();
      await office.getByRole('link', { name: /^整改-2026-\d{3}$/ }).first().waitFor();
      expect(await office.getByRole('link', { name: /^整改-2026-\d{3}$/ }).count()).toBe(2);
      await office.getByText('共 2 项：未销号 2 项，其中逾期 1 项；已销号 0 项。').waitFor();
      expect(await overflows(office)).toBe(false);
      await screenshot(office, `rectification-list-${size.name}`);
      const items = (await api.call('GET', '/api/rectifications', { as: 'sun-li' })).body.items as any[];
      const item = items.find((i) => i.data.description === `学习记录不全（${tag}）`);
      await office.getByRole('link', { name: item.number }).click();
      await office.getByRole('heading', { name: `整改事项 ${item.number}` }).waitFor();
      // The office has nothing to do until it is reported done.
      expect(await office.getByRole('button', { name: '核实销号' }).count()).toBe(0);

      // The responsible person reports measures, adds a photo and reports it done.
      const person = await signIn(browser, api.url, /周涛/, size.viewport);
      await person.getByRole('link', { name: '问题整改' }).first().click();
      await person.getByRole('link', { name: item.number }).click();
      await person.getByRole('button', { name: '报告整改进展' }).click();
      await person.locator('textarea[name="measures"]').fill('已补齐本年度学习记录，建立研讨发言登记');
      await person.getByRole('button', { name: '确认报告整改进展' }).click();
      await person.getByText('整改中').first().waitFor();
      await person.getByTestId('evidence-files').setInputFiles([{ name: '整改后学习记录.jpg', mimeType: 'image/jpeg', buffer: fixture('photo.jpg') }]);
      await expect.poll(() => person.getByRole('list', { name: '佐证材料' }).locator('li').count(), { timeout: 30_000 }).toBe(1);
      await person.getByRole('button', { name: '报告整改完成' }).click();
      await person.getByRole('button', { name: '确认报告整改完成' }).click();
      await person.getByText('待销号').first().waitFor();
      expect(await overflows(person)).toBe(false);
      await screenshot(person, `rectification-reported-${size.name}`);

      // The office verifies and closes it.
      await office.reload();
      await office.getByRole('button', { name: '核实销号' }).click();
      await office.getByRole('button', { name: '确认核实销号' }).click();
      await office.getByText('已销号').first().waitFor();
      await office.getByText('孙丽（示例）（2026-11-28）').waitFor();
      expect(await overflows(office)).toBe(false);
      await screenshot(office, `rectification-closed-${size.name}`);

      const done = (await api.call('GET', `/api/rectifications/${item.id}`, { as: 'sun-li' })).body;
      expect(done.item.data).toMatchObject({ status: '已销号', closedBy: 'sun-li', measures: '已补齐本年度学习记录，建立研讨发言登记' });
      expect(done.item.attachments.map((a: any) => a.name)).toEqual(['整改后学习记录.jpg']);
      // Every step a version, by whom it was taken; the photo (and the small preview the page makes of it) too.
      const history = done.history as any[];
      expect(history[0]).toMatchObject({ change: 'create', by: 'sun-li' });
      expect(history.filter((h) => h.change === 'transition').map((h) => h.by)).toEqual(['zhou-tao', 'zhou-tao', 'sun-li']);
      const attaches = history.filter((h) => h.change === 'attach');
      expect(attaches.length).toBeGreaterThanOrEqual(1);
      expect(attaches.every((h) => h.by === 'zhou-tao')).toBe(true);
      await office.context().close();
      await person.context().close();
    }, 180_000);
  }
});
