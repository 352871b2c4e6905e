/**
 * 催报 (issue 11): the office sends to one person, one obligation or everyone; a log of what was
 * sent; the daily schedule at a fixed clock sends once per person, obligation, period and day.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as worker } from '../../functions/worker.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { nextDailyRun } from '../../infra/local/scheduler.js';
import { startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';

// 2026-12-24 09:00 in Shanghai: a week before the year, the second half and the fourth quarter end.
const NOW = '2026-12-24T01:00:00.000Z';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ now: NOW });
});
afterAll(() => api.close());
afterEach(() => vi.restoreAllMocks());

/** The reminder lines the log channel writes while `run` runs. */
async function channelLines(run: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
  await run();
  const lines = spy.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('"msg":"reminder"'));
  spy.mockRestore();
  return lines;
}

describe('reminders sent by the office', () => {
  it('says how many days are left for each and refuses a send without a choice of whom', async () => {
    const owed = await api.call('GET', '/api/reminders', { as: 'sun-li' });
    expect(owed.status).toBe(200);
    expect(owed.body.items.length).toBeGreaterThan(0);
    for (const r of owed.body.items) expect(r.daysLeft).toBeGreaterThanOrEqual(0);
    const before = await api.snapshot();
    for (const body of [{}, { all: true, person: 'li-na' }, { person: 'nobody-here' }, { obligation: 'O99' }, { all: false }]) {
      const res = await api.call('POST', '/api/reminders/send', { as: 'sun-li', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect(await api.snapshot()).toEqual(before);
  });

  it('sends to one person, to one obligation and to everyone, and logs each reminder with who sent it', async () => {
    const owed = (await api.call('GET', '/api/reminders', { as: 'sun-li' })).body.items as any[];
    const toLi = owed.filter((r) => r.to.id === 'li-na');
    let res: any;
    const one = await channelLines(async () => (res = await api.call('POST', '/api/reminders/send', { as: 'sun-li', body: { person: 'li-na' } })));
    expect(res.status).toBe(200);
    expect(res.body.sent).toBe(toLi.length);
    expect(one).toHaveLength(toLi.length);
    const o4 = owed.filter((r) => r.obligationId === 'O4');
    await channelLines(async () => (res = await api.call('POST', '/api/reminders/send', { as: 'sun-li', body: { obligation: 'O4' } })));
    expect(res.body.sent).toBe(o4.length);
    await channelLines(async () => (res = await api.call('POST', '/api/reminders/send', { as: 'liu-yang', body: { all: true } })));
    expect(res.body.sent).toBe(owed.length);

    const log = await api.call('GET', '/api/reminders/log?period=2026-12', { as: 'sun-li' });
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(toLi.length + o4.length + owed.length);
    expect(log.body.items.filter((e: any) => e.by === 'liu-yang')).toHaveLength(owed.length);
    expect(log.body.items[0]).toMatchObject({ at: NOW, channel: 'log', trigger: 'manual', period: expect.any(String), obligation: expect.any(String), person: expect.any(String) });
    expect((await api.call('GET', '/api/reminders/log?period=2026-11', { as: 'sun-li' })).body.items).toEqual([]);
    expect((await api.call('GET', '/api/reminders/log?period=2026-H7', { as: 'sun-li' })).status).toBe(400);
    expect((await api.call('GET', '/api/reminders/log', { as: 'li-na' })).status).toBe(403);
  });
});

describe('the daily schedule', () => {
  const days = readCatalog(TEMPLATES_DIR).obligations.reminderDays;

  it('fires at 09:00 in Shanghai, the next day once that hour has passed', () => {
    expect(nextDailyRun(new Date('2026-12-24T00:59:00Z')).toISOString()).toBe('2026-12-24T01:00:00.000Z');
    expect(nextDailyRun(new Date(NOW)).toISOString()).toBe('2026-12-25T01:00:00.000Z');
  });

  it('sends what is due in the configured days once per key, even when fired twice and twice at once', async () => {
    expect(days).toContain(7);
    const owed = (await api.call('GET', '/api/reminders', { as: 'sun-li' })).body.items as any[];
    const due = owed.filter((r) => days.includes(r.daysLeft));
    expect(due.length).toBeGreaterThan(0);
    const event = { type: 'reminders', time: NOW };
    // The worker runs every registered unit; count this unit's recipients.
    const first = (await channelLines(() => worker(event, { awsRequestId: 'r1' }))).filter((l) => !JSON.parse(l).to.startsWith('other-'));
    expect(first).toHaveLength(due.length);
    const second = await channelLines(() => worker(event, { awsRequestId: 'r2' }));
    expect(second).toEqual([]);
    // A later hour of the same Shanghai day is the same day: nothing again.
    const later = await channelLines(() => worker({ type: 'reminders', time: '2026-12-24T08:00:00.000Z' }, { awsRequestId: 'r3' }));
    expect(later).toEqual([]);
    const log = (await api.call('GET', '/api/reminders/log?period=2026-12', { as: 'sun-li' })).body.items.filter((e: any) => e.trigger === 'scheduled');
    expect(log).toHaveLength(due.length);
    expect(log.every((e: any) => e.by === 'scheduler')).toBe(true);
  });

  it('sends nothing on a day that is not in reminderDays, and once when two firings race', async () => {
    // 2026-12-20 is 11 days before the end of December: not one of the example's 15, 7, 1.
    const quiet = await channelLines(() => worker({ type: 'reminders', time: '2026-12-20T01:00:00.000Z' }, { awsRequestId: 'q' }));
    expect(days).not.toContain(11);
    expect(quiet).toEqual([]);
    // 2026-12-30: one day left; two deliveries at once.
    const both = await channelLines(() =>
      Promise.all([
        worker({ type: 'reminders', time: '2026-12-30T01:00:00.000Z' }, { awsRequestId: 'a' }),
        worker({ type: 'reminders', time: '2026-12-30T01:00:00.000Z' }, { awsRequestId: 'b' }),
      ]),
    );
    const keys = both.map((l) => JSON.parse(l).text as string);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
