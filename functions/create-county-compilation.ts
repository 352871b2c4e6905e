import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { createCountyRollup } from './ledger/county-rollup-job.js';

/**
 * POST /api/county/compilations {period} (county): 202 with the roll-up job and its Location to poll;
 * the worker writes the workbook. The same period already running, or the same Idempotency-Key,
 * answers with that job.
 */
export const handler = httpHandler(
  async (req, deps) => {
    const { job } = await createCountyRollup(deps, req.caller, req.body, req.header('idempotency-key'));
    return json(202, job, { Location: `/api/county/compilations/${encodeURIComponent(job.id)}` });
  },
  { body: true, deps: getCountyDeps, county: true },
);
