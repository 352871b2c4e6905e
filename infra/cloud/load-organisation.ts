/**
 * Loads a unit's organisation (its divisions and people) into the deployed table, once:
 *   npx tsx infra/cloud/load-organisation.ts <TableName> <organisation.json> <issuer>
 * Uses the AWS credentials and region of the shell. An organisation already there is left alone.
 * This is how a unit's first office person comes to exist: the file names them with the `office`
 * role and, for Cognito or an external issuer, their token's `sub` as `subject`; from then on the
 * office manages the roster in the product. `<issuer>` is the token issuer the subjects belong to
 * (the stack's Issuer output).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OrganisationSchema } from '../../functions/core/templates/templates.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';

/** Checks the file against the same schema as templates/ and writes it if the unit has none yet. */
export async function loadOrganisation(doc: DynamoDBDocumentClient, tableName: string, file: string, issuer: string): Promise<string> {
  const parsed = OrganisationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const org = parsed.data;
  if (!org.people.some((p) => p.roles.some((r) => r.role === 'office')))
    throw new Error(`${file}: nobody holds the office role, so nobody could manage the roster; name the first office person`);
  // Through a deployed issuer a person signs in only by the subject entered for them.
  if (!org.people.some((p) => p.subject && p.roles.some((r) => r.role === 'office')))
    throw new Error(`${file}: no office person has a "subject", so nobody could sign in to manage the roster; put the first office person's sub (README, Users) in the file`);
  const written = await dynamoOrganisationStore(doc, tableName).putIfAbsent(org, issuer);
  return written
    ? `loaded ${org.unit.id}: ${org.divisions.length} divisions, ${org.people.length} people`
    : `${org.unit.id} is already loaded; left unchanged`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
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
