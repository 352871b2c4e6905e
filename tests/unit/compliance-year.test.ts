import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { evaluateCompliance, membersOwing, type ComplianceRow } from '../../functions/core/compliance/compliance.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';

/**
 * A scripted year for the example organisation (templates/organisation.example.json):
 * zhang-wei is secretary; li-na and wang-qiang leaders all year; chen-jie a leader until
 * 2026-07-31; zhao-min a leader from 2026-08-10. Grace days: 10.
 *
 * | id  | form                | activity   | entered    | counts for                    |
 * | --- | ------------------- | ---------- | ---------- | ----------------------------- |
 * | m1  | party-group-meeting | 2026-03-12 | 2026-03-13 | O1 (year)                     |
 * | s1  | situation-analysis  | 2026-06-20 | 2026-06-21 | O3 2026-H1                    |
 * | r1  | member-report       | 2026-06-10 | 2026-06-10 | O4 2026-H1 zhang-wei          |
 * | r2  | member-report       | 2026-06-11 | 2026-06-11 | O4 2026-H1 li-na              |
 * | r3  | member-report       | 2026-06-12 | 2026-06-12 | O4 2026-H1 wang-qiang         |
 * | r4  | member-report       | 2026-06-28 | 2026-07-25 | O4 2026-H1 chen-jie, late     |
 * | r5  | member-report       | 2026-11-05 | 2026-11-05 | O4 2026-H2 li-na              |
 * | r6  | member-report       | 2026-10-08 | 2026-10-08 | withdrawn: counts for nothing |
 */
const catalog = readCatalog(resolve('templates'));
const org = catalog.exampleOrganisation;

function rec(id: string, templateId: string, date: string, entered: string, data: Record<string, unknown>, status: RecordState['status'] = 'active'): RecordState {
  return {
    id,
    unit: org.unit.id,
    templateId,
    version: 1,
    status,
    date,
    period: '',
    owner: 'sun-li',
    data: { ...data },
    createdAt: `${entered}T02:00:00.000Z`,
    createdBy: 'sun-li',
    updatedAt: `${entered}T02:00:00.000Z`,
    updatedBy: 'sun-li',
  };
}

const YEAR: RecordState[] = [
  rec('m1', 'party-group-meeting', '2026-03-12', '2026-03-13', {}),
  rec('s1', 'situation-analysis', '2026-06-20', '2026-06-21', {}),
  rec('r1', 'member-report', '2026-06-10', '2026-06-10', { reporter: 'zhang-wei' }),
  rec('r2', 'member-report', '2026-06-11', '2026-06-11', { reporter: 'li-na' }),
  rec('r3', 'member-report', '2026-06-12', '2026-06-12', { reporter: 'wang-qiang' }),
  rec('r4', 'member-report', '2026-06-28', '2026-07-25', { reporter: 'chen-jie' }),
  rec('r5', 'member-report', '2026-11-05', '2026-11-05', { reporter: 'li-na' }),
  rec('r6', 'member-report', '2026-10-08', '2026-10-08', { reporter: 'wang-qiang' }, 'withdrawn'),
];

function evaluate(period: string, asOf: string) {
  return evaluateCompliance({ org, obligations: catalog.obligations, period: parsePeriod(period)!, asOf, records: YEAR });
}

function row(rows: ComplianceRow[], obligationId: string, rowPeriod: string, subject?: string) {
  const found = rows.filter((r) => r.obligationId === obligationId && r.period === rowPeriod && (!subject || r.subject.id === subject));
  expect(found, `${obligationId} ${rowPeriod} ${subject ?? ''}`).toHaveLength(1);
  return found[0]!;
}

