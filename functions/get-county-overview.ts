import { countyOverview } from './core/county/service.js';
import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/county/overview?period=: the county's units ranked, units × obligations, from snapshots only (county only, logged). */
export const handler = httpHandler(async (req, deps) => json(200, await countyOverview(deps, req.caller, req.routeKey, req.query)), {
  deps: getCountyDeps,
  county: true,
});
