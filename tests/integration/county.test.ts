/**
 * The county view's authority (DESIGN §14): a county person reads its own units' matrix, assessment
 * and ledgers, never another county's units (404), never a unit's record routes (404) and never
 * writes (403); every county read lands in the unit's access log, which the unit's office reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { ROUTES } from '../../functions/routes.js';
import { FIXED_NOW, startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';
import { rebuildSnapshots } from '../../functions/core/county/keep-current.js';
import { studySession } from '../helpers/fixtures.js';

const example = readCatalog(TEMPLATES_DIR).exampleCounty;
const SECOND_COUNTY: Organisation = {
  unit: { id: 'second-county', name: '中共YY县委宣传部（测试）', shortName: 'YY县委宣传部' },
  kind: 'county',
  divisions: [{ id: 'theory', name: '理论科' }],
  people: [{ id: 'county-two', name: '测试县委宣传部', title: '科员', division: 'theory', roles: [{ role: 'county', from: '2024-01-01' }] }],
};
const SECOND_UNIT: Organisation = {
  unit: { id: 'second-unit', name: '中共YY县ZZ局党组（测试）', shortName: 'ZZ局' },
  county: 'second-county',
  divisions: [{ id: 'office', name: '办公室' }],
  people: [{ id: 'second-office', name: '测试ZZ办公室', title: '办公室主任', division: 'office', roles: [{ role: 'office', from: '2024-01-01' }] }],
};
const COUNTY = 'qian-hong';

let api: TestApi;
let recordId: string;
beforeAll(async () => {
  api = await startTestApi({ orgs: [example.county, ...example.units, SECOND_COUNTY, SECOND_UNIT] });
  const created = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession() });
  expect(created.status).toBe(201);
  recordId = created.body.id;
  // The units loaded without a write have no snapshots until a rebuild, as at `npm start`.
  const { getRosterStore, getSnapshotDeps } = await import('../../functions/deps.js');
  await rebuildSnapshots(getSnapshotDeps(), await getRosterStore().units(), new Date(FIXED_NOW));
});
afterAll(() => api.close());

const unitRoutes = (unit: string) => [
  `/api/county/overview?period=2026`,
  `/api/county/units/${unit}/compliance?period=2026`,
  `/api/county/units/${unit}/assessment?period=2026`,
  `/api/county/units/${unit}/compilations?period=2026`,
  `/api/county/units/${unit}/compilations/2026-11.01KBAAAAAAAAAAAAAAAAAAAAAA/file`,
  `/api/county/units/${unit}/archives/2026-11.01KBAAAAAAAAAAAAAAAAAAAAAA/file`,
];
const accessLog = async () => (await api.call('GET', '/api/access-log', { as: 'sun-li' })).body.items as any[];

describe('the county view', () => {
  it('ranks its own units only, with units × obligations counts, from snapshots', async () => {
    const res = await api.call('GET', '/api/county/overview?period=2026', { as: COUNTY });
    expect(res.status).toBe(200);
    expect(res.body.county).toEqual({ id: 'example-county', name: '中共XX县委宣传部（示例）' });
    expect(res.body.units.map((u: any) => u.unit).sort()).toEqual(['example-bureau', 'example-culture', 'example-library']);
    expect(res.body.pending).toEqual([]);
    const ids = res.body.obligations.map((o: any) => o.id);
    for (const u of res.body.units) {
      expect(Object.keys(u.cells)).toEqual(ids);
      expect(u.rankByMet).toBeGreaterThanOrEqual(1);
      expect(typeof u.score).toBe('number');
    }
    // Units with missed items come first.
    const missed = res.body.units.map((u: any) => u.totals.missed > 0);
    expect(missed).toEqual([...missed].sort((a: boolean, b: boolean) => Number(b) - Number(a)));
    // Every cell count is the matrix's own, by status.
    const matrix = await api.call('GET', '/api/county/units/example-bureau/compliance?period=2026', { as: COUNTY });
    const bureau = res.body.units.find((u: any) => u.unit === 'example-bureau');
    const o2 = matrix.body.rows.filter((r: any) => r.obligationId === 'O2');
    expect(bureau.cells.O2.met).toBe(o2.filter((r: any) => r.status === 'met').length);
    const other = await api.call('GET', '/api/county/overview?period=2026', { as: 'county-two' });
    expect(other.body.units.map((u: any) => u.unit)).toEqual(['second-unit']);
    expect(JSON.stringify(other.body)).not.toMatch(/XX局|example-bureau/);
    expect((await api.call('GET', '/api/county/overview?period=2026', { as: 'sun-li' })).status).toBe(403);
  });

  it("shows the county its unit's matrix and assessment, and logs each read in the unit", async () => {
    const before = (await accessLog()).length;
    const matrix = await api.call('GET', '/api/county/units/example-bureau/compliance?period=2026', { as: COUNTY });
    expect(matrix.status).toBe(200);
    expect(matrix.body).toMatchObject({ unit: 'example-bureau', period: '2026', unitName: '中共XX县XX局党组（示例）' });
    expect(matrix.body.rows.find((r: any) => r.obligationId === 'O2').records).toContain(recordId);
    const sheet = await api.call('GET', '/api/county/units/example-bureau/assessment?period=2026', { as: COUNTY });
    expect(sheet.status).toBe(200);
    expect(sheet.body.items.length).toBeGreaterThan(0);
    expect(typeof sheet.body.total).toBe("number");
    const log = await accessLog();
    expect(log.length).toBe(before + 2);
    expect(log[0]).toMatchObject({ by: COUNTY, byName: '钱红（示例）', county: 'example-county', route: 'GET /api/county/units/{unit}/assessment', period: '2026' });
    expect(log[1]).toMatchObject({ route: 'GET /api/county/units/{unit}/compliance', period: '2026' });
  });

  it("lists the unit's compilations and downloads one through the county's own route", async () => {
    const { job } = await api.compileWorkbook('sun-li', { period: '2026-11' });
    const list = await api.call('GET', '/api/county/units/example-bureau/compilations?period=2026-11', { as: COUNTY });
    expect(list.status).toBe(200);
    const item = list.body.compilations.find((c: any) => c.id === job.id);
    expect(item.file).toBe(`/api/county/units/example-bureau/compilations/${encodeURIComponent(job.id)}/file`);
    const link = await api.call('GET', `${item.file}?link=1`, { as: COUNTY });
    expect(link.status).toBe(200);
    const file = await fetch(api.url + link.body.url);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(item.size);
    expect((await accessLog())[0]).toMatchObject({ route: 'GET /api/county/units/{unit}/compilations/{id}/file', item: job.id });
  });

  it("answers 404 for another county's unit, a unit nobody oversees and a county, on every county route, logging nothing there", async () => {
    const secondLog = async () => (await api.call('GET', '/api/access-log', { as: 'second-office' })).body.items.length;
    const before = await secondLog();
    for (const [as, unit] of [
      [COUNTY, 'second-unit'],
      [COUNTY, 'other-bureau'],
      [COUNTY, 'example-county'],
      [COUNTY, 'no-such-unit'],
      [COUNTY, '..%2Fexample-bureau'],
      ['county-two', 'example-bureau'],
      ['county-two', 'example-culture'],
    ])
      for (const path of unitRoutes(unit!).slice(1)) {
        const res = await api.call('GET', path, { as });
        expect(res.status, `${as} ${path}`).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        expect(JSON.stringify(res.body)).not.toMatch(/XX局|ZZ局|YY局/);
      }
    expect(await secondLog()).toBe(before);
  });

  it("answers 404 to the county on a unit's every read route and 403 on its every write, writing nothing", async () => {
    const countyMayUse = ['GET /api/me', 'GET /api/organisation', 'GET /api/templates', 'GET /api/templates/{id}'];
    const before = await api.snapshot();
    for (const r of ROUTES) {
      const key = `${r.method} ${r.path}`;
      if (r.path.startsWith('/api/county/') || countyMayUse.includes(key)) continue;
      const path = r.path.replace('{id}', recordId).replace('{aid}', '01KBAAAAAAAAAAAAAAAAAAAAAA').replace('{period}', '2026').replace('{itemId}', 'A10');
      const res = await api.call(r.method, path, { as: COUNTY, ...(r.method === 'GET' ? {} : { body: studySession() }) });
      expect(res.status, key).toBe(r.method === 'GET' ? 404 : 403);
      expect(res.body.detail, key).toBeTruthy();
    }
    expect(await api.snapshot(), 'nothing written').toEqual(before);
    const me = await api.call('GET', '/api/me', { as: COUNTY });
    expect(me.body).toMatchObject({ id: COUNTY, roles: ['county'], unit: { id: 'example-county' } });
    // The web app's start: the county's own roster, never a unit's.
    expect((await api.call('GET', '/api/organisation', { as: COUNTY })).body.unit.id).toBe('example-county');
  });

  it('keeps the access log to the unit office and secretary, and the county routes to the county', async () => {
    expect((await api.call('GET', '/api/access-log', { as: 'zhang-wei' })).status).toBe(200);
    expect((await api.call('GET', '/api/access-log', { as: 'li-na' })).status).toBe(403);
    expect((await api.call('GET', '/api/county/units/example-bureau/compliance?period=2026', { as: 'sun-li' })).status).toBe(403);
    // The other county's unit's log holds none of this county's reads.
    const second = (await api.call('GET', '/api/access-log', { as: 'second-office' })).body.items;
    expect(second.length).toBeGreaterThan(0);
    expect(second.every((e: any) => e.county === 'second-county')).toBe(true);
  });

  it("follows the table's stream in the cloud: a record written without the in-process refresh reaches the snapshot through the consumer", async () => {
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { createDocumentClient } = await import('../../functions/store/client.js');
    const { dynamoRecordStore } = await import('../../functions/store/records.js');
    const { handler } = await import('../../functions/snapshot-stream.js');
    const doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
    const id = 'STREAMTEST0000000001';
    await dynamoRecordStore(doc, api.tableName).create(
      { ...(await import('../helpers/fixtures.js')).storedRecord(id, { unit: 'example-library', templateId: 'study-session', date: '2026-04-02', period: '2026-04', owner: 'fan-qing', data: { sessionType: '意识形态专题学习' } }) },
      'stream',
    );
    const has = async () => (await api.call('GET', '/api/county/units/example-library/compliance?period=2026', { as: COUNTY })).body.rows.some((r: any) => r.records.includes(id));
    expect(await has()).toBe(false);
    const head = (await doc.send(new GetCommand({ TableName: api.tableName, Key: { pk: `REC#${id}`, sk: 'HEAD' } }))).Item!;
    const record = { dynamodb: { NewImage: marshall(head, { removeUndefinedValues: true }) } };
    // Delivered twice, as a stream may.
    await handler({ Records: [record, record] } as any);
    expect(await has()).toBe(true);
    doc.destroy();
  });

  it('compiles the roll-up workbook as a job, one row per unit, downloaded by the county only', async () => {
    const res = await api.call('POST', '/api/county/compilations', { as: COUNTY, body: { period: '2026' } });
    expect(res.status).toBe(202);
    const job = await api.waitForJob(res.headers.get('location')!, COUNTY);
    expect(job).toMatchObject({ status: 'done', kind: 'county-rollup', period: '2026' });
    expect((await api.call('GET', res.headers.get('location')!, { as: 'county-two' })).status).toBe(404);
    const link = await api.call('GET', `${job.file}?link=1`, { as: COUNTY });
    expect(link.status).toBe(200);
    const bytes = Buffer.from(await (await fetch(api.url + link.body.url)).arrayBuffer());
    expect(bytes.length).toBe(job.size);
    const { openWorkbook } = await import('../helpers/ledger.js');
    const ws = (await openWorkbook(bytes)).getWorksheet('各单位落实情况汇总')!;
    const names = [5, 6, 7].map((r) => ws.getCell(r, 2).value).sort();
    expect(names).toEqual(['中共XX县图书馆支部（示例）', '中共XX县文化馆支部（示例）', '中共XX县XX局党组（示例）'].sort());
    expect((await api.call('POST', '/api/county/compilations', { as: 'sun-li', body: { period: '2026' } })).status).toBe(403);
    const bad = await api.call('POST', '/api/county/compilations', { as: COUNTY, body: { period: '2026-13' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('period');
  });

  it("compiles each county's roll-up on the monthly schedule, the same jobs on a retried firing", async () => {
    const { handler: worker } = await import('../../functions/worker.js');
    const event = { type: 'monthly', time: '2026-11-30T17:00:00.000Z' };
    const first = (await worker(event, { awsRequestId: 'county-monthly' })) as { rollups: { county: string; period: string; id: string }[] };
    const ours = first.rollups.filter((r) => r.county === 'example-county');
    expect(ours.map((r) => r.period).sort()).toEqual(['2026', '2026-11']);
    expect(first.rollups.filter((r) => r.county === 'second-county')).toHaveLength(2);
    const again = (await worker(event, { awsRequestId: 'county-monthly-2' })) as typeof first;
    expect(again.rollups.map((r) => r.id).sort()).toEqual(first.rollups.map((r) => r.id).sort());
    for (const r of ours) expect((await api.waitForJob(`/api/county/compilations/${encodeURIComponent(r.id)}`, COUNTY)).status).toBe('done');
  });

  it('refuses a bad period with the field named', async () => {
    const res = await api.call('GET', '/api/county/units/example-bureau/compliance?period=2026-13', { as: COUNTY });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.period', message: expect.stringContaining('2026') }]);
    const extra = await api.call('GET', '/api/county/units/example-bureau/compliance?period=2026&scope=all', { as: COUNTY });
    expect(extra.status).toBe(400);
  });
});
