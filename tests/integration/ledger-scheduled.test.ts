import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CompilationDeps } from '../../functions/core/ledger/compilation.js';
import { parsePeriod } from '../../functions/core/periods.js';
import { handler as worker } from '../../functions/worker.js';
import { getCompilationDeps } from '../../functions/deps.js';
import { compileLedgers } from '../../functions/ledger/compile.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';
import { fixedProvider } from '../helpers/ledger.js';

let api: TestApi;
let deps: ReturnType<typeof getCompilationDeps>;

beforeAll(async () => {
  // The handler logs one JSON line per compilation, as it should in Lambda; not here.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  api = await startTestApi();
  deps = getCompilationDeps();
  for (const date of ['2026-10-31', '2026-11-01', '2026-11-15']) {
    const res = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date }) });
    expect(res.status).toBe(201);
  }
});
afterAll(() => api.close());

const ctx = { awsRequestId: 'monthly-test' };
/** The monthly event, as the schedule sends it to the worker; then the jobs it started, run to the end. */
async function handler(event: Record<string, unknown>) {
  const out = (await worker({ type: 'monthly', ...event }, ctx)) as { compiled: { unit: string; period: string; id: string }[] };
  await api.worker.idle();
  return out;
}

const list = async (period: string, unit = 'example-bureau') =>
  (await api.call('GET', `/api/compilations?period=${period}`, { as: unit === 'example-bureau' ? 'sun-li' : 'other-office' })).body.items as any[];
const studyRows = (c: any) => c.sheets.find((s: any) => s.templateId === 'study-session').rows;

describe('the monthly job', () => {
  it('at 01:00 on 1 December in Shanghai compiles November and the year to date for every unit', async () => {
    const out = await handler({ time: '2026-11-30T17:00:00Z' });
    expect(out.compiled.map((o) => `${o.unit} ${o.period}`).sort()).toEqual([
      'example-bureau 2026',
      'example-bureau 2026-11',
      'other-bureau 2026',
      'other-bureau 2026-11',
    ]);
    const [november] = await list('2026-11');
    expect(november).toMatchObject({ trigger: 'scheduled', by: 'scheduler', asOf: '2026-11-30', status: 'done', current: true });
    expect(studyRows(november)).toBe(2);
    const [year] = await list('2026');
    expect(year).toMatchObject({ asOf: '2026-11-30', filename: '2026年1—11月意识形态工作台账.xlsx' });
    expect(studyRows(year)).toBe(3);
    expect(await list('2026-11', 'other-bureau')).toHaveLength(1);
  });

  it('one second before midnight on 30 November in Shanghai compiles October instead', async () => {
    const out = await handler({ time: '2026-11-30T15:59:59Z' });
    expect(out.compiled.filter((o) => o.unit === 'example-bureau').map((o) => o.period)).toEqual(['2026-10', '2026']);
    const [october] = await list('2026-10');
    expect(october).toMatchObject({ asOf: '2026-10-31', current: true });
    expect(studyRows(october)).toBe(1);
    // The year compiled to 31 October does not displace the one compiled to 30 November.
    const years = await list('2026');
    expect(years.find((c) => c.current).asOf).toBe('2026-11-30');
    expect(years.find((c) => c.asOf === '2026-10-31')).toMatchObject({ current: false, superseded: true });
  });

  it('retried for the same firing starts no second job, and a later run supersedes the first', async () => {
    // The same instant as the first run, written with Shanghai's offset, as a retry might send it.
    const first = (await list('2026-11'))[0];
    const retry = await handler({ time: '2026-12-01T01:00:00+08:00' });
    expect(retry.compiled.find((o) => o.unit === 'example-bureau' && o.period === '2026-11')!.id).toBe(first.id);
    expect(await list('2026-11')).toHaveLength(1);
    const out = await handler({ time: '2026-12-01T01:00:05+08:00' });
    expect(out.compiled[0]!.period).toBe('2026-11');
    const runs = await list('2026-11');
    expect(runs).toHaveLength(2);
    expect(runs.filter((c) => c.current)).toHaveLength(1);
    expect(runs[0].current).toBe(true);
    expect(runs[0].supersedes).toBe(runs[1].id);
    expect(runs[1]).toMatchObject({ current: false, superseded: true, supersededBy: runs[0].id });
  });

  it('without a time uses the clock, and refuses a time it cannot read', async () => {
    // The test clock shows 28 November: October is the month that ended.
    const out = await handler({});
    expect(out.compiled[0]!.period).toBe('2026-10');
    await expect(handler({ time: 'yesterday' })).rejects.toThrow(/not an event it knows/);
  });
});

describe('a compilation that fails', () => {
  const failing = (over: Partial<CompilationDeps>): CompilationDeps => ({ ...deps, ...over });
  const request = { unit: 'example-bureau', period: parsePeriod('2026-09')!, asOf: '2026-09-30', trigger: 'on-demand' as const, by: { id: 'sun-li', name: '孙丽（示例）' } };

  it('is recorded as failed and never becomes current, whichever step fails', async () => {
    const good = await compileLedgers(failing({ content: fixedProvider }), request);
    expect(good.current).toBe(true);
    await expect(
      compileLedgers(failing({ blobs: { ...deps.blobs, put: () => Promise.reject(new Error('disk full')) } }), request),
    ).rejects.toThrow('disk full');
    await expect(compileLedgers(failing({ content: () => Promise.reject(new Error('no content')) }), request)).rejects.toThrow('no content');
    const runs = await list('2026-09');
    expect(runs).toHaveLength(3);
    expect(runs.map((c) => c.status)).toEqual(['failed', 'failed', 'done']);
    expect(runs[0].error).toMatch(/no content/);
    expect(runs[1].error).toMatch(/disk full/);
    expect(runs.filter((c) => c.current).map((c) => c.id)).toEqual([good.id]);
    expect(runs[0].file).toBeUndefined();
    const file = await api.call('GET', `/api/compilations/${runs[1].id}/file`, { as: 'sun-li' });
    expect(file.status).toBe(409);
    // Status of a compilation made outside a job: from its own record.
    const status = await api.call('GET', `/api/compilations/${good.id}`, { as: 'sun-li' });
    expect(status.body).toMatchObject({ id: good.id, status: 'done', compilation: { id: good.id, current: true } });
  });
});
