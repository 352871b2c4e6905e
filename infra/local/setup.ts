/** Prepares a table on the embedded store: creates it and loads organisations not yet there. */
import { ensureTable, createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import type { Organisation } from '../../functions/core/templates/templates.js';

export async function prepareTable(endpoint: string, tableName: string, orgs: Organisation[]): Promise<string[]> {
  const doc = createDocumentClient({ region: 'local', endpoint });
  await ensureTable(doc, tableName);
  const store = dynamoOrganisationStore(doc, tableName);
  const loaded: string[] = [];
  for (const org of orgs) if (await store.putIfAbsent(org)) loaded.push(org.unit.id);
  doc.destroy();
  return loaded;
}
