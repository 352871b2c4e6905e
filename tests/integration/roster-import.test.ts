/**
 * Importing a 花名册 through the adapter: the template downloads and reopens with its headers and
 * example rows; a workbook of bad rows is refused row by row and column by column with the store
 * unchanged; a good one previews, is written on confirmation, and a second import changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '../../functions/core/roster/import.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

type Row = Partial<Record<(typeof IMPORT_COLUMNS)[number], string | Date>>;
async function workbook(rows: Row[], headers: readonly string[] = IMPORT_COLUMNS): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow([...headers]);
  for (const r of rows) ws.addRow(IMPORT_COLUMNS.map((c) => r[c] ?? null));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
const upload = (bytes: Uint8Array, query: string, as = 'sun-li') =>
  api.call('POST', `/api/roster/import${query}`, { as, raw: bytes, headers: { 'content-type': XLSX } });
const version = async () => (await api.call('GET', '/api/roster', { as: 'sun-li' })).body.version as number;

describe('the 花名册 template', () => {
  it('downloads as one sheet with the Chinese headers and example rows marked 示例', async () => {
    const res = await fetch(`${api.url}/api/roster/import`, { headers: { authorization: `Bearer ${await api.token('sun-li')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['花名册']);
    const ws = wb.worksheets[0]!;
    expect(IMPORT_COLUMNS.map((_, i) => ws.getCell(1, i + 1).value)).toEqual([...IMPORT_COLUMNS]);
    const examples = [2, 3, 4].map((r) => ws.getRow(r).getCell(IMPORT_COLUMNS.indexOf('备注') + 1).value);
    expect(examples).toEqual(['示例', '示例', '示例']);
    // Imported as it is, the template changes nothing: its rows are examples.
    const bytes = new Uint8Array(await (await fetch(`${api.url}/api/roster/import`, { headers: { authorization: `Bearer ${await api.token('sun-li')}` } })).arrayBuffer());
    const preview = await upload(bytes, '?dryRun=1');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ added: [], changed: [], skippedExamples: 3 });
  });
});

describe('importing', () => {
  it('reports every bad row at its row and column, and writes nothing', async () => {
    const ok = { 人员编号: 'ok-person', 姓名: '正常（示例）', 科室: '政策法规科' };
    // Each row is wrong in one way; the expected column is beside it. Row 2 is the first data row.
    const bad: [Row, string, string][] = [
      [{ ...ok, 人员编号: '' }, 'A', '人员编号为空'],
      [{ ...ok, 人员编号: 'Bad Id' }, 'A', '人员编号格式错误'],
      [{ ...ok, 人员编号: 'no-name', 姓名: '' }, 'B', '姓名为空'],
      [{ ...ok, 人员编号: 'long-name', 姓名: '名'.repeat(21) }, 'B', '姓名过长'],
      [{ ...ok, 人员编号: 'long-title', 职务: '职'.repeat(31) }, 'C', '职务过长'],
      [{ ...ok, 人员编号: 'no-division', 科室: '不存在的科' }, 'D', '未知科室'],
      [{ ...ok, 人员编号: 'bad-role', 角色: '局长', 开始日期: '2026-01-01' }, 'E', '角色不是本系统的'],
      [{ ...ok, 人员编号: 'no-start', 角色: '班子成员' }, 'F', '有角色无开始日期'],
      [{ ...ok, 人员编号: 'bad-start', 角色: '班子成员', 开始日期: '2026/01/01' }, 'F', '开始日期格式错误'],
      [{ ...ok, 人员编号: 'impossible', 角色: '班子成员', 开始日期: '2026-02-30' }, 'F', '开始日期不存在'],
      [{ ...ok, 人员编号: 'bad-end', 角色: '班子成员', 开始日期: '2026-01-01', 结束日期: '明年' }, 'G', '结束日期格式错误'],
      [{ ...ok, 人员编号: 'end-first', 角色: '班子成员', 开始日期: '2026-05-01', 结束日期: '2026-04-30' }, 'G', '结束早于开始'],
      [{ ...ok, 人员编号: 'dates-only', 开始日期: '2026-01-01' }, 'E', '有日期无角色'],
      [{ ...ok, 人员编号: 'twice', 姓名: '甲' }, '', '(the first of a pair, itself fine)'],
      [{ ...ok, 人员编号: 'twice', 姓名: '乙' }, 'B', '同一编号两个姓名'],
      [{ ...ok, 人员编号: 'two-divs', 科室: '办公室' }, '', '(the first of a pair, itself fine)'],
      [{ ...ok, 人员编号: 'two-divs', 科室: '服务保障科' }, 'D', '同一编号两个科室'],
      [{ ...ok, 人员编号: 'dup-role', 角色: '班子成员', 开始日期: '2026-01-01' }, '', '(the first of a pair, itself fine)'],
      [{ ...ok, 人员编号: 'dup-role', 角色: '班子成员', 开始日期: '2026-01-01' }, 'E', '重复的角色行'],
      [{ ...ok, 人员编号: 'taken-subject', 登录身份: 'li-na' }, 'H', '登录身份已属于名册中的他人'],
      [{ ...ok, 人员编号: 'sub-a', 登录身份: 'shared-sub' }, '', '(the first of a pair, itself fine)'],
      [{ ...ok, 人员编号: 'sub-b', 登录身份: 'shared-sub' }, 'H', '两人同一登录身份'],
    ];
    const kinds = bad.filter(([, col]) => col !== '');
    expect(kinds.length).toBeGreaterThanOrEqual(15);
    const before = await api.snapshot();
    const res = await upload(await workbook(bad.map(([r]) => r)), '?dryRun=1');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/处错误/);
    for (const [i, [, column, what]] of bad.entries()) {
      const row = i + 2;
      const found = res.body.errors.filter((e: { row: number }) => e.row === row);
      if (!column) expect(found, `row ${row} ${what}`).toEqual([]);
      else {
        expect(found.map((e: { column: string }) => e.column), `row ${row}: ${what}`).toEqual([column]);
        expect(found[0].message, `row ${row}`).toMatch(new RegExp(`^第 ${row} 行 ${column} 列`));
      }
    }
    // Without dryRun too: refused, nothing written.
    expect((await upload(await workbook(bad.map(([r]) => r)), `?version=${await version()}`)).status).toBe(400);
    expect(await api.snapshot()).toEqual(before);
  });

  it('refuses a file that is not the template', async () => {
    expect((await upload(new TextEncoder().encode('not a workbook'), '?dryRun=1')).status).toBe(400);
    const wrong = await upload(await workbook([], ['编号', '姓名']), '?dryRun=1');
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('rows.1.人员编号');
    const type = await api.call('POST', '/api/roster/import?dryRun=1', { as: 'sun-li', raw: 'x', headers: { 'content-type': 'text/plain' } });
    expect(type.status).toBe(415);
    expect((await upload(await workbook([]), '?dryRun=1', 'li-na')).status).toBe(403);
  });

  it('previews, writes only when confirmed, and a second import gives the same one roster', async () => {
    const good = await workbook([
      { 人员编号: 'ma-li', 姓名: '马丽（示例）', 职务: '科员', 科室: '规划财务科', 角色: '科室负责人', 开始日期: new Date(Date.UTC(2026, 10, 1)) },
      { 人员编号: 'ma-li', 姓名: '马丽（示例）', 科室: '规划财务科', 角色: '办公室', 开始日期: '2026-11-01', 结束日期: '2026-12-31' },
      { 人员编号: 'xu-jing', 姓名: '徐静（示例）', 职务: '四级主任科员', 科室: 'policy' },
      { 人员编号: 'example-row', 姓名: '示例行', 备注: '示例' },
    ]);
    const before = await api.snapshot();
    const v = await version();
    const preview = await upload(good, '?dryRun=1');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, version: v, skippedExamples: 1 });
    expect(preview.body.added.map((p: { id: string }) => p.id)).toEqual(['ma-li']);
    expect(preview.body.added[0].roles).toEqual([
      { role: 'division-head', from: '2026-11-01' },
      { role: 'office', from: '2026-11-01', to: '2026-12-31' },
    ]);
    expect(preview.body.changed.map((c: { id: string }) => c.id)).toEqual(['xu-jing']);
    expect(await api.snapshot(), 'a preview writes nothing').toEqual(before);

    expect((await upload(good, '')).status, 'confirming needs the previewed version').toBe(400);
    expect((await upload(good, `?version=${v - 1}`)).status).toBe(409);
    const done = await upload(good, `?version=${v}`);
    expect(done.status).toBe(200);
    expect(done.body.version).toBe(v + 1);
    expect((await api.call('GET', '/api/me', { as: 'ma-li' })).body.roles.sort()).toEqual(['division-head', 'office']);
    const after = await api.snapshot();

    const again = await upload(good, `?version=${v + 1}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: v + 1, added: [], changed: [], unchanged: 2 });
    expect(await api.snapshot(), 'the same import twice: one roster').toEqual(after);
    const history = (await api.call('GET', '/api/roster/history', { as: 'sun-li' })).body.items;
    expect(history.filter((h: { kind: string }) => h.kind === 'import')).toHaveLength(1);
  });
});
