/**
 * Prints a bearer token for a demo user: `npm run -s token -- --role leader` or
 * `npm run -s token -- <user-id>`. Only the token goes to stdout, so it can be captured.
 */
import { join, resolve } from 'node:path';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { findPerson } from '../../functions/core/roster/organisation.js';
import { ROLES, type Role } from '../../functions/core/templates/templates.js';
import { loadLocalKeys } from './jwt.js';
import { claimsFor, personWithRole } from './users.js';

const args = process.argv.slice(2);
const catalog = readCatalog(resolve(process.env.TEMPLATES_DIR ?? 'templates'));
const org = catalog.exampleOrganisation;
// The example county's people (--role county) and its smaller units' people sign in the same way.
const others = [catalog.exampleCounty.county, ...catalog.exampleCounty.units];
const roleAt = args.indexOf('--role');
let person;
if (roleAt >= 0) {
  const role = args[roleAt + 1] as Role;
  if (!ROLES.includes(role)) {
    console.error(`unknown role "${role ?? ''}"; one of: ${ROLES.join(', ')}`);
    process.exit(2);
  }
  person = personWithRole(org, role) ?? others.map((o) => personWithRole(o, role)).find((p) => p !== undefined);
} else if (args[0]) {
  // Someone the office added, or of the bureau's own roster: the token says only who; the API asks the roster.
  person = findPerson(org, args[0]) ?? others.map((o) => findPerson(o, args[0]!)).find((p) => p !== undefined) ?? (/^[a-z0-9][a-z0-9-]{1,39}$/.test(args[0]) ? { id: args[0], name: args[0], title: '', roles: [] } : undefined);
}
if (!person) {
  console.error(`usage: npm run -s token -- --role <${ROLES.join('|')}>  or  npm run -s token -- <user-id>`);
  console.error(`users: ${org.people.map((p) => p.id).join(', ')}`);
  process.exit(2);
}
const keys = await loadLocalKeys(join(resolve(process.env.DATA_DIR ?? '.data'), 'local-jwt-key.json'));
process.stdout.write(`${await keys.sign(claimsFor(person))}\n`);
