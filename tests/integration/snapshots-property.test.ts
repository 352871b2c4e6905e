/**
 * Snapshot = full recomputation, as a property (DESIGN §14): random sequences of creates, edits that
 * move a record's date across periods and years, withdrawals, reviews, scores and roster changes,
 * through the same core functions and stores the API uses. Their refresh events are held and then
 * delivered shuffled, some twice, some concurrently, and stale ones again later. After each step,
 * every snapshot equals what the existing compliance and assessment code computes from the records.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assess } from '../../functions/core/compliance/assessment.js';
import { complianceFor } from '../../functions/core/compliance/compliance.js';
import { setScore } from '../../functions/core/compliance/oversight.js';
import { recordsKeepingSnapshots, rostersKeepingSnapshots, scoresKeepingSnapshots, type Refresh } from '../../functions/core/county/keep-current.js';
import { periodsOfYear, refreshSnapshots, snapshotAssessment, snapshotReport, type SnapshotDeps } from '../../functions/core/county/snapshots.js';
import { AppError } from '../../functions/core/errors.js';
import { formatPeriod, shanghaiDate } from '../../functions/core/periods.js';
import { createSubmission, reviewSubmission, updateSubmission, withdrawSubmission } from '../../functions/core/records/submissions.js';
import { addPerson, updatePerson } from '../../functions/core/roster/roster.js';
import { changeRoster } from '../../functions/core/roster/service.js';
import { LOCAL_ISSUER } from '../../functions/core/roster/roster.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import type { Caller, Deps } from '../../functions/core/types.js';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { dynamoScoreStore } from '../../functions/store/scores.js';
import { dynamoSnapshotStore } from '../../functions/store/snapshots.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

const catalog = readCatalog(TEMPLATES_DIR);
const UNIT = 'example-bureau';
const NOW = new Date('2026-11-28T04:00:00.000Z');
const YEARS = [2025, 2026];
const office: Caller = { id: 'sun-li', unit: UNIT, roles: ['office'], issuer: LOCAL_ISSUER };
const leader: Caller = { id: 'li-na', unit: UNIT, roles: ['leader'], issuer: LOCAL_ISSUER };

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `snap-${randomUUID()}`;
const rosters = dynamoOrganisationStore(doc, tableName);
const records = dynamoRecordStore(doc, tableName);
const scores = dynamoScoreStore(doc, tableName);
const snapshots = dynamoSnapshotStore(doc, tableName);
const snapDeps: SnapshotDeps = { catalog, records, rosters, snapshots };
/** The events the write path raised and the test has not delivered yet, and the step before's. */
let held: { unit: string; years: (number | undefined)[] }[] = [];
let previous: typeof held = [];
const capture: Refresh = async (unit, years) => {
  held.push({ unit, years });
};
const deps: Deps = {
  catalog,
  records: recordsKeepingSnapshots(records, capture),
  scores: scoresKeepingSnapshots(scores, capture),
  notifier: { send: async () => {} } as unknown as Deps['notifier'],
  organisation: (unit) => rosters.get(unit),
  now: () => NOW,
};
const rosterDeps = { rosters: rostersKeepingSnapshots(rosters, (u) => snapshots.years(u), capture, () => NOW), now: () => NOW };

beforeAll(async () => {
  await ensureTable(doc, tableName);
  await rosters.putIfAbsent(catalog.exampleOrganisation, LOCAL_ISSUER);
  await refreshSnapshots(snapDeps, UNIT, YEARS);
});
afterAll(() => doc.destroy());

