import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { createCompilation } from './ledger/service.js';

/** POST /api/compilations {period}: compiles the unit's ledgers now (office, secretary); 201 with the metadata. */
export const handler = httpHandler(
  async (req, deps) => {
    const compilation = await createCompilation(deps, req.caller, req.body);
    return json(201, compilation, { Location: `/api/compilations/${encodeURIComponent(compilation.id)}` });
  },
  { body: true, deps: getCompilationDeps },
);
