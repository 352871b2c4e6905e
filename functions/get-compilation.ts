import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { getCompilation } from './ledger/service.js';

/** GET /api/compilations/{id}: a compilation job's status and progress, and its compilation once made. */
export const handler = httpHandler(async (req, deps) => json(200, await getCompilation(deps, req.caller, req.params.id ?? '')), {
  deps: getCompilationDeps,
});
