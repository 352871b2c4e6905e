import { updateRosterPerson } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';

/**
 * PUT /api/roster/people/{id}: name, title, division, roles (give or end from a date), subject, or
 * marked left; with Cognito, an invitation for someone without an account, and `left` disables it.
 */
export const handler = httpHandler(
  async (req, deps) => {
    const { version, change } = await updateRosterPerson(deps, req.caller, req.params.id ?? '', req.body);
    return json(200, { version, person: change.after });
  },
  { body: true, deps: getRosterDeps },
);
