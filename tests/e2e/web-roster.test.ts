/**
 * The roster page in real Chromium: the office adds a division and a person at a desk, gives them a
 * role, and that person signs in on a phone and files a record with exactly the roster's rights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, signIn as signInAs } from '../helpers/browser.js';

let api: TestApi;
let browser: Browser;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  api = await startTestApi({ web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const signIn = (name: RegExp, viewport: { width: number; height: number }) => signInAs(browser, api.url, name, viewport);

describe('the roster page', () => {
  it('lets the office add a division and a person with a role, and that person then signs in and files', async () => {
    const office = await signIn(/孙丽/, LAPTOP);
    await office.getByRole('link', { name: '组织名册' }).first().click();
    await office.getByRole('heading', { name: '组织名册', level: 1 }).waitFor();
    await office.getByRole('cell', { name: '徐静（示例）' }).first().waitFor();

    await office.getByRole('button', { name: '添加科室' }).click();
    await office.getByLabel('科室名称').fill('审计科');
    await office.getByLabel(/科室编号/).fill('audit');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByText('已添加科室 审计科').waitFor();

    await office.getByRole('button', { name: '添加人员' }).click();
    await office.getByLabel('姓名').fill('钱红');
    await office.getByLabel(/人员编号/).fill('qian-hong');
    await office.getByLabel('职务').fill('党组成员');
    await office.getByLabel('科室', { exact: true }).selectOption('audit');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByText('已添加 钱红').waitFor();

    // Search finds her; then give her a role from today.
    await office.getByRole('searchbox').fill('钱红');
    const row = office.getByRole('row', { name: /钱红/ });
    await row.getByRole('button', { name: '角色' }).click();
    await office.getByLabel('授予角色').selectOption('leader');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByText('已更新 钱红 的角色').waitFor();
    await expect.poll(() => row.innerText()).toContain('班子成员');
    await screenshot(office, 'roster-desk');
    expect(await overflows(office)).toBe(false);
    await office.context().close();

    const roster = (await api.call('GET', '/api/roster', { as: 'sun-li' })).body;
    expect(roster.people.find((p: { id: string }) => p.id === 'qian-hong')).toMatchObject({ division: 'audit', roles: [{ role: 'leader', from: '2026-11-28' }] });

    const her = await signIn(/钱红/, PHONE);
    expect(await overflows(her)).toBe(false);
    await her.goto(`${api.url}/#/new/member-report?subject=qian-hong`);
    await expect.poll(() => her.getByLabel('汇报人').inputValue()).toBe('qian-hong');
    await her.getByLabel('职务').fill('党组成员');
    // Her role began today: a report dated yesterday would be refused (she was not yet a leader).
    await her.getByLabel('汇报日期').fill('2026-11-28');
    await her.getByLabel('汇报形式').selectOption('综合汇报');
    await her.getByLabel('主要内容摘要').fill('新任班子成员第一次向党组专题汇报意识形态工作。');
    await her.getByRole('button', { name: '提交' }).click();
    await her.getByText('已提交。').waitFor({ timeout: 5000 }).catch(async (e) => {
      throw new Error(`${e}\n${await her.locator('#main').innerText()}`);
    });
    await screenshot(her, 'roster-new-person-phone');
    // Her rights are the roster's: a leader, not the office.
    expect((await api.call('GET', '/api/me', { as: 'qian-hong' })).body).toMatchObject({ roles: ['leader'], division: { id: 'audit' } });
    expect((await api.call('GET', '/api/reminders', { as: 'qian-hong' })).status).toBe(403);
    await her.context().close();
  }, 120_000);

  it('shows the roster page at phone size as cards that fit the screen', async () => {
    const office = await signIn(/孙丽/, PHONE);
    await office.goto(`${api.url}/#/roster`);
    await office.getByRole('heading', { name: '组织名册', level: 1 }).waitFor();
    await office.getByText('徐静（示例）').first().waitFor();
    expect(await overflows(office)).toBe(false);
    // A table's caption above its cards reads on one line, not one character per line.
    const caption = await office.locator('caption', { hasText: '人员' }).boundingBox();
    expect(caption!.height).toBeLessThan(40);
    await screenshot(office, 'roster-phone');
    await office.context().close();
  }, 60_000);
});
