/**
 * `npm run bench` (or `tsx bench/county.ts --units 100 --records 2000`): the county view on the
 * embedded store. A county of `--units` units with `--records` records each over 2026; the overview
 * for the year read from snapshots, against recomputing every unit's compliance and assessment from
 * its records in the same run (latency p50/p95 and items read); and a record write with the
 * snapshot refresh that follows it, against the bare write.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { assess } from '../functions/core/compliance/assessment.js';
import { complianceFor } from '../functions/core/compliance/compliance.js';
import { rebuildSnapshots, recordsKeepingSnapshots, refresher, refreshesSettled } from '../functions/core/county/keep-current.js';
import { countyOverview, type CountyReadDeps } from '../functions/core/county/service.js';
import { readCatalog } from '../functions/core/templates/catalog.js';
import type { Organisation } from '../functions/core/templates/templates.js';
import type { Caller } from '../functions/core/types.js';
import { dynamoAccessLogStore } from '../functions/store/access-log.js';
import { createDocumentClient, ensureTable } from '../functions/store/client.js';
import { dynamoOrganisationStore } from '../functions/store/organisation.js';
import { dynamoRecordStore, headItem } from '../functions/store/records.js';
import { dynamoScoreStore } from '../functions/store/scores.js';
import { dynamoSnapshotStore } from '../functions/store/snapshots.js';
import { startEmbeddedStore } from '../infra/local/embedded-store.js';
import { benchData } from './data.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const UNITS = opt('units', 100);
const PER_UNIT = opt('records', 2000);
const REPEAT = Math.max(3, opt('repeat', 10));
const WRITES = 20;
const TABLE = 'bench-county';
const ISSUER = 'https://bench.example';
const NOW = new Date('2026-12-31T04:00:00Z');

const catalog = readCatalog(process.env.TEMPLATES_DIR ?? 'templates');
const store = await startEmbeddedStore();
const doc = createDocumentClient({ region: 'local', endpoint: store.endpoint });
await ensureTable(doc, TABLE);
const rosters = dynamoOrganisationStore(doc, TABLE);
const records = dynamoRecordStore(doc, TABLE);
const scores = dynamoScoreStore(doc, TABLE);
const snapshots = dynamoSnapshotStore(doc, TABLE);

// The county and its units: the example organisation under a unit id of its own, each person with a subject of their own.
const base = catalog.exampleOrganisation;
const county: Organisation = { ...catalog.exampleCounty.county, people: catalog.exampleCounty.county.people.map((p) => ({ ...p, subject: `c-${p.id}` })) };
await rosters.putIfAbsent(county, ISSUER);
const unitIds = Array.from({ length: UNITS }, (_, i) => `bench-unit-${String(i).padStart(3, '0')}`);
for (const id of unitIds)
  await rosters.putIfAbsent({ ...base, unit: { ...base.unit, id, shortName: id }, county: county.unit.id, people: base.people.map((p) => ({ ...p, subject: `${id}-${p.id}` })) }, ISSUER);

// Records: the same year of every form for each unit (the ids say which unit), written in batches.
const t0 = Date.now();
const data = benchData(catalog, PER_UNIT);
let written = 0;
for (const [u, unit] of unitIds.entries()) {
  const items: Record<string, unknown>[] = [];
  for (let f = 0; f < data.forms.length; f++)
    for (const r of data.records(f)) items.push(headItem({ ...r, id: `${r.id.slice(0, 4)}${String(u).padStart(3, '0')}${r.id.slice(7)}`, unit }));
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < batches.length) {
        let reqs = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
        for (let round = 0; reqs.length && round < 50; round++) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: reqs } }));
          reqs = (out.UnprocessedItems?.[TABLE] ?? []) as typeof reqs;
        }
      }
    }),
  );
  written += items.length;
}
process.stderr.write(`  seeded ${UNITS} units × ${PER_UNIT.toLocaleString('en')} records (${written.toLocaleString('en')}) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

const snapDeps = { catalog, records, rosters, snapshots };
const t1 = Date.now();
await rebuildSnapshots(snapDeps, unitIds, NOW);
const rebuildS = (Date.now() - t1) / 1000;
process.stderr.write(`  rebuilt the snapshots in ${rebuildS.toFixed(0)} s\n`);

// Every item any call returns, counted at the client, so "items read" is measured, not assumed.
let itemsRead = 0;
doc.middlewareStack.add(
  (nextMw) => async (input) => {
    const out = await nextMw(input);
    const o = out.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
    itemsRead += (o.Items?.length ?? 0) + (o.Item ? 1 : 0) + Object.values(o.Responses ?? {}).reduce((n, r) => n + r.length, 0);
    return out;
  },
  { step: 'initialize', name: 'countItems' },
);

const deps: CountyReadDeps = {
  catalog,
  records,
  scores,
  notifier: { send: async () => {} } as unknown as CountyReadDeps['notifier'],
  organisation: (u) => rosters.get(u),
  now: () => NOW,
  rosters,
  accessLog: dynamoAccessLogStore(doc, TABLE),
  snapshots,
};
const caller: Caller = { id: county.people[0]!.id, unit: county.unit.id, roles: ['county'], county: true };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
async function measure(run: () => Promise<unknown>, repeat: number) {
  await run();
  const times: number[] = [];
  let read = 0;
  for (let i = 0; i < repeat; i++) {
    itemsRead = 0;
    const t = process.hrtime.bigint();
    await run();
    times.push(ms(t));
    read = itemsRead;
  }
  return { p50: pct(times, 50), p95: pct(times, 95), read };
}

const overview = await measure(async () => {
  const o = await countyOverview(deps, caller, 'GET /api/county/overview', { period: '2026' });
  if (o.units.length !== UNITS) throw new Error(`overview has ${o.units.length} units, not ${UNITS}`);
}, REPEAT);
const year = { kind: 'year' as const, year: 2026, index: 1 };
const recompute = await measure(async () => {
  for (const unit of unitIds) {
    const org = (await rosters.get(unit))!;
    const report = await complianceFor(deps, org, year);
    assess(catalog.assessment, report, await scores.list(unit, '2026'), org);
  }
}, 3);

// One more record per write, to a unit with a full year, bare and then followed by its refresh.
const sample = [...data.records(0)][0]!;
const keeping = recordsKeepingSnapshots(records, refresher(snapDeps));
/** Each write's answer, and the write with its refresh done (the refresh runs after the answer). */
async function writes(target: typeof records, tag: string) {
  const answered: number[] = [];
  const settled: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const t = process.hrtime.bigint();
    await target.create({ ...sample, id: `01W${tag}${String(i).padStart(20, '0')}`, unit: unitIds[0]! }, `bench-${tag}-${i}`);
    answered.push(ms(t));
    await refreshesSettled();
    settled.push(ms(t));
  }
  return { answered: pct(answered, 50), settled: pct(settled, 50) };
}
itemsRead = 0;
const { answered: bare } = await writes(records, 'B');
const bareRead = itemsRead / WRITES;
itemsRead = 0;
const { answered: keptAnswer, settled: kept } = await writes(keeping, 'K');
const keptRead = itemsRead / WRITES;

