import { notFound } from './core/errors.js';
import { resolveCaller } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/templates/{id}: one form template. */
export const handler = httpHandler(async (req, deps) => {
  await resolveCaller(deps, req.caller);
  const form = deps.catalog.form(req.params.id ?? '');
  if (!form) throw notFound('没有这个表单模板');
  return json(200, form);
}, { countyMayUse: true });
