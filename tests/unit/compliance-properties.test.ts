import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { evaluateCompliance, membersOwing, type ComplianceReport, type ComplianceRow } from '../../functions/core/compliance/compliance.js';
import { addDays, formatPeriod, parsePeriod, periodOf, type Period } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import type { Obligation } from '../../functions/core/templates/templates.js';

const catalog = readCatalog(resolve('templates'));
const org = catalog.exampleOrganisation;
const obligations = catalog.obligations;

const LEADERS = ['zhang-wei', 'li-na', 'wang-qiang', 'chen-jie', 'zhao-min'];
const DIVISIONS = ['office', 'center'];
const PERIODS = ['2026', '2026-H1', '2026-H2', '2026-Q3', '2026-11'];
const AS_OF = ['2026-11-28', '2027-03-01'];
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const RUNS = { numRuns: 100 };
const periodArb = fc.constantFrom(...PERIODS);
const asOfArb = fc.constantFrom(...AS_OF);

/** Parses a period that the test knows to be valid, failing loudly otherwise. */
function period(text: string): Period {
  const p = parsePeriod(text);
  if (!p) throw new Error(`test setup: ${text} is not a period`);
  return p;
}

function obligation(id: string): Obligation {
  const o = obligations.obligations.find((x) => x.id === id);
  if (!o) throw new Error(`test setup: obligation ${id} not found`);
  return o;
}

function evaluate(periodText: string, asOf: string, records: RecordState[]): ComplianceReport {
  return evaluateCompliance({ org, obligations, period: period(periodText), asOf, records });
}

const recordId = (i: number) => `R${String(i).padStart(12, '0')}`;
const rowKey = (r: ComplianceRow) => `${r.obligationId}|${r.period}|${r.subject.id}`;

function byKey(report: ComplianceReport): Map<string, ComplianceRow> {
  const out = new Map<string, ComplianceRow>();
  for (const r of report.rows) {
    if (out.has(rowKey(r))) throw new Error(`test setup: two rows share the key ${rowKey(r)}`);
    out.set(rowKey(r), r);
  }
  return out;
}

/** An active record of `form` as the store keeps it, its date also in the form's date field. */
function recordOf(form: string, date: string, createdAt: string, data: Record<string, unknown>, id = 'R0'): RecordState {
  const template = catalog.form(form);
  if (!template) throw new Error(`test setup: form ${form} not found`);
  return {
    id,
    unit: org.unit.id,
    templateId: form,
    version: 1,
    status: 'active',
    date,
    period: formatPeriod(periodOf(date, template.period)),
    owner: 'sun-li',
    data: { ...data, [template.dateField]: date },
    createdAt,
    createdBy: 'sun-li',
    updatedAt: createdAt,
    updatedBy: 'sun-li',
  };
}

/** Field values that satisfy the obligation's `where`, one allowed value per field. */
function whereArb(o: Obligation): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [field, wanted] of Object.entries(o.where))
    fields[field] = Array.isArray(wanted) ? fc.constantFrom(...wanted) : fc.constant(wanted);
  return fc.record(fields);
}

/** The member or division field the obligation is scoped by, if any. */
function subjectArb(o: Obligation): fc.Arbitrary<Record<string, unknown>> {
  if (o.scope === 'member') return fc.constantFrom(...LEADERS).map((id) => ({ [o.personField!]: id }));
  if (o.scope === 'division') return fc.constantFrom(...DIVISIONS).map((id) => ({ [o.divisionField!]: id }));
  return fc.constant({});
}

/** A record that counts toward an obligation: any day of 2026, entered 0–60 days later (some late). */
const countingArb: fc.Arbitrary<{ obligation: Obligation; record: RecordState }> = fc
  .constantFrom(...obligations.obligations)
  .chain((o) =>
    fc.record({
      where: whereArb(o),
      subject: subjectArb(o),
      day: fc.integer({ min: 0, max: 364 }),
      enteredAfter: fc.integer({ min: 0, max: 61 * 24 * 60 - 1 }),
    }).map(({ where, subject, day, enteredAfter }) => {
      const date = addDays('2026-01-01', day);
      const createdAt = new Date(Date.UTC(2026, 0, 1) + day * DAY_MS - SHANGHAI_OFFSET_MS + enteredAfter * 60_000);
      return { obligation: o, record: recordOf(o.form, date, createdAt.toISOString(), { ...where, ...subject }) };
    }),
  );
const countingRecordArb: fc.Arbitrary<RecordState> = countingArb.map(({ record }) => record);

const recordsArb: fc.Arbitrary<RecordState[]> = fc
  .array(countingRecordArb, { maxLength: 30 })
  .map((list) => list.map((r, i) => ({ ...r, id: recordId(i) })));

/** Existing records and one more, with an id none of them has. */
const recordsAndOneMoreArb = fc
  .tuple(recordsArb, countingRecordArb)
  .map(([records, extra]) => ({ records, extra: { ...extra, id: recordId(records.length) } }));

