import { getArchiveDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { listArchives } from './ledger/archive-job.js';

/** GET /api/archives?period=: the unit's evidence archives, latest period first. */
export const handler = httpHandler(async (req, deps) => json(200, await listArchives(deps, req.caller, req.query)), { deps: getArchiveDeps });
