import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { compilationFile } from './ledger/service.js';

/**
 * GET /api/compilations/{id}/file: a redirect to a 5-minute signed link (S3 in the cloud, the local
 * blob server on a laptop), made only once the stored file matches its recorded size and checksum.
 * With `?link=1` the link comes as JSON instead, so the web page can navigate to it (its CSP lets it
 * fetch only from its own origin).
 */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const url = await compilationFile(deps, req.caller, req.params.id ?? '');
    return req.query.link === '1' ? json(200, { url }) : { statusCode: 302, headers: { Location: url }, body: '' };
  },
  { deps: getCompilationDeps },
);
