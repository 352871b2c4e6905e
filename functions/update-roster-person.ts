import { updatePerson } from './core/roster/roster.js';
import { changeRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** PUT /api/roster/people/{id}: name, title, division, roles (give or end from a date), subject, or marked left. */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await changeRoster(deps, req.caller, (roster, day) => updatePerson(roster, req.params.id ?? '', req.body, day));
    return json(200, { version, person: change.after });
  },
  { body: true, deps: getRosterDeps },
);
