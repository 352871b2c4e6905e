/** Demo users of the example organisation, and the claims a local token carries for each. */
import { rolesOn } from '../../functions/core/roster/organisation.js';
import { shanghaiDate } from '../../functions/core/periods.js';
import type { Organisation, Person, Role } from '../../functions/core/templates/templates.js';

export function claimsFor(org: Organisation, person: Person, today = shanghaiDate(new Date())) {
  return { sub: person.id, unit: org.unit.id, roles: rolesOn(person, today), name: person.name };
}

/** The first person who holds the role today. */
export function personWithRole(org: Organisation, role: Role, today = shanghaiDate(new Date())): Person | undefined {
  return org.people.find((p) => rolesOn(p, today).includes(role));
}