describe('compliance properties', () => {
  it('counts every generated record toward its obligation when the year is evaluated', () => {
    // Guards the generator: records that counted nowhere would make the properties below vacuous.
    fc.assert(
      fc.property(countingArb, ({ obligation: o, record }) => {
        const report = evaluate('2026', '2027-03-01', [record]);
        const counted = report.rows.some((r) => r.obligationId === o.id && r.records.includes(record.id));
        // A member's record counts only in a cadence period they owe (陈杰 left in July, 赵敏 joined in August).
        const owed =
          o.scope !== 'member' ||
          o.cadence === 'event' ||
          membersOwing(org, periodOf(record.date, o.cadence)).some((p) => p.id === record.data[o.personField!]);
        expect(counted).toBe(owed);
      }),
      RUNS,
    );
  });

  it('never lowers a done count when a record is added, and raises it by at most one', () => {
    fc.assert(
      fc.property(recordsAndOneMoreArb, periodArb, asOfArb, ({ records, extra }, p, asOf) => {
        const before = byKey(evaluate(p, asOf, records));
        const after = byKey(evaluate(p, asOf, [...records, extra]));
        expect([...after.keys()]).toEqual([...before.keys()]);
        const wrong = [...after].filter(([key, row]) => {
          const done = before.get(key)!.done;
          return row.done < done || row.done > done + 1;
        });
        expect(wrong).toEqual([]);
      }),
      RUNS,
    );
  });

  it('never raises a done count when a record is withdrawn, and counts the withdrawn record nowhere', () => {
    fc.assert(
      fc.property(
        recordsArb.filter((rs) => rs.length > 0),
        fc.nat(),
        periodArb,
        asOfArb,
        (records, pick, p, asOf) => {
          const i = pick % records.length;
          const withdrawn: RecordState = { ...records[i]!, status: 'withdrawn', version: 2 };
          const before = byKey(evaluate(p, asOf, records));
          const after = byKey(evaluate(p, asOf, records.map((r, j) => (j === i ? withdrawn : r))));
          expect([...after.keys()]).toEqual([...before.keys()]);
          const wrong = [...after].filter(([key, row]) => row.done > before.get(key)!.done || row.records.includes(withdrawn.id));
          expect(wrong).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('gives the same rows for the year as for its two halves together, for half, quarter and month cadences', () => {
    const finer = new Set(obligations.obligations.filter((o) => ['half', 'quarter', 'month'].includes(o.cadence)).map((o) => o.id));
    const comparable = (report: ComplianceReport) =>
      report.rows
        .filter((r) => finer.has(r.obligationId))
        .map((r) => ({
          obligationId: r.obligationId,
          period: r.period,
          subject: r.subject.id,
          done: r.done,
          required: r.required,
          status: r.status,
          records: [...r.records].sort(),
        }))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    fc.assert(
      fc.property(recordsArb, (records) => {
        const year = evaluate('2026', '2027-03-01', records);
        const h1 = evaluate('2026-H1', '2027-03-01', records);
        const h2 = evaluate('2026-H2', '2027-03-01', records);
        const halves: ComplianceReport = { ...year, rows: [...h1.rows, ...h2.rows] };
        expect(comparable(year)).toEqual(comparable(halves));
        expect(comparable(year).length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('counts a yearly obligation through the second half exactly as through the whole year', () => {
    const yearly = new Set(obligations.obligations.filter((o) => o.cadence === 'year').map((o) => o.id));
    const doneByKey = (report: ComplianceReport) =>
      new Map(report.rows.filter((r) => yearly.has(r.obligationId)).map((r) => [rowKey(r), r.done]));
    fc.assert(
      fc.property(recordsArb, (records) => {
        const year = doneByKey(evaluate('2026', '2027-03-01', records));
        const h2 = doneByKey(evaluate('2026-H2', '2027-03-01', records));
        expect(year.size).toBeGreaterThan(0);
        expect(h2).toEqual(year);
      }),
      RUNS,
    );
  });

  it('counts a yearly obligation through the first half as the year\'s records dated by 30 June', () => {
    const yearly = new Set(obligations.obligations.filter((o) => o.cadence === 'year').map((o) => o.id));
    const recordsByKey = (report: ComplianceReport) =>
      new Map(report.rows.filter((r) => yearly.has(r.obligationId)).map((r) => [rowKey(r), [...r.records].sort()]));
    fc.assert(
      fc.property(recordsArb, asOfArb, (records, asOf) => {
        const dates = new Map(records.map((r) => [r.id, r.date]));
        const year = recordsByKey(evaluate('2026', asOf, records));
        const h1 = recordsByKey(evaluate('2026-H1', asOf, records));
        const firstHalf = new Map([...year].map(([key, ids]) => [key, ids.filter((id) => dates.get(id)! <= '2026-06-30')]));
        expect(h1).toEqual(firstHalf);
      }),
      RUNS,
    );
  });

  it('keeps each row\'s done equal to its records, with the late ones among them', () => {
    fc.assert(
      fc.property(recordsArb, periodArb, asOfArb, (records, p, asOf) => {
        const wrong = evaluate(p, asOf, records).rows.filter(
          (r) =>
            r.done !== r.records.length ||
            new Set(r.records).size !== r.records.length ||
            r.late.some((id) => !r.records.includes(id)) ||
            r.missing !== Math.max(0, r.required - r.done),
        );
        expect(wrong).toEqual([]);
      }),
      RUNS,
    );
  });

  it('leaves a row unchanged when a record dated after its cadence period ends is added', () => {
    fc.assert(
      fc.property(recordsAndOneMoreArb, periodArb, asOfArb, ({ records, extra }, p, asOf) => {
        const before = byKey(evaluate(p, asOf, records));
        const after = byKey(evaluate(p, asOf, [...records, extra]));
        const ended = [...after].filter(([, row]) => row.due < extra.date);
        expect(ended).toEqual(ended.map(([key]) => [key, before.get(key)]));
      }),
      RUNS,
    );
  });
});

describe('compliance examples', () => {
  const o3 = obligation('O3');
  const analysis = (createdAt: string, status: RecordState['status'] = 'active'): RecordState => ({
    ...recordOf(o3.form, '2026-05-10', createdAt, {}, 'R000000000001'),
    status,
  });
  const o3FirstHalf = (report: ComplianceReport) => {
    const row = report.rows.find((r) => r.obligationId === 'O3' && r.period === '2026-H1');
    if (!row) throw new Error('test setup: no O3 row for 2026-H1');
    return row;
  };

  it('does not count a withdrawn record, so its half-year is missed', () => {
    const active = o3FirstHalf(evaluate('2026-H1', '2026-11-28', [analysis('2026-05-10T02:00:00Z')]));
    expect(active).toMatchObject({ done: 1, missing: 0, status: 'met', records: ['R000000000001'] });
    const withdrawn = o3FirstHalf(evaluate('2026-H1', '2026-11-28', [analysis('2026-05-10T02:00:00Z', 'withdrawn')]));
    expect(withdrawn).toMatchObject({ done: 0, missing: 1, status: 'missed', records: [] });
  });

  it('does not count a study session of another type toward the ideology study, only toward regular study', () => {
    const meeting = recordOf('study-session', '2026-03-10', '2026-03-10T02:00:00Z', { sessionType: '党员大会' }, 'R000000000002');
    const report = evaluate('2026', '2027-03-01', [meeting]);
    const o2 = report.rows.find((r) => r.obligationId === 'O2');
    expect(o2).toMatchObject({ period: '2026', done: 0, status: 'missed', records: [] });
    const o5 = report.rows.find((r) => r.obligationId === 'O5' && r.period === '2026-Q1');
    expect(o5).toMatchObject({ done: 1, status: 'met', records: ['R000000000002'] });
  });

  it('counts a record entered more than the grace days after its half-year ended and lists it as late', () => {
    expect(obligations.graceDays).toBe(10);
    // 2026-07-11 00:00 in Shanghai: eleven days after 30 June.
    const row = o3FirstHalf(evaluate('2026-H1', '2026-11-28', [analysis('2026-07-10T16:00:00Z')]));
    expect(row).toMatchObject({ done: 1, status: 'met', records: ['R000000000001'], late: ['R000000000001'] });
  });

  it('does not list a record entered on the last day of grace as late', () => {
    // 2026-07-10 23:59:59 in Shanghai: the tenth day after 30 June.
    const row = o3FirstHalf(evaluate('2026-H1', '2026-11-28', [analysis('2026-07-10T15:59:59Z')]));
    expect(row).toMatchObject({ done: 1, status: 'met', records: ['R000000000001'], late: [] });
  });

  it('marks a short half-year missed only once its grace days have passed', () => {
    expect(o3FirstHalf(evaluate('2026-H1', '2026-07-10', [])).status).toBe('in-progress');
    expect(o3FirstHalf(evaluate('2026-H1', '2026-07-11', [])).status).toBe('missed');
  });

  it('counts a yearly obligation seen through the first half only up to 30 June, as still in progress', () => {
    // Entered in August: after the half-year's grace days, but its cadence period is the year.
    const march = recordOf('party-group-meeting', '2026-03-01', '2026-08-01T02:00:00Z', {}, 'R000000000003');
    const september = recordOf('party-group-meeting', '2026-09-01', '2026-09-01T02:00:00Z', {}, 'R000000000004');
    const report = evaluate('2026-H1', '2027-03-01', [march, september]);
    const o1 = report.rows.filter((r) => r.obligationId === 'O1');
    expect(o1).toHaveLength(1);
    expect(o1[0]).toMatchObject({
      period: '2026',
      countedTo: '2026-06-30',
      due: '2026-12-31',
      required: 2,
      done: 1,
      missing: 1,
      status: 'in-progress',
      records: ['R000000000003'],
      late: [],
    });
  });
});
