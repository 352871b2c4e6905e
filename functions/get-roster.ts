import { readRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/roster: the unit's divisions and people with their roles and dates, and the version a change must name. */
export const handler = httpHandler(async (req, deps) => json(200, await readRoster(deps, req.caller)), { deps: getRosterDeps });
