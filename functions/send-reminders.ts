import { sendReminders } from './core/compliance/reminders.js';
import { getReminderDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/reminders/send: body {person?, obligation?} or {all: true}; through the configured channel (the office). */
export const handler = httpHandler(async (req, deps) => json(200, await sendReminders(deps, req.caller, req.body)), {
  body: true,
  deps: getReminderDeps,
});
