/**
 * Rectification reminders and overdue on a fixed clock: the responsible person is reminded on the
 * template's days before the deadline and on every overdue day, once a day per item however often
 * the schedule fires, through the obligations' channel and log; overdue starts at Shanghai
 * midnight after the deadline (16:00Z), not a minute before.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as worker } from '../../functions/worker.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';

// 2026-11-28 12:00 in Shanghai, the tests' usual clock.
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ now: '2026-11-28T04:00:00.000Z' });
});
afterAll(() => api.close());

const days = readCatalog(TEMPLATES_DIR).form('rectification')!.rectification!.reminderDays;

/** The rectification lines the log channel writes while `run` runs: [to, text]. */
async function itemLines(run: () => Promise<unknown>): Promise<[string, string][]> {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await run();
    return spy.mock.calls
      .map((c) => String(c[0]))
      .filter((l) => l.includes('"msg":"reminder"') && l.includes('整改事项'))
      .map((l) => JSON.parse(l))
      .map((l) => [l.to, l.text] as [string, string])
      .sort();
  } finally {
    spy.mockRestore();
  }
}
const fire = (time: string, id: string) => itemLines(() => worker({ type: 'reminders', time }, { awsRequestId: id }));

let numbers: Record<string, string>;
beforeAll(async () => {
  const res = await api.call('POST', '/api/submissions', {
    as: 'sun-li',
    body: {
      templateId: 'inspection',
      data: {
        kind: '综合检查', date: '2026-11-20', division: 'policy', team: ['sun-li'], progress: '整改中',
        findingsList: [
          { description: '三天后到期', division: 'policy', person: 'xu-jing', deadline: '2026-12-01' },
          { description: '四天后到期', division: 'policy', person: 'zhou-tao', deadline: '2026-12-02' },
          { description: '昨天到期', division: 'services', person: 'wu-fang', deadline: '2026-11-27' },
          { description: '到期已销号', division: 'policy', person: 'xu-jing', deadline: '2026-11-21' },
        ],
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const items = (await api.call('GET', `/api/rectifications?inspection=${res.body.id}`, { as: 'sun-li' })).body.items as any[];
  numbers = Object.fromEntries(items.map((i) => [i.data.description, i.number]));
  // One of them is rectified and closed: it is never reminded, however overdue its deadline.
  const closed = items.find((i) => i.data.description === '到期已销号');
  let version = closed.version;
  for (const [as, body] of [['xu-jing', { action: 'report', measures: '已整改' }], ['xu-jing', { action: 'submit' }], ['sun-li', { action: 'close' }]] as const) {
    const step = await api.call('POST', `/api/rectifications/${closed.id}/transition`, { as, body: { ...body, version } });
    expect(step.status, JSON.stringify(step.body)).toBe(200);
    version = step.body.version;
  }
});

describe('rectification reminders', () => {
  it('ship example days before the deadline', () => {
    expect(days).toEqual([3, 1]);
  });

  it('remind the responsible person on a configured day before the deadline and on an overdue day, once a day per item', async () => {
    const first = await fire('2026-11-28T01:00:00.000Z', 'a');
    expect(first.map(([to]) => to)).toEqual(['wu-fang', 'xu-jing']);
    expect(first.find(([to]) => to === 'xu-jing')![1]).toContain(`（${numbers['三天后到期']}）整改期限 2026-12-01，剩余 3 天`);
    expect(first.find(([to]) => to === 'wu-fang')![1]).toContain('已逾期 1 天');
    // Fired again, and later the same Shanghai day: nothing more.
    expect(await fire('2026-11-28T01:00:00.000Z', 'b')).toEqual([]);
    expect(await fire('2026-11-28T09:00:00.000Z', 'c')).toEqual([]);
    // The next day: two days left is no configured day; the four-day item is now at three; overdue again.
    const next = await fire('2026-11-29T01:00:00.000Z', 'd');
    expect(next.map(([to]) => to)).toEqual(['wu-fang', 'zhou-tao']);
    expect(next.find(([to]) => to === 'wu-fang')![1]).toContain('已逾期 2 天');
    const log = (await api.call('GET', '/api/reminders/log?period=2026-11', { as: 'sun-li' })).body.items.filter((e: any) => e.obligation.startsWith('RECT-'));
    expect(log).toHaveLength(4);
    expect(log.every((e: any) => e.trigger === 'scheduled' && e.by === 'scheduler' && e.channel === 'log')).toBe(true);
    expect(log.map((e: any) => e.title).sort()).toEqual([numbers['三天后到期'], numbers['四天后到期'], numbers['昨天到期'], numbers['昨天到期']].map((n) => `问题整改 ${n}`).sort());
  });

  it('start overdue reminders at Shanghai midnight after the deadline: 15:59Z is still the deadline day, 16:00Z is the day after', async () => {
    // The four-day item's deadline is 2026-12-02. At 2026-12-02T15:59Z it is 23:59 that day in
    // Shanghai: 0 days left, not a configured day, not overdue. At 16:00Z it is 3 December.
    expect(days).not.toContain(0);
    const before = await fire('2026-12-02T15:59:00.000Z', 'e');
    expect(before.filter(([to]) => to === 'zhou-tao')).toEqual([]);
    const after = await fire('2026-12-02T16:00:00.000Z', 'f');
    expect(after.filter(([to]) => to === 'zhou-tao')).toEqual([['zhou-tao', expect.stringContaining('已逾期 1 天')]]);
  });
});