const f = (n: number) => n.toFixed(n < 10 ? 1 : 0);
console.log(`\ncounty view: ${UNITS} units × ${PER_UNIT.toLocaleString('en')} records a year (${written.toLocaleString('en')}), embedded store`);
console.log(`| measure | p50 ms | p95 ms | items read |`);
console.log(`| --- | --- | --- | --- |`);
console.log(`| overview for 2026 from snapshots (${REPEAT} runs) | ${f(overview.p50)} | ${f(overview.p95)} | ${overview.read.toLocaleString('en')} |`);
console.log(`| the same from records: every unit's compliance + assessment (3 runs) | ${f(recompute.p50)} | ${f(recompute.p95)} | ${recompute.read.toLocaleString('en')} |`);
console.log(`| one record write, bare (${WRITES}) | ${f(bare)} | | ${f(bareRead)} |`);
console.log(`| one record write with its snapshot kept: the answer (${WRITES}) | ${f(keptAnswer)} | | |`);
console.log(`| one record write + snapshot refresh of its year done (${WRITES}) | ${f(kept)} | | ${f(keptRead)} |`);
console.log(
  `ratios: overview reads ${(recompute.read / Math.max(1, overview.read)).toFixed(0)}× fewer items and is ${(recompute.p50 / overview.p50).toFixed(0)}× faster than recomputing; ` +
    `a write with its refresh costs ${(kept / bare).toFixed(0)}× the bare write (its answer ${(keptAnswer / bare).toFixed(1)}×); rebuilding all snapshots took ${rebuildS.toFixed(0)} s`,
);
doc.destroy();
await store.close();
