import { createSubmission } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/submissions: a new record; the same Idempotency-Key always yields the same record. */
export const handler = httpHandler(
  async (req, deps) => {
    const { record, replayed } = await createSubmission(deps, req.caller, req.body, req.header('idempotency-key'));
    return json(201, record, { Location: `/api/submissions/${record.id}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) });
  },
  { body: true },
);
