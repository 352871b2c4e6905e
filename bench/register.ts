/**
 * `npm run bench` (or `tsx bench/register.ts [--records 10000] [--repeat 15]`): the register's
 * keyword search over a unit-year on the embedded store (in-memory dynalite on 127.0.0.1).
 *
 * (a) one register page with a keyword (GET /api/submissions?period=2026&q=…, through the core
 *     function and the record store, as a request runs): latency p50/p95 and index items read;
 * (b) the whole year searched page after page until the cursor runs out (a keyword that matches
 *     one record, the worst case): requests, latency p50/p95, items read;
 * (c) a bare paged Query of the same range (byUnit, 2026, 1 MB pages, nothing checked): the floor.
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readCatalog } from '../functions/core/templates/catalog.js';
import { listSubmissions } from '../functions/core/records/submissions.js';
import type { Deps } from '../functions/core/types.js';
import { createDocumentClient } from '../functions/store/client.js';
import { keys } from '../functions/store/keys.js';
import { dynamoRecordStore, headItem, LIST_READ_BUDGET } from '../functions/store/records.js';
import { indexOf } from '../functions/store/table.js';
import { startEmbeddedStore } from '../infra/local/embedded-store.js';
import { prepareTable } from '../infra/local/setup.js';
import { benchData } from './data.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt('records', 10_000);
const REPEAT = opt('repeat', 15);
const TABLE = 'bench-register';

const catalog = readCatalog(process.env.TEMPLATES_DIR ?? 'templates');
const store = await startEmbeddedStore();
const doc = createDocumentClient({ region: 'local', endpoint: store.endpoint });
await prepareTable(store.endpoint, TABLE, [catalog.exampleOrganisation]);

const data = benchData(catalog, N);
const batches: Record<string, unknown>[][] = [];
let batch: Record<string, unknown>[] = [];
let needle = '';
for (let f = 0; f < data.forms.length; f++)
  for (const r of data.records(f)) {
    // The keyword: a slice of one record's longest text, in the middle of the year's order.
    if (f === 3 && !needle) {
      const text = Object.values(r.data).filter((v): v is string => typeof v === 'string').sort((a, b) => b.length - a.length)[0] ?? '';
      needle = text.slice(3, 11);
    }
    batch.push(headItem(r));
    if (batch.length === 25) {
      batches.push(batch);
      batch = [];
    }
  }
if (batch.length) batches.push(batch);
const t0 = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 6 }, async () => {
    while (next < batches.length) {
      let items = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (items.length) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items } }));
        items = (out.UnprocessedItems?.[TABLE] ?? []) as typeof items;
      }
    }
  }),
);
process.stderr.write(`  seeded ${N.toLocaleString('en')} records in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

const records = dynamoRecordStore(doc, TABLE);
// Only what the register reads: the records, the catalog, the organisation, a clock.
const deps = { catalog, records, organisation: async () => catalog.exampleOrganisation, now: () => new Date('2026-12-31T04:00:00Z') } as unknown as Deps;
const office = { id: 'sun-li', unit: catalog.exampleOrganisation.unit.id, roles: ['office' as const] };
// Counts the index items each Query returns, so "items read" is measured, not assumed.
let itemsRead = 0;
doc.middlewareStack.add(
  (nextMw) => async (input) => {
    const out = await nextMw(input);
    const o = out.output as { Items?: unknown[] };
    if ((input.input as { IndexName?: string }).IndexName) itemsRead += o.Items?.length ?? 0;
    return out;
  },
  { step: 'initialize', name: 'countItems' },
);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function measure(run: () => Promise<number>) {
  await run(); // warm
  const times: number[] = [];
  let read = 0;
  let requests = 0;
  for (let i = 0; i < REPEAT; i++) {
    itemsRead = 0;
    const t = process.hrtime.bigint();
    requests = await run();
    times.push(ms(t));
    read = itemsRead;
  }
  return { p50: pct(times, 50), p95: pct(times, 95), read, requests };
}

const page = await measure(async () => {
  await listSubmissions(deps, office, { period: '2026', q: needle });
  return 1;
});
const whole = await measure(async () => {
  let cursor: string | undefined;
  let n = 0;
  let found = 0;
  do {
    const out = await listSubmissions(deps, office, { period: '2026', q: needle, limit: '20', ...(cursor ? { cursor } : {}) });
    found += out.items.length;
    cursor = out.nextCursor;
    n++;
  } while (cursor && n < 1000);
  if (found < 1) throw new Error(`bench: the keyword ${needle} found nothing`);
  return n;
});
const def = indexOf('byUnit');
const { from, to } = keys.recordSortRange('2026-01-01', '2026-12-31');
const bare = await measure(async () => {
  let start: Record<string, unknown> | undefined;
  let n = 0;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: def.name,
        KeyConditionExpression: `${def.partitionKey} = :pk AND ${def.sortKey} BETWEEN :f AND :t`,
        ExpressionAttributeValues: { ':pk': keys.unit(office.unit), ':f': from, ':t': to },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }),
    );
    start = out.LastEvaluatedKey;
    n++;
  } while (start);
  return n;
});

const line = (label: string, m: typeof page) =>
  `| ${label} | ${m.requests} | ${m.p50.toFixed(0)} | ${m.p95.toFixed(0)} | ${m.read.toLocaleString('en')} |`;
console.log(`\nregister: keyword "${needle}" over ${N.toLocaleString('en')} records of one unit-year (dynalite in memory), ${REPEAT} runs each, read budget ${LIST_READ_BUDGET.toLocaleString('en')} items per request`);
console.log('| variant | requests | p50 ms | p95 ms | index items read |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(line('one register page with the keyword', page));
console.log(line('the whole year searched, page after page', whole));
console.log(line('bare paged Query of the same range', bare));
console.log(`ratio, whole-year keyword search / bare Query: ${(whole.p50 / bare.p50).toFixed(2)}× at p50, ${(whole.p95 / bare.p95).toFixed(2)}× at p95`);
doc.destroy();
await store.close();
