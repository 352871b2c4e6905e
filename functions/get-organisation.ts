import { resolveCaller } from './core/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/organisation: divisions and people (names and titles only), for the form's pickers. */
export const handler = httpHandler(async (req, deps) => {
  const { org } = await resolveCaller(deps, req.caller);
  return json(200, {
    unit: org.unit,
    divisions: org.divisions,
    people: org.people.map(({ id, name, title, division }) => ({ id, name, title, division })),
  });
});
