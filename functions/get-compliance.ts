import { complianceView } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/compliance?period=: each obligation's rows (the office and secretary: all; others: their own). */
export const handler = httpHandler(async (req, deps) => json(200, await complianceView(deps, req.caller, req.query)));
