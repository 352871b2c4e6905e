import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { getCountyRollup } from './ledger/county-rollup-job.js';

/** GET /api/county/compilations/{id}: the roll-up job's status and progress, and its file once written (county). */
export const handler = httpHandler(async (req, deps) => json(200, await getCountyRollup(deps, req.caller, req.params.id ?? '')), {
  deps: getCountyDeps,
  county: true,
});
