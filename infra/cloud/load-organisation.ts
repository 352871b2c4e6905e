/**
 * Loads a unit's organisation (its divisions and people) into the deployed table, once:
 *   npx tsx infra/cloud/load-organisation.ts <TableName> <organisation.json> <issuer>
 * Uses the AWS credentials and region of the shell. An organisation already there is left alone.
 * This is how a unit's first office person comes to exist: the file names them with the `office`
 * role and, for Cognito or an external issuer, their token's `sub` as `subject`; from then on the
 * office manages the roster in the product. `<issuer>` is the token issuer the subjects belong to
 * (the stack's Issuer output).
 * A county (县委宣传部, `"kind": "county"`) is loaded the same way; a unit names its county in its
 * file (`"county"`), or is attached later: `… load-organisation.ts attach <TableName> <unit> <county> <issuer>`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrganisationSchema } from '../../functions/core/templates/templates.js';
import { checkOrganisation } from '../../functions/core/templates/catalog.js';
import { attachToCounty } from '../../functions/core/county/attach.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';

/** Checks the file against the same schema as templates/ and writes it if the unit has none yet. */
export async function loadOrganisation(doc: DynamoDBDocumentClient, tableName: string, file: string, issuer: string): Promise<string> {
  const parsed = OrganisationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const org = parsed.data;
  checkOrganisation(org, file);
  if (org.kind === 'county') {
    // A county's roster is loaded from its file; its people read, and need only sign in.
    if (!org.people.some((p) => p.subject && p.roles.some((r) => r.role === 'county')))
      throw new Error(`${file}: no county person has a "subject", so nobody could sign in to the county view; put their sub (README, Users) in the file`);
  } else if (!org.people.some((p) => p.roles.some((r) => r.role === 'office')))
    throw new Error(`${file}: nobody holds the office role, so nobody could manage the roster; name the first office person`);
  // Through a deployed issuer a person signs in only by the subject entered for them.
  if (org.kind !== 'county' && !org.people.some((p) => p.subject && p.roles.some((r) => r.role === 'office')))
    throw new Error(`${file}: no office person has a "subject", so nobody could sign in to manage the roster; put the first office person's sub (README, Users) in the file`);
  const written = await dynamoOrganisationStore(doc, tableName).putIfAbsent(org, issuer);
  return written
    ? `loaded ${org.unit.id}: ${org.divisions.length} divisions, ${org.people.length} people`
    : `${org.unit.id} is already loaded; left unchanged`;
}

/** Attaches a loaded unit to a loaded county (a new version of the unit's roster); says what it did. */
export async function attachUnit(doc: DynamoDBDocumentClient, tableName: string, unit: string, county: string, issuer: string): Promise<string> {
  const rosters = dynamoOrganisationStore(doc, tableName);
  const before = (await rosters.roster(unit))?.org.county;
  const after = await attachToCounty(rosters, unit, county, { by: 'load', at: new Date().toISOString(), issuer });
  return before === county ? `${unit} is already overseen by ${county}; left unchanged` : `attached ${unit} to ${county} (roster version ${after.version})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'attach') {
  const [tableName, unit, county, issuer] = process.argv.slice(3);
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!tableName || !unit || !county || !issuer || !region) {
    console.error('usage: AWS_REGION=<region> npx tsx infra/cloud/load-organisation.ts attach <TableName> <unit> <county> <issuer>');
    process.exit(2);
  }
  const doc = createDocumentClient({ region, endpoint: process.env.DYNAMODB_ENDPOINT });
  attachUnit(doc, tableName, unit, county, issuer).then(
    (line) => (console.log(line), doc.destroy()),
    (err: unknown) => (console.error((err as Error).message), (process.exitCode = 1), doc.destroy()),
  );
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [tableName, file, issuer] = process.argv.slice(2);
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!tableName || !file || !issuer || !region) {
    console.error('usage: AWS_REGION=<region> npx tsx infra/cloud/load-organisation.ts <TableName> <organisation.json> <issuer>');
    process.exit(2);
  }
  const doc = createDocumentClient({ region, endpoint: process.env.DYNAMODB_ENDPOINT });
  try {
    console.log(await loadOrganisation(doc, tableName, file, issuer));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  } finally {
    doc.destroy();
  }
}
