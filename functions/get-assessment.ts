import { assessmentView } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/assessment?period=: the assessment sheet as data (the office and the secretary). */
export const handler = httpHandler(async (req, deps) => json(200, await assessmentView(deps, req.caller, req.query)));
