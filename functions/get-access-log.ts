import { accessLogView } from './core/county/service.js';
import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/access-log: who of the county read what of this unit, and when (the office and the secretary). */
export const handler = httpHandler(async (req, deps) => json(200, await accessLogView(deps, req.caller, req.query)), { deps: getCountyDeps });
