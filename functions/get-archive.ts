import { getArchiveDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { getArchive } from './ledger/archive-job.js';

/** GET /api/archives/{id}: an archive job's status and progress, and the archive once made. */
export const handler = httpHandler(async (req, deps) => json(200, await getArchive(deps, req.caller, req.params.id ?? '')), { deps: getArchiveDeps });
