import { reminderList } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/reminders: who owes what in the running periods, with days left (the office). */
export const handler = httpHandler(async (req, deps) => json(200, { items: await reminderList(deps, req.caller) }));
