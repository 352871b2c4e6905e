import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { listCompilations } from './ledger/service.js';

/** GET /api/compilations?period=: the unit's compilations, latest first, each marked current or superseded. */
export const handler = httpHandler(async (req, deps) => json(200, await listCompilations(deps, req.caller, req.query)), {
  deps: getCompilationDeps,
});
