import { addPerson } from './core/roster/roster.js';
import { changeRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/roster/people: the office adds a person (with their roles from a date). */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await changeRoster(deps, req.caller, (roster, day) => addPerson(roster, req.body, day));
    return json(201, { version, person: change.after });
  },
  { body: true, deps: getRosterDeps },
);
