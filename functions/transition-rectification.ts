import { transitionItem } from './core/rectification/items.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/rectifications/{id}/transition: body {action, version, measures?, progress?, reason?, deadline?}. */
export const handler = httpHandler(
  async (req, deps) => {
    const item = await transitionItem(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, item, { ETag: `"${item.version}"` });
  },
  { body: true },
);