/** Expected results, worked out by hand from the table above. */
const EXPECTED: [asked: string, asOf: string, obligation: string, rowPeriod: string, subject: string | undefined, done: number, required: number, status: string][] = [
  // One 专题研究 by June: progress toward the year, not a failure.
  ['2026-H1', '2026-07-01', 'O1', '2026', undefined, 1, 2, 'in-progress'],
  // The year has ended and its grace days have passed with no second one.
  ['2026', '2027-01-15', 'O1', '2026', undefined, 1, 2, 'missed'],
  // Within the grace days after the year, still in progress.
  ['2026', '2027-01-05', 'O1', '2026', undefined, 1, 2, 'in-progress'],
  ['2026-H1', '2026-07-01', 'O3', '2026-H1', undefined, 1, 1, 'met'],
  ['2026-H2', '2026-11-28', 'O3', '2026-H2', undefined, 0, 1, 'in-progress'],
  ['2026-H1', '2026-11-28', 'O4', '2026-H1', 'zhang-wei', 1, 1, 'met'],
  ['2026-H1', '2026-11-28', 'O4', '2026-H1', 'chen-jie', 1, 1, 'met'],
  ['2026-H2', '2026-11-28', 'O4', '2026-H2', 'li-na', 1, 1, 'met'],
  ['2026-H2', '2026-11-28', 'O4', '2026-H2', 'wang-qiang', 0, 1, 'in-progress'],
  ['2026-H2', '2026-11-28', 'O4', '2026-H2', 'zhao-min', 0, 1, 'in-progress'],
  ['2026-H2', '2027-01-15', 'O4', '2026-H2', 'wang-qiang', 0, 1, 'missed'],
  ['2026-H2', '2027-01-15', 'O4', '2026-H2', 'zhao-min', 0, 1, 'missed'],
  // Seen through a month: the year's progress and the running half, never a monthly quota.
  ['2026-11', '2026-11-28', 'O1', '2026', undefined, 1, 2, 'in-progress'],
  ['2026-11', '2026-11-28', 'O4', '2026-H2', 'li-na', 1, 1, 'met'],
  ['2026-11', '2026-11-28', 'O5', '2026-Q4', undefined, 0, 1, 'in-progress'],
  // A year that has not started yet.
  ['2027', '2026-11-28', 'O1', '2027', undefined, 0, 2, 'not-due'],
  ['2027', '2026-11-28', 'O3', '2027-H2', undefined, 0, 1, 'not-due'],
];

describe('a scripted year', () => {
  for (const [asked, asOf, obligation, rowPeriod, subject, done, required, status] of EXPECTED) {
    it(`gives ${obligation} ${rowPeriod}${subject ? ` for ${subject}` : ''} ${done}/${required} ${status} when ${asked} is looked at on ${asOf}`, () => {
      const r = row(evaluate(asked, asOf).rows, obligation, rowPeriod, subject);
      expect({ done: r.done, required: r.required, status: r.status }).toEqual({ done, required, status });
    });
  }

  it('does not ask a member who joined in August for the first half', () => {
    const h1 = evaluate('2026-H1', '2026-11-28').rows.filter((r) => r.obligationId === 'O4');
    expect(h1.map((r) => r.subject.id).sort()).toEqual(['chen-jie', 'li-na', 'wang-qiang', 'zhang-wei']);
  });

  it('does not ask a member who left at the end of July for the second half', () => {
    const h2 = evaluate('2026-H2', '2026-11-28').rows.filter((r) => r.obligationId === 'O4');
    expect(h2.map((r) => r.subject.id).sort()).toEqual(['li-na', 'wang-qiang', 'zhang-wei', 'zhao-min']);
  });

  it('counts a report entered after the grace days, flagged late', () => {
    const r = row(evaluate('2026-H1', '2026-11-28').rows, 'O4', '2026-H1', 'chen-jie');
    expect(r.records).toEqual(['r4']);
    expect(r.late).toEqual(['r4']);
    expect(row(evaluate('2026-H1', '2026-11-28').rows, 'O4', '2026-H1', 'li-na').late).toEqual([]);
  });

  it('never counts a withdrawn record', () => {
    const r = row(evaluate('2026-H2', '2026-11-28').rows, 'O4', '2026-H2', 'wang-qiang');
    expect(r.records).toEqual([]);
  });

  it('lists the records that count by id', () => {
    expect(row(evaluate('2026', '2026-11-28').rows, 'O1', '2026').records).toEqual(['m1']);
  });

  it('gives one row per half for a half-yearly obligation seen through the year', () => {
    const rows = evaluate('2026', '2026-11-28').rows.filter((r) => r.obligationId === 'O3');
    expect(rows.map((r) => [r.period, r.status])).toEqual([
      ['2026-H1', 'met'],
      ['2026-H2', 'in-progress'],
    ]);
  });

  it('applies the half-of-the-days rule to role dates', () => {
    const h2 = membersOwing(org, parsePeriod('2026-H2')!).map((p) => p.id);
    expect(h2).toContain('zhao-min'); // 144 of 184 days
    expect(h2).not.toContain('chen-jie'); // 31 of 184 days
    expect(membersOwing(org, parsePeriod('2026-12')!).map((p) => p.id)).toContain('zhao-min');
    expect(membersOwing(org, parsePeriod('2026-08')!).map((p) => p.id)).toContain('zhao-min'); // 22 of 31 days
    expect(membersOwing(org, parsePeriod('2026-08')!).map((p) => p.id)).not.toContain('chen-jie');
  });
});