const day = fc.record({ year: fc.constantFrom(2025, 2026), month: fc.integer({ min: 1, max: 11 }), day: fc.integer({ min: 1, max: 28 }) }).map(
  ({ year, month, day: d }) => `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
);
// Moves weigh most: an edit that takes a record to another year is what an event-by-event update gets wrong.
const op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('study' as const), date: day, special: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('report' as const), date: day }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), date: day }), weight: 3 },
  fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('review' as const), pick: fc.nat(), approve: fc.boolean() }),
  fc.record({ kind: fc.constant('score' as const), pick: fc.nat(), year: fc.constantFrom(...YEARS), points: fc.nat({ max: 10 }) }),
  fc.record({ kind: fc.constant('roster' as const), from: day, end: fc.boolean() }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const ids: string[] = [];
/** The kinds of change that went through, so the property is known to have met each. */
const succeeded = new Set<string>();
let serial = 0;

async function apply(o: Op): Promise<void> {
  const id = ids.length ? ids[('pick' in o ? o.pick : 0) % ids.length]! : undefined;
  const current = id ? await records.get(id) : undefined;
  try {
    if (o.kind === 'study') {
      const body = studySession({ date: o.date, sessionType: o.special ? '意识形态专题学习' : '理论学习中心组学习' });
      ids.push((await createSubmission(deps, office, body, undefined)).record.id);
    } else if (o.kind === 'report') {
      ids.push((await createSubmission(deps, leader, memberReport({ reportDate: o.date }), undefined)).record.id);
    } else if (o.kind === 'move' && current) {
      const field = current.templateId === 'member-report' ? 'reportDate' : 'date';
      await updateSubmission(deps, office, current.id, { data: { ...current.data, [field]: o.date }, version: current.version });
    } else if (o.kind === 'withdraw' && current) {
      await withdrawSubmission(deps, office, current.id, String(current.version));
    } else if (o.kind === 'review' && current) {
      await reviewSubmission(deps, office, current.id, { decision: o.approve ? 'approve' : 'return', reason: '请补充材料', version: current.version });
    } else if (o.kind === 'score') {
      const items = catalog.assessment.items;
      const item = items[o.pick % items.length]!;
      await setScore(deps, office, String(o.year), item.id, { score: Math.min(o.points, item.standard), reason: '性质测试评分' });
    } else if (o.kind === 'roster') {
      // A leader who joins (owing member rows from then), or one whose role ends.
      await changeRoster(rosterDeps, office, (r, today) =>
        o.end
          ? updatePerson(r, 'wang-qiang', { version: r.version, roles: [{ role: 'leader', from: '2024-01-01', to: o.from }] }, today)
          : addPerson(r, { version: r.version, id: `lead-${++serial}`, name: `测试领导${serial}`, roles: [{ role: 'leader', from: o.from }] }, today),
      );
    }
  } catch (err) {
    // A refused change (a stale version, a date the form refuses, a review of an unreviewed form) writes nothing.
    if (!(err instanceof AppError)) throw err;
    return;
  }
  if (o.kind === 'study' || o.kind === 'report' || o.kind === 'score' || o.kind === 'roster' || current) succeeded.add(o.kind);
}

/** Delivers the held events shuffled, some twice and some at once, plus a few stale ones again. */
async function deliver(seed: number): Promise<void> {
  const rng = fc.sample(fc.nat(), { seed, numRuns: 64 });
  let k = 0;
  const next = () => rng[k++ % rng.length]!;
  // This step's events, some of them twice, and some of the step before's again, late.
  const batch = [...held, ...held.filter(() => next() % 2 === 0), ...previous.filter(() => next() % 3 === 0)];
  previous = held;
  held = [];
  for (let i = batch.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [batch[i], batch[j]] = [batch[j]!, batch[i]!];
  }
  const run = (e: (typeof batch)[number]) => refreshSnapshots(snapDeps, e.unit, e.years.filter((y): y is number => y !== undefined));
  for (let i = 0; i < batch.length; i += 2) await Promise.all(batch.slice(i, i + 2).map(run));
}

async function expectSnapshotsEqualFreshEvaluation(label: string): Promise<void> {
  const org = (await rosters.get(UNIT))!;
  const asOf = shanghaiDate(NOW);
  for (const year of YEARS)
    // The year, its halves and quarters, and three months (each month is built by the same code as these).
    for (const period of periodsOfYear(year).filter((x) => x.kind !== 'month' || [1, 6, 11].includes(x.index))) {
      const p = formatPeriod(period);
      const snap = await snapshots.get(UNIT, p);
      expect(snap, `${label}: snapshot ${p}`).toBeDefined();
      const fresh = await complianceFor(deps, org, period);
      expect(snapshotReport(snap!, asOf), `${label}: ${p} compliance`).toEqual(fresh);
      const entries = await scores.list(UNIT, p);
      expect(snapshotAssessment(catalog, snap!, asOf), `${label}: ${p} assessment`).toEqual(assess(catalog.assessment, fresh, entries, org));
    }
}

describe('snapshots', () => {
  it('equal a fresh evaluation after every step, whatever order and however often the events arrive', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 6 }), fc.nat(), async (ops, seed) => {
        for (const [i, o] of ops.entries()) {
          await apply(o);
          await deliver(seed + i);
          await expectSnapshotsEqualFreshEvaluation(`step ${i} (${o.kind})`);
        }
      }),
      { numRuns: 5, seed: 1616 },
    );
    // The sequences did change things, of most kinds.
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(succeeded.size, [...succeeded].join(', ')).toBeGreaterThanOrEqual(5);
  }, 240_000);

  it('follows an edit that moves a record to another year out of the old year as well', async () => {
    const { record } = await createSubmission(deps, office, studySession({ date: '2025-05-06', sessionType: '意识形态专题学习' }), undefined);
    previous = [];
    await deliver(7);
    expect((await snapshots.get(UNIT, '2025'))!.rows.some((r) => r.records.includes(record.id))).toBe(true);
    await updateSubmission(deps, office, record.id, { data: { ...record.data, date: '2026-05-06' }, version: record.version });
    previous = [];
    await deliver(8);
    expect((await snapshots.get(UNIT, '2025'))!.rows.some((r) => r.records.includes(record.id))).toBe(false);
    expect((await snapshots.get(UNIT, '2026'))!.rows.some((r) => r.records.includes(record.id))).toBe(true);
    await expectSnapshotsEqualFreshEvaluation('after the move');
  });

  it('never lets a refresh that began earlier overwrite a newer snapshot', async () => {
    const t1 = await snapshots.ticket(UNIT);
    const t2 = await snapshots.ticket(UNIT);
    const current = (await snapshots.get(UNIT, '2026'))!;
    expect(await snapshots.put({ ...current, ticket: t2, awaitingReview: 99 })).toBe(true);
    expect(await snapshots.put({ ...current, ticket: t1, awaitingReview: 1 })).toBe(false);
    expect((await snapshots.get(UNIT, '2026'))!.awaitingReview).toBe(99);
    await refreshSnapshots(snapDeps, UNIT, [2026]);
    expect((await snapshots.get(UNIT, '2026'))!.awaitingReview).toBe(current.awaitingReview);
  });
});
