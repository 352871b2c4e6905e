import { getEvidenceDeps } from './deps.js';
import { removeAttachment } from './evidence/attachments.js';
import { httpHandler, json } from './http/handler.js';

/** DELETE /api/submissions/{id}/attachments/{aid}?version=: the record's next version is without it. */
export const handler = httpHandler(
  async (req, deps) => {
    const record = await removeAttachment(deps, req.caller, req.params.id ?? '', req.params.aid ?? '', req.query.version);
    return json(200, record, { ETag: `"${record.version}"` });
  },
  { deps: getEvidenceDeps },
);
