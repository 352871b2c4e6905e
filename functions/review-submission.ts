import { reviewSubmission } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/submissions/{id}/review: body {decision, reason?, version}; office and secretary. */
export const handler = httpHandler(
  async (req, deps) => {
    const record = await reviewSubmission(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, record, { ETag: `"${record.version}"` });
  },
  { body: true },
);
