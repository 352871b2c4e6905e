import { reminderLog } from './core/compliance/reminders.js';
import { getReminderDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/reminders/log?period=: the reminders sent, when, by whom, to whom (the office). */
export const handler = httpHandler(async (req, deps) => json(200, await reminderLog(deps, req.caller, req.query)), { deps: getReminderDeps });
