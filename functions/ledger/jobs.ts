/**
 * The compilation as a kind of job: admitted by POST /api/compilations or the monthly schedule,
 * run by the worker with progress in rows. The job's id is its compilation's id.
 */
import type { CompilationDeps, Trigger } from '../core/ledger/compilation.js';
import type { JobKind } from '../core/jobs/run.js';
import { parsePeriod } from '../core/periods.js';
import type { FaultHook } from '../fault.js';
import { compileLedgers } from './compile.js';

export const COMPILE = 'compile';

/** What a compile job was admitted with. */
export interface CompileInput {
  period: string;
  asOf: string;
  trigger: Trigger;
  by: string;
  byName: string;
}

export function compileKind(deps: CompilationDeps, fault: FaultHook = () => {}): JobKind {
  return {
    async run(job, ctx) {
      const input = job.input as unknown as CompileInput;
      await compileLedgers(deps, {
        id: job.id,
        unit: job.unit,
        period: parsePeriod(input.period)!,
        asOf: input.asOf,
        trigger: input.trigger,
        by: { id: input.by, name: input.byName },
        estimate: true,
        signal: ctx.signal,
        onProgress: (rows, total) => {
          fault('compile:row');
          ctx.progress(rows, total);
        },
      });
    },
    async abandoned(job, reason) {
      await deps.compilations.fail(job.unit, job.id, reason, deps.now().toISOString());
    },
  };
}
