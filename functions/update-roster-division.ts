import { updateDivision } from './core/roster/roster.js';
import { changeRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/** PUT /api/roster/divisions/{id}: rename, or retire from a date (once nobody is left in it). */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await changeRoster(deps, req.caller, (roster) => updateDivision(roster, req.params.id ?? '', req.body));
    return json(200, { version, division: change.after });
  },
  { body: true, deps: getRosterDeps },
);
