import { resolveCaller } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/organisation: the unit's roster (divisions, people, their roles and dates) for pickers and form checks. */
export const handler = httpHandler(async (req, deps) => {
  const { org } = await resolveCaller(deps, req.caller);
  return json(200, {
    unit: org.unit,
    divisions: org.divisions,
    people: org.people,
  });
}, { countyMayUse: true });
