import { updateItem } from './core/rectification/items.js';
import { httpHandler, json } from './http/handler.js';

/** PUT /api/rectifications/{id}: body {measures?, progress?, version}; the responsible side, before it reports done. */
export const handler = httpHandler(
  async (req, deps) => {
    const item = await updateItem(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, item, { ETag: `"${item.version}"` });
  },
  { body: true },
);
