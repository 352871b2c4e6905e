import { sendReminders } from './core/compliance/oversight.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/reminders/send: sends the reminder list through the configured channel (the office). */
export const handler = httpHandler(async (req, deps) => json(200, await sendReminders(deps, req.caller)));
