import { getArchiveDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { archiveFile } from './ledger/archive-job.js';

/** GET /api/archives/{id}/file: a redirect to a 5-minute link to the zip (`?link=1`: the link as JSON). */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const url = await archiveFile(deps, req.caller, req.params.id ?? '');
    return req.query.link === '1' ? json(200, { url }) : { statusCode: 302, headers: { Location: url }, body: '' };
  },
  { deps: getArchiveDeps },
);
