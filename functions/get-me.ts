import { divisionName } from './core/roster/organisation.js';
import { resolveCaller } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/me: the caller as the organisation knows them. */
export const handler = httpHandler(async (req, deps) => {
  const { org, person } = await resolveCaller(deps, req.caller);
  return json(200, {
    id: person.id,
    name: person.name,
    title: person.title,
    roles: req.caller.roles,
    unit: { id: org.unit.id, name: org.unit.name },
    division: person.division ? { id: person.division, name: divisionName(org, person.division) } : null,
  });
}, { countyMayUse: true });
