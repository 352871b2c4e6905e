import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMonthlySchedule } from '../../infra/local/scheduler.js';

const zone = process.env.TZ;
afterEach(() => {
  vi.useRealTimers();
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('the local monthly schedule', () => {
  it('fires at 01:00 on the 1st in Shanghai, then a month later, whatever the process time zone', async () => {
    // A machine far from Shanghai: nothing may depend on the local zone.
    process.env.TZ = 'America/Los_Angeles';
    vi.useFakeTimers({ now: new Date('2026-11-30T16:59:00Z') });
    expect(new Date('2026-11-30T17:00:00Z').getHours()).toBe(9);
    const fired: string[] = [];
    const schedule = startMonthlySchedule(async (instant) => {
      fired.push(instant.toISOString());
    });
    expect(schedule.next().toISOString()).toBe('2026-11-30T17:00:00.000Z');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired).toEqual(['2026-11-30T17:00:00.000Z']);
    expect(schedule.next().toISOString()).toBe('2026-12-31T17:00:00.000Z');
    // A month of six-hour hops later, it fires once more and only once.
    await vi.advanceTimersByTimeAsync(31 * 24 * 3_600_000);
    expect(fired).toEqual(['2026-11-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z']);
    schedule.stop();
    await vi.advanceTimersByTimeAsync(40 * 24 * 3_600_000);
    expect(fired).toHaveLength(2);
  });

  it('keeps going after a run that failed', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T16:59:59Z') });
    let runs = 0;
    const schedule = startMonthlySchedule(async () => {
      runs++;
      throw new Error('store down');
    });
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(32 * 24 * 3_600_000);
    expect(runs).toBe(2);
    schedule.stop();
  });
});
