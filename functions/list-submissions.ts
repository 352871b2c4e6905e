import { listSubmissions } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/submissions?templateId=&period=&scope=&cursor=&limit=: a page of records, newest first. */
export const handler = httpHandler(async (req, deps) => json(200, await listSubmissions(deps, req.caller, req.query)));
