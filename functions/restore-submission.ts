import { restoreSubmission } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/submissions/{id}/restore: body {reason, version}; a withdrawn record back (the office). */
export const handler = httpHandler(
  async (req, deps) => {
    const record = await restoreSubmission(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, record, { ETag: `"${record.version}"` });
  },
  { body: true },
);
