import { getEvidenceDeps } from './deps.js';
import { attachmentLink } from './evidence/attachments.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';

/**
 * GET /api/submissions/{id}/attachments/{aid}: a redirect to a 5-minute link (S3 in the cloud; the
 * local blob server, which streams the checked bytes) that downloads the file as an attachment
 * under its Chinese name. `?link=1` gives the link as JSON, for the page to navigate to;
 * `?preview=1` the image's small preview instead (404 when it has none), for the page's thumbnail.
 */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const url = await attachmentLink(deps, req.caller, req.params.id ?? '', req.params.aid ?? '', { preview: req.query.preview === '1' });
    return req.query.link === '1' ? json(200, { url }) : { statusCode: 302, headers: { Location: url }, body: '' };
  },
  { deps: getEvidenceDeps },
);
