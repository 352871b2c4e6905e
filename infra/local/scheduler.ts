/**
 * The local stand-in for EventBridge Scheduler: fires the monthly job at 01:00 on the 1st,
 * Asia/Shanghai, whatever the machine's time zone. A chain of timeouts, each at most a few hours
 * long (a timer cannot wait a month), re-aims at the next firing time on every wake-up, so sleep
 * or a changed clock does not make it drift. No cron dependency.
 */
import { nextMonthlyRun } from '../../functions/core/ledger/compilation.js';

const MAX_WAIT_MS = 6 * 60 * 60 * 1000;

export interface MonthlySchedule {
  /** When it fires next. */
  next(): Date;
  stop(): void;
}

export function startMonthlySchedule(run: (instant: Date) => Promise<void>, now: () => Date = () => new Date()): MonthlySchedule {
  return startSchedule(nextMonthlyRun, run, now);
}

/** The hour (Asia/Shanghai) of the daily reminders, as in the cloud's schedule (infra/cloud/constructs/monthly-job.ts). */
export const REMINDER_HOUR = 9;

/** The next REMINDER_HOUR:00 in Shanghai strictly after `after` (Shanghai has no daylight saving). */
export function nextDailyRun(after: Date, hour = REMINDER_HOUR): Date {
  const shanghai = new Date(after.getTime() + 8 * 3_600_000);
  const today = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate(), hour - 8);
  return today > after.getTime() ? new Date(today) : new Date(today + 86_400_000);
}

/** The daily reminders: at REMINDER_HOUR:00 Shanghai every day, the same timer chain as the monthly job. */
export function startDailySchedule(run: (instant: Date) => Promise<void>, now: () => Date = () => new Date()): MonthlySchedule {
  return startSchedule((d) => nextDailyRun(d), run, now);
}

function startSchedule(nextRun: (after: Date) => Date, run: (instant: Date) => Promise<void>, now: () => Date): MonthlySchedule {
  let due = nextRun(now());
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const wait = due.getTime() - now().getTime();
    if (wait > 0) {
      timer = setTimeout(arm, Math.min(wait, MAX_WAIT_MS));
      timer.unref();
      return;
    }
    const instant = due;
    due = nextRun(instant);
    // The next firing is armed only after this run, so two runs never overlap.
    run(instant)
      .catch(() => {})
      .finally(arm);
  };
  arm();
  return {
    next: () => due,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
