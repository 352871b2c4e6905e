import { getSubmission } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/submissions/{id}: one record. */
export const handler = httpHandler(async (req, deps) => {
  const record = await getSubmission(deps, req.caller, req.params.id ?? '');
  return json(200, record, { ETag: `"${record.version}"` });
});
