/**
 * The county person's pages in Chromium, at phone and desk size: the example county's three units
 * ranked for 2026, then one unit's compliance matrix and its ledgers, all read-only.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildSnapshots } from '../../functions/core/county/keep-current.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { loadCountyDemoRecords } from '../../infra/local/demo.js';
import { FIXED_NOW, startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';
import { launch, overflows, screenshot, signIn } from '../helpers/browser.js';

const example = readCatalog(TEMPLATES_DIR).exampleCounty;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi({ demo: true, web: true, orgs: [example.county, ...example.units] });
  // The smaller units' example records too, as `npm start` loads them.
  const doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
  await loadCountyDemoRecords(readCatalog(TEMPLATES_DIR), dynamoRecordStore(doc, api.tableName), new Date(FIXED_NOW));
  doc.destroy();
  const { getRosterStore, getSnapshotDeps } = await import('../../functions/deps.js');
  await rebuildSnapshots(getSnapshotDeps(), await getRosterStore().units(), new Date(FIXED_NOW));
  browser = await launch();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the county pages', () => {
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desk', LAPTOP],
  ] as const)
    it(`rank the three example units for 2026 and open one unit's matrix (${size})`, async () => {
      const page = await signIn(browser, api.url, /钱红/, viewport, {}, 'a[href="#/"]');
      await page.goto(`${api.url}/#/?period=2026`);
      const table = page.getByRole('table', { name: '各单位排名' });
      await table.waitFor();
      for (const name of ['XX局', '文化馆', '图书馆']) expect(await table.getByRole('link', { name }).isVisible(), name).toBe(true);
      expect(await table.locator('tbody tr').count()).toBe(3);
      // The culture centre's example year meets O1 (two meetings): it is ranked, not pending.
      expect(await page.getByText('尚未汇总').count()).toBe(0);
      expect(await overflows(page), 'nothing wider than the screen').toBe(false);
      await screenshot(page, `county-overview-${size}`);
      // No unit page of the county's is a record page: the nav has only the county's own entry.
      expect(await page.locator('a[href="#/new"]').count()).toBe(0);

      await table.getByRole('link', { name: 'XX局' }).click();
      await page.getByRole('heading', { level: 1, name: /中共XX县XX局党组（示例）/ }).waitFor();
      await page.getByText('意识形态工作专题学习').first().waitFor();
      await page.getByRole('heading', { name: '台账汇编' }).waitFor();
      // The unit's register is not the county's to open: the matrix's cells lead nowhere.
      const cells = page.locator(size === 'phone' ? '.person-list .chip' : '.grid-cell');
      expect(await cells.count()).toBeGreaterThan(0);
      expect(await page.locator('a[href*="#/records"]').count()).toBe(0);
      expect(await overflows(page), 'nothing wider than the screen').toBe(false);
      await screenshot(page, `county-unit-${size}`);
      await page.context().close();
    }, 60_000);
});
