import { withdrawSubmission } from './core/records/submissions.js';
import { httpHandler } from './http/handler.js';

/** DELETE /api/submissions/{id}?version=: withdraws the record; its versions stay in the history. */
export const handler = httpHandler(async (req, deps) => {
  await withdrawSubmission(deps, req.caller, req.params.id ?? '', req.query.version);
  return { statusCode: 204 };
});
