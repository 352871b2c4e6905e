import { getCompilationDeps } from './deps.js';
import { httpHandler } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { compilationFile } from './ledger/service.js';

/**
 * GET /api/compilations/{id}/file: in the cloud a redirect to a 5-minute S3 link (a Lambda answer
 * cannot carry a large workbook); locally the bytes themselves, named for download.
 */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const file = await compilationFile(deps, req.caller, req.params.id ?? '');
    if (file.kind === 'redirect') return { statusCode: 302, headers: { Location: file.url }, body: '' };
    return {
      statusCode: 200,
      headers: { 'Content-Type': file.contentType, 'Content-Disposition': file.disposition },
      body: file.body.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { deps: getCompilationDeps },
);
