import { resolveCaller } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/templates: every form template, for rendering forms. */
export const handler = httpHandler(async (req, deps) => {
  await resolveCaller(deps, req.caller);
  return json(200, { items: deps.catalog.forms });
}, { countyMayUse: true });
