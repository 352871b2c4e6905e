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
  let due = nextMonthlyRun(now());
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
    due = nextMonthlyRun(instant);
    // The next month is armed only after this run, so two runs never overlap.
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
