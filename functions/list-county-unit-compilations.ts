import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { unitLedgers } from './ledger/county-ledgers.js';

/** GET /api/county/units/{unit}/compilations?period=: one overseen unit's compilations and archives (county only, logged). */
export const handler = httpHandler(async (req, deps) => json(200, await unitLedgers(deps, req.caller, req.params.unit ?? '', req.routeKey, req.query)), {
  deps: getCountyDeps,
  county: true,
});
