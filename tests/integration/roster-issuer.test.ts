/**
 * Only local sign-in may name a person by roster id: through any other issuer a person signs in
 * only with the subject the office entered, so an external issuer's username that happens to equal
 * a roster id ("sun-li") is nobody here.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { callerFor, LOCAL_ISSUER, UNKNOWN_PERSON } from '../../functions/core/roster/index.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `issuer-${randomUUID()}`;
const EXTERNAL = 'https://idp.example.org/realms/bureau';
const org = readCatalog('templates').exampleOrganisation;
const now = new Date('2026-12-02T02:00:00Z');

beforeAll(() => ensureTable(doc, tableName));
afterAll(() => doc.destroy());

it('signs a person in by roster id through local sign-in only, and by an entered subject through any issuer', async () => {
  const withSubject = { ...org, people: org.people.map((p) => (p.id === 'li-na' ? { ...p, subject: 'idp|li-na-7' } : p)) };
  const store = dynamoOrganisationStore(doc, tableName);
  expect(await store.putIfAbsent(withSubject, LOCAL_ISSUER)).toBe(true);
  expect((await callerFor(store, LOCAL_ISSUER, 'sun-li', now)).id).toBe('sun-li');
  // The same roster linked for an external issuer too, as a second load does.
  expect(await store.putIfAbsent(withSubject, EXTERNAL)).toBe(false);
  await expect(callerFor(store, EXTERNAL, 'sun-li', now)).rejects.toMatchObject({ status: 403, detail: UNKNOWN_PERSON });
  expect((await callerFor(store, EXTERNAL, 'idp|li-na-7', now)).id).toBe('li-na');
});
