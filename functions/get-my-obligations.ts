import { myObligations } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/me/obligations: what the caller owes in the periods running now, with due dates. */
export const handler = httpHandler(async (req, deps) => json(200, await myObligations(deps, req.caller)));
