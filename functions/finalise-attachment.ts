import { getEvidenceDeps } from './deps.js';
import { finaliseAttachment } from './evidence/attachments.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/submissions/{id}/attachments/{aid}/finalise: checks the uploaded file; the record gains a version. */
export const handler = httpHandler(
  async (req, deps) => {
    const out = await finaliseAttachment(deps, req.caller, req.params.id ?? '', req.params.aid ?? '');
    return json(200, out, { ETag: `"${out.record.version}"` });
  },
  { deps: getEvidenceDeps },
);
