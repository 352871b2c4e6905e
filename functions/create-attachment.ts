import { getEvidenceDeps } from './deps.js';
import { requestUpload } from './evidence/attachments.js';
import { httpHandler, json } from './http/handler.js';

/**
 * POST /api/submissions/{id}/attachments: body {name, size, type?}; answers {attachmentId, upload:
 * {url, fields}}, a form POST of exactly that file, then POST …/{attachmentId}/finalise.
 */
export const handler = httpHandler(
  async (req, deps) => json(201, await requestUpload(deps, req.caller, req.params.id ?? '', req.body)),
  { body: true, deps: getEvidenceDeps },
);
