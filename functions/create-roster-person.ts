import { addRosterPerson } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/roster/people: the office adds a person (with their roles from a date); with Cognito, invites them. */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await addRosterPerson(deps, req.caller, req.body);
    return json(201, { version, person: change.after });
  },
  { body: true, deps: getRosterDeps },
);
