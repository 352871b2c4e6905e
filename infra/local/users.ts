/** Local users, and the claims a local token carries for each. */
import { rolesOn } from '../../functions/core/roster/organisation.js';
import { subjectOf } from '../../functions/core/roster/roster.js';
import type { RosterStore } from '../../functions/core/roster/store.js';
import { shanghaiDate } from '../../functions/core/periods.js';
import type { Organisation, Person, Role } from '../../functions/core/templates/templates.js';

/** A local token proves who the person is and nothing more: unit and roles come from the roster. */
export function claimsFor(person: Person) {
  return { sub: subjectOf(person), name: person.name };
}

/** The first person who holds the role today. */
export function personWithRole(org: Organisation, role: Role, today = shanghaiDate(new Date())): Person | undefined {
  return org.people.find((p) => rolesOn(p, today).includes(role));
}

/** Every unit's roster as the store has it now (a few units locally, so one read each). */
export function storedRosters(store: Pick<RosterStore, 'units' | 'counties' | 'get'>): () => Promise<Organisation[]> {
  return async () => {
    const ids = [...(await store.units()), ...(await store.counties())];
    return (await Promise.all(ids.map((u) => store.get(u)))).filter((o): o is Organisation => o !== undefined);
  };
}
