import { addDivision } from './core/roster/roster.js';
import { changeRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** POST /api/roster/divisions: the office adds a division. */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await changeRoster(deps, req.caller, (roster) => addDivision(roster, req.body));
    return json(201, { version, division: change.after });
  },
  { body: true, deps: getRosterDeps },
);
