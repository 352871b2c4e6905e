/** Prepares a table on the embedded store: creates it and loads organisations not yet there. */
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { TABLE } from '../../functions/store/table.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { LOCAL_ISSUER } from './jwt.js';

export async function prepareTable(endpoint: string, tableName: string, orgs: Organisation[]): Promise<string[]> {
  const doc = createDocumentClient({ region: 'local', endpoint });
  await addMissingIndexes(doc, tableName);
  const store = dynamoOrganisationStore(doc, tableName);
  const loaded: string[] = [];
  // Local sign-in signs every token; its subjects are the roster's (the person's id unless set).
  for (const org of orgs) if (await store.putIfAbsent(org, LOCAL_ISSUER)) loaded.push(org.unit.id);
  doc.destroy();
  return loaded;
}

async function copyAll(doc: DynamoDBDocumentClient, from: string, to: string): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500 }));
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [to]: requests } }));
        requests = (out.UnprocessedItems?.[to] ?? []) as typeof requests;
      }
    }
    n += items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

const exists = (doc: DynamoDBDocumentClient, name: string) =>
  doc.send(new DescribeTableCommand({ TableName: name })).then(
    (t) => t.Table,
    () => undefined,
  );

/**
 * A store made before an index was added to the table definition lacks it, and the embedded store
 * cannot add one to a table (UpdateTable there changes throughput only). So the table is rebuilt
 * once, at start, before anything serves: copied aside, recreated from the definition, copied back.
 * A copy left aside by an interrupted run is the complete one and is restored first. Local and
 * start-up only; the cloud's table gets its indexes from CloudFormation.
 */
async function addMissingIndexes(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  const aside = `${tableName}.migrating`;
  const current = await exists(doc, tableName);
  const have = new Set((current?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = TABLE.indexes.filter((i) => !have.has(i.name)).map((i) => i.name);
  const interrupted = (await exists(doc, aside)) !== undefined;
  if (current && !missing.length && !interrupted) return;
  if (!current && !interrupted) return ensureTable(doc, tableName);
  if (!interrupted) {
    console.log(`local store: adding index ${missing.join(', ')} to ${tableName} (a one-time copy of its items)`);
    await ensureTable(doc, aside);
    await copyAll(doc, tableName, aside);
  }
  if (current) await doc.send(new DeleteTableCommand({ TableName: tableName }));
  await ensureTable(doc, tableName);
  const n = await copyAll(doc, aside, tableName);
  await doc.send(new DeleteTableCommand({ TableName: aside }));
  console.log(`local store: ${n} items in ${tableName} with every index`);
}
