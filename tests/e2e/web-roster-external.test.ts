/**
 * The roster page where an external issuer signs people in: the office enters the person's subject,
 * and that subject signs in as them. Its own file: handlers read their configuration once per
 * process, so this API's IDENTITY_PROVIDER cannot share a process with the local one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows } from '../helpers/browser.js';

let external: TestApi;
let browser: Browser;
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  external = await startTestApi({ web: true, env: { IDENTITY_PROVIDER: 'external' } });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await external?.close();
});

describe('the roster page with an external issuer', () => {

  it('asks the office for the person’s subject, and that subject then signs in as them', async () => {
    const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const office = await ctx.newPage();
    await office.clock.setFixedTime(new Date(FIXED_NOW));
    await office.goto(external.url + '/');
    await office.getByRole('button', { name: /孙丽/ }).click();
    await office.locator('#main h1').waitFor();
    await office.goto(external.url + '/#/roster');
    await office.getByRole('heading', { name: '组织名册', level: 1 }).waitFor({ timeout: 10_000 });
    await office.getByRole('button', { name: '添加人员' }).click();
    await office.getByLabel('姓名').fill('钱红');
    await office.getByLabel(/人员编号/).fill('qian-hong');
    // Without the subject the browser keeps the form; the field is there and required.
    expect(await office.getByLabel(/登录身份/).getAttribute('required', { timeout: 10_000 })).not.toBeNull();
    await office.getByLabel(/登录身份/).fill('idp|qian-hong-1');
    await office.getByRole('button', { name: '保存' }).click();
    await office.getByText('已添加 钱红').waitFor({ timeout: 10_000 });
    expect(await overflows(office)).toBe(false);
    await ctx.close();
    const me = await external.call('GET', '/api/me', { headers: { authorization: `Bearer ${await external.keys.sign({ sub: 'idp|qian-hong-1' })}` } });
    expect(me.body).toMatchObject({ id: 'qian-hong' });
  }, 60_000);
});
