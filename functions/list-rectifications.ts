import { listItems } from './core/rectification/items.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/rectifications?status=&division=&overdue=&inspection=&person=: the items the caller may see, with counts. */
export const handler = httpHandler(async (req, deps) => json(200, await listItems(deps, req.caller, req.query)));
