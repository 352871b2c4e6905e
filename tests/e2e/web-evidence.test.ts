/**
 * Evidence from a phone, in real Chromium at 390 × 844: pick three photos (one a big camera-sized
 * JPEG, made smaller in the page) and a PDF at once, lose the connection before they are
 * confirmed, reload, and find all four on the record and in its history; download one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot } from '../helpers/browser.js';
import { fixture } from '../helpers/evidence.js';
import { memberReport } from '../helpers/fixtures.js';

let api: TestApi;
let browser: Browser;
beforeAll(async () => {
  api = await startTestApi({ web: true });
  browser = await launch();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('evidence on the phone', () => {
  it('uploads photos and a PDF, survives a reload before they are confirmed, and shows them on the record and in its history', async () => {
    const created = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    await page.clock.setFixedTime(new Date(FIXED_NOW));
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(api.url);
    await page.getByRole('button', { name: /李娜/ }).click();
    await page.locator('#main h1').waitFor();
    await page.goto(`${api.url}/#/records/${id}`);
    await page.getByRole('heading', { name: /佐证材料/ }).waitFor();

    // A 4000 × 3000 photo as a phone camera makes it, drawn in the page itself.
    const big = Buffer.from(
      await page.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = 4000;
        c.height = 3000;
        const g = c.getContext('2d')!;
        for (let i = 0; i < 40; i++) {
          g.fillStyle = `hsl(${i * 9} 70% 50%)`;
          g.fillRect(i * 100, 0, 100, 3000);
        }
        const blob = await new Promise<Blob>((ok) => c.toBlob((b) => ok(b!), 'image/jpeg', 0.95));
        return [...new Uint8Array(await blob.arrayBuffer())];
      }),
    );
    expect(big.length).toBeGreaterThan(0);

    // The connection drops on every finalise: the files are sent, but not yet confirmed.
    await page.route('**/finalise', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('evidence-files').setInputFiles([
      { name: '会场全景.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: '签到表.png', mimeType: 'image/png', buffer: fixture('photo.png') },
      { name: '学习现场.webp', mimeType: 'image/webp', buffer: fixture('photo.webp') },
      { name: '会议纪要.pdf', mimeType: 'application/pdf', buffer: fixture('minutes.pdf') },
    ]);
    await expect.poll(() => page.getByRole('button', { name: '重试' }).count(), { timeout: 30_000 }).toBe(4);
    expect(await page.locator('progress').count()).toBe(4);
    expect(await page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '[]').length, `taizhang.uploads.${id}`)).toBe(4);
    await screenshot(page, 'evidence-retry-phone');

    // Reload with the connection back: the page confirms what was sent.
    await page.unroute('**/finalise');
    await page.reload();
    const list = page.getByRole('list', { name: '佐证材料' });
    await expect.poll(() => list.locator('li').count(), { timeout: 30_000 }).toBe(4);
    expect(await page.getByRole('heading', { name: '佐证材料（4）' }).count()).toBe(1);
    expect(await overflows(page)).toBe(false);
    await screenshot(page, 'evidence-list-phone');

    const record = (await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' })).body;
    expect(record.attachments.map((a: any) => a.name).sort()).toEqual(['会场全景.jpg', '会议纪要.pdf', '学习现场.webp', '签到表.png'].sort());
    const photo = record.attachments.find((a: any) => a.name === '会场全景.jpg');
    // Made smaller before upload: long side 2,560 px at quality 0.85, so well under the original.
    expect(photo.type).toBe('image/jpeg');
    expect(photo.size).toBeLessThan(big.length);
    const link = (await api.call('GET', `/api/submissions/${id}/attachments/${photo.id}?link=1`, { as: 'li-na' })).body.url;
    const dims = await page.evaluate(async (u) => {
      const b = await createImageBitmap(await (await fetch(u)).blob());
      return [b.width, b.height];
    }, link);
    expect(dims).toEqual([2560, 1920]);

    // Download one, through the page's own link.
    const download = page.waitForEvent('download');
    await list.locator('li', { hasText: '会议纪要.pdf' }).getByRole('button', { name: '下载' }).click();
    expect((await download).suggestedFilename()).toBe('会议纪要.pdf');

    await page.getByRole('tab', { name: '修改历史' }).click();
    await expect.poll(() => page.getByText('添加佐证材料').count()).toBe(4);
    expect(await page.getByText('会议纪要.pdf').count()).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);

  it('shows a small preview of a photo, made in the page and kept beside it, and none for a PDF', async () => {
    const created = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport({ reportDate: '2026-11-05' }) });
    const id = created.body.id as string;
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    await page.clock.setFixedTime(new Date(FIXED_NOW));
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(api.url);
    await page.getByRole('button', { name: /李娜/ }).click();
    await page.locator('#main h1').waitFor();
    await page.goto(`${api.url}/#/records/${id}`);
    await page.getByRole('heading', { name: /佐证材料/ }).waitFor();
    // A 1200 × 800 photo drawn in the page: its preview is 320 px on the long side.
    const photo = Buffer.from(
      await page.evaluate(async () => {
        const c = document.createElement('canvas');
        c.width = 1200;
        c.height = 800;
        const g = c.getContext('2d')!;
        g.fillStyle = '#c00';
        g.fillRect(0, 0, 1200, 800);
        const blob = await new Promise<Blob>((ok) => c.toBlob((b) => ok(b!), 'image/jpeg', 0.9));
        return [...new Uint8Array(await blob.arrayBuffer())];
      }),
    );
    await page.getByTestId('evidence-files').setInputFiles([
      { name: '学习现场.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: '会议纪要.pdf', mimeType: 'application/pdf', buffer: fixture('minutes.pdf') },
    ]);
    const list = page.getByRole('list', { name: '佐证材料' });
    const thumb = list.getByRole('img', { name: '学习现场.jpg' });
    await thumb.waitFor({ timeout: 30_000 });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(320);
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(213);
    await expect.poll(() => list.locator('li').count(), { timeout: 30_000 }).toBe(2);
    expect(await list.getByRole('img').count()).toBe(1);
    expect(await page.getByRole('heading', { name: '佐证材料（2）' }).count()).toBe(1);
    expect(await overflows(page)).toBe(false);
    await screenshot(page, 'evidence-thumbnail-phone');

    const record = (await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' })).body;
    const jpg = record.attachments.find((a: any) => a.name === '学习现场.jpg');
    expect(jpg.preview).toMatchObject({ type: 'image/jpeg' });
    expect(jpg.preview.size).toBeLessThan(jpg.size);
    expect(record.attachments.find((a: any) => a.name === '会议纪要.pdf').preview).toBeUndefined();
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("gives the office the period's archive (档案包) on the compilations page, with the record's evidence inside", async () => {
    // Its own record in its own period (October), with one photo attached through the API.
    const rec = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport({ reportDate: '2026-10-12' }) });
    const photo = fixture('photo.jpg');
    const signed = await api.call('POST', `/api/submissions/${rec.body.id}/attachments`, { as: 'li-na', body: { name: '十月照片.jpg', size: photo.length } });
    const form = new FormData();
    for (const [k, v] of Object.entries(signed.body.upload.fields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(photo)]), '十月照片.jpg');
    expect((await fetch(new URL(signed.body.upload.url, api.url), { method: 'POST', body: form })).status).toBe(204);
    expect((await api.call('POST', `/api/submissions/${rec.body.id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'li-na' })).status).toBe(200);
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await ctx.newPage();
    await page.clock.setFixedTime(new Date(FIXED_NOW));
    await page.goto(api.url);
    await page.getByRole('button', { name: /孙丽/ }).click();
    await page.locator('#main h1').waitFor();
    await page.goto(`${api.url}/#/office/compilations?period=2026-10`);
    await page.getByRole('button', { name: '立即汇编' }).click();
    await page.getByText('汇编完成。').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: '生成档案包' }).click();
    await page.getByText('档案包已生成。').waitFor({ timeout: 60_000 });
    const item = page.locator('li', { hasText: '个佐证材料' });
    expect(await item.innerText()).toContain('1 个佐证材料');
    expect(await overflows(page)).toBe(false);
    await screenshot(page, 'archive-phone');
    const download = page.waitForEvent('download');
    await item.getByRole('button', { name: /下载/ }).click();
    expect((await download).suggestedFilename()).toMatch(/档案包\.zip$/);
    await ctx.close();
  }, 120_000);
});
