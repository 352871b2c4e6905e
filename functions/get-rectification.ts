import { getItem } from './core/rectification/items.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/rectifications/{id}: the item, its history and the actions open to the caller. */
export const handler = httpHandler(async (req, deps) => {
  const out = await getItem(deps, req.caller, req.params.id ?? '');
  return json(200, out, { ETag: `"${out.item.version}"` });
});
