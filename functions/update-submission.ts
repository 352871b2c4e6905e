import { updateSubmission } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** PUT /api/submissions/{id}: body {data, version}; a stale version is a 409 carrying the current record. */
export const handler = httpHandler(
  async (req, deps) => {
    const record = await updateSubmission(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, record, { ETag: `"${record.version}"` });
  },
  { body: true },
);
