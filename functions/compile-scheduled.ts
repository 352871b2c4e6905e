import { z } from 'zod';
import { getCompilationDeps } from './deps.js';
import { compileScheduled } from './ledger/service.js';

/**
 * The monthly job, fired by EventBridge Scheduler at 01:00 on the 1st, Asia/Shanghai. The event's
 * `time` (an EventBridge rule's own field, or a Scheduler input of `<aws.scheduler.scheduled-time>`)
 * says which month has ended; without it, now. Any time zone offset is understood.
 */
const ScheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }).optional() }).nullish();

export async function handler(event: unknown) {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) throw new Error(`scheduled event: time is not an ISO-8601 instant (${JSON.stringify(event).slice(0, 200)})`);
  const deps = getCompilationDeps();
  const instant = parsed.data?.time ? new Date(parsed.data.time) : deps.now();
  const outcomes = await compileScheduled(deps, instant, (line) => console.log(JSON.stringify(line)));
  const failed = outcomes.filter((o) => o.error);
  // Failing makes the scheduler retry; the runs that succeeded are simply superseded by the retry.
  if (failed.length) throw new Error(`monthly compilation failed for ${failed.map((f) => `${f.unit} ${f.period}`).join(', ')}`);
  return { compiled: outcomes };
}
