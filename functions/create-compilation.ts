import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { createCompilation } from './ledger/service.js';

/**
 * POST /api/compilations {period} (office, secretary): 202 with the compilation job and its
 * Location to poll; the worker compiles. The same period already running, or the same
 * Idempotency-Key, answers with that job; past the unit's bound of jobs at once, 429.
 */
export const handler = httpHandler(
  async (req, deps) => {
    const { job } = await createCompilation(deps, req.caller, req.body, req.header('idempotency-key'));
    return json(202, job, { Location: `/api/compilations/${encodeURIComponent(job.id)}` });
  },
  { body: true, deps: getCompilationDeps },
);
