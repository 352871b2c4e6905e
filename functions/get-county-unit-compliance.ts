import { unitCompliance } from './core/county/service.js';
import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/county/units/{unit}/compliance?period=: one overseen unit's compliance matrix (county only, logged). */
export const handler = httpHandler(async (req, deps) => json(200, await unitCompliance(deps, req.caller, req.params.unit ?? '', req.routeKey, req.query)), {
  deps: getCountyDeps,
  county: true,
});
