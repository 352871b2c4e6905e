import { getCompilationDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { compilationFile } from './ledger/service.js';

/**
 * GET /api/compilations/{id}/file: in the cloud a redirect to a 5-minute S3 link (a Lambda answer
 * cannot carry a large workbook); locally the bytes themselves, named for download. With `?link=1`
 * the link comes as JSON instead, so the web page can navigate to it (its CSP lets it fetch only
 * from its own origin).
 */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const file = await compilationFile(deps, req.caller, req.params.id ?? '');
    if (file.kind === 'redirect')
      return req.query.link === '1' ? json(200, { url: file.url }) : { statusCode: 302, headers: { Location: file.url }, body: '' };
    return {
      statusCode: 200,
      headers: { 'Content-Type': file.contentType, 'Content-Disposition': file.disposition },
      body: file.body.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { deps: getCompilationDeps },
);
