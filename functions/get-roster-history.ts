import { rosterHistory } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/roster/history?after=&limit=: every change, who and when, the entity before and after. */
export const handler = httpHandler(async (req, deps) => json(200, await rosterHistory(deps, req.caller, req.query)), { deps: getRosterDeps });
