import { setScore } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** PUT /api/assessment/{period}/items/{itemId}: body {score, reason}; the office's score or override. */
export const handler = httpHandler(
  async (req, deps) =>
    json(200, await setScore(deps, req.caller, req.params.period ?? '', req.params.itemId ?? '', req.body)),
  { body: true },
);
