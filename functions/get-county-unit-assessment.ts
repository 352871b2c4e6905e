import { unitAssessment } from './core/county/service.js';
import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/county/units/{unit}/assessment?period=: one overseen unit's assessment sheet (county only, logged). */
export const handler = httpHandler(async (req, deps) => json(200, await unitAssessment(deps, req.caller, req.params.unit ?? '', req.routeKey, req.query)), {
  deps: getCountyDeps,
  county: true,
});
