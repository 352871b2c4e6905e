import { submissionHistory } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/submissions/{id}/history: every change, who and when, each field before and after. */
export const handler = httpHandler(async (req, deps) =>
  json(200, { items: await submissionHistory(deps, req.caller, req.params.id ?? '') }),
);
