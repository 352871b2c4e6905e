/**
 * The county's roll-up workbook: written from the overview the county sees, reopened and read back
 * cell by cell, and opened by LibreOffice, which prints it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildSnapshots } from '../../functions/core/county/keep-current.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { ROLLUP_SHEET, rollupWorkbook } from '../../functions/ledger/county-rollup.js';
import { FIXED_NOW, startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';
import { openWorkbook } from '../helpers/ledger.js';

const example = readCatalog(TEMPLATES_DIR).exampleCounty;
let api: TestApi;
const dir = mkdtempSync(join(tmpdir(), 'taizhang-rollup-'));
beforeAll(async () => {
  api = await startTestApi({ demo: true, orgs: [example.county, ...example.units] });
  const { getRosterStore, getSnapshotDeps } = await import('../../functions/deps.js');
  await rebuildSnapshots(getSnapshotDeps(), await getRosterStore().units(), new Date(FIXED_NOW));
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the roll-up workbook', () => {
  it('has one row per unit and one column group per obligation, with the score, and LibreOffice prints it', async () => {
    const overview = (await api.call('GET', '/api/county/overview?period=2026', { as: 'qian-hong' })).body;
    const bytes = await rollupWorkbook(overview);
    const ws = (await openWorkbook(bytes)).getWorksheet(ROLLUP_SHEET)!;
    expect(ws.getCell('A1').value).toBe('2026年度各单位意识形态工作责任制落实情况汇总表');
    expect(String(ws.getCell('A2').value)).toContain('填报单位（盖章）：中共XX县委宣传部（示例）');
    expect(String(ws.getCell('A2').value)).toContain('2026年11月28日');
    const groups = overview.obligations.length;
    expect(ws.getCell(3, 3).value).toBe(`${overview.obligations[0].id} ${overview.obligations[0].title}`);
    expect([ws.getCell(4, 3).value, ws.getCell(4, 4).value, ws.getCell(4, 5).value]).toEqual(['已完成', '进行中', '未完成']);
    expect(ws.getCell(3, 3 + groups * 3 + 1).value).toBe('考核得分');
    overview.units.forEach((u: any, i: number) => {
      const row = 5 + i;
      expect(ws.getCell(row, 1).value).toBe(i + 1);
      expect(ws.getCell(row, 2).value).toBe(u.name);
      overview.obligations.forEach((o: any, k: number) => {
        expect(ws.getCell(row, 3 + k * 3).value, `${u.unit} ${o.id}`).toBe(u.cells[o.id].met);
        expect(ws.getCell(row, 5 + k * 3).value, `${u.unit} ${o.id}`).toBe(u.cells[o.id].missed);
      });
      expect(ws.getCell(row, 3 + groups * 3 + 1).value).toBe(u.score);
    });
    expect(overview.units).toHaveLength(3);
    expect(String(ws.getCell(5 + 3 + 1, 1).value)).toMatch(/^填表人：.*审核人：.*负责人：.*日期：/);
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, printTitlesRow: '3:4' });

    const xlsx = join(dir, 'rollup.xlsx');
    writeFileSync(xlsx, bytes);
    await promisify(execFile)('soffice', [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx], {
      timeout: 120_000,
    });
    const pdf = readFileSync(join(dir, 'rollup.pdf')).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
  }, 150_000);
});
