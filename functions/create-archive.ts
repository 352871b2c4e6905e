import { getArchiveDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { createArchive } from './ledger/archive-job.js';

/**
 * POST /api/archives {period} (office, secretary): 202 with the archive job and its Location; the
 * worker writes the zip. The period's ledger must be compiled first (its workbook goes inside).
 */
export const handler = httpHandler(
  async (req, deps) => {
    const job = await createArchive(deps, req.caller, req.body, req.header('idempotency-key'));
    return json(202, job, { Location: `/api/archives/${encodeURIComponent(job.id)}` });
  },
  { body: true, deps: getArchiveDeps },
);
