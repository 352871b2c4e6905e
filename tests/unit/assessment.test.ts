import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assess, type AssessmentLine, type AssessmentSheet, type ScoreEntry } from '../../functions/core/compliance/assessment.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import type { ComplianceReport, ComplianceRow, ObligationStatus, Subject } from '../../functions/core/compliance/compliance.js';
import { parsePeriod, periodBounds, periodLabel } from '../../functions/core/periods.js';
import type { AssessmentScheme } from '../../functions/core/templates/templates.js';

const catalog = readCatalog(resolve('templates'));
const org = catalog.exampleOrganisation;
const scheme = catalog.assessment;

const UNIT: Subject = { kind: 'unit', id: 'example-bureau', name: '中共XX县XX局党组（示例）' };

function member(id: string): Subject {
  const p = org.people.find((x) => x.id === id);
  if (!p) throw new Error(`test setup: person ${id} not found`);
  return { kind: 'member', id, name: p.name };
}

/** A compliance row as evaluateCompliance would give it; `missing` follows from required and done. */
function row(
  obligationId: string,
  status: ObligationStatus,
  over: { period?: string; subject?: Subject; required?: number; done?: number; records?: string[]; late?: string[] } = {},
): ComplianceRow {
  const o = catalog.obligations.obligations.find((x) => x.id === obligationId);
  if (!o) throw new Error(`test setup: obligation ${obligationId} not found`);
  const period = over.period ?? '2026-H2';
  const parsed = parsePeriod(period);
  if (!parsed) throw new Error(`test setup: ${period} is not a period`);
  const required = over.required ?? o.minimum;
  const done = over.done ?? 0;
  return {
    obligationId,
    title: o.title,
    plan: o.plan,
    form: o.form,
    cadence: o.cadence,
    setting: o.setting,
    subject: over.subject ?? UNIT,
    period,
    periodLabel: periodLabel(parsed),
    countedTo: periodBounds(parsed).end,
    due: periodBounds(parsed).end,
    required,
    done,
    missing: Math.max(0, required - done),
    status,
    records: over.records ?? [],
    late: over.late ?? [],
    awaitingReview: 0,
  };
}

function report(rows: ComplianceRow[]): ComplianceReport {
  return { unit: 'example-bureau', period: '2026', periodLabel: '2026年度', asOf: '2027-03-01', graceDays: 10, rows, awaitingReview: 0 };
}

function entry(itemId: string, score: number | null, reason: string, by = 'liu-yang', at = '2027-01-05T02:00:00.000Z'): ScoreEntry {
  return { period: '2026', itemId, score, reason, by, at };
}

function line(sheet: AssessmentSheet, id: string): AssessmentLine {
  const item = sheet.items.find((i) => i.id === id);
  if (!item) throw new Error(`test setup: item ${id} not on the sheet`);
  return item;
}

/** Six leadership half-year reports missed: more than A5's standard can absorb. */
const sixMissedReports = [
  ...['zhang-wei', 'li-na', 'wang-qiang', 'chen-jie'].map((id) => row('O4', 'missed', { period: '2026-H1', subject: member(id) })),
  ...['zhang-wei', 'wang-qiang'].map((id) => row('O4', 'missed', { period: '2026-H2', subject: member(id) })),
];

describe('assessment', () => {
  describe('per-missing items', () => {
    it('deduct the deduction for each missing instance, summed over the missed rows', () => {
      const sheet = assess(
        scheme,
        report([
          row('O1', 'missed', { period: '2026', required: 2, done: 0 }),
          row('O4', 'missed', { period: '2026-H1', subject: member('li-na') }),
          row('O4', 'missed', { period: '2026-H2', subject: member('wang-qiang') }),
          row('O4', 'met', { period: '2026-H2', subject: member('zhang-wei'), done: 1, records: ['R1'] }),
        ]),
        [],
        org,
      );
      expect(line(sheet, 'A1')).toMatchObject({ missed: 2, pending: 0, computedDeduction: 10, deduction: 10, score: 0 });
      expect(line(sheet, 'A5')).toMatchObject({ missed: 2, pending: 0, computedDeduction: 6, deduction: 6, score: 9 });
    });

    it('count in-progress rows as pending and deduct nothing for them', () => {
      const sheet = assess(
        scheme,
        report([
          row('O3', 'missed', { period: '2026-H1' }),
          row('O3', 'in-progress', { period: '2026-H2' }),
          row('O7', 'in-progress', { period: '2026-H2' }),
        ]),
        [],
        org,
      );
      expect(line(sheet, 'A4')).toMatchObject({ missed: 1, pending: 1, computedDeduction: 5, score: 5 });
      expect(line(sheet, 'A9')).toMatchObject({ missed: 0, pending: 1, computedDeduction: 0, deduction: 0, score: 5 });
      expect(line(sheet, 'A9').reasons).toEqual(['尚在进行中：还差 1 次，期满前不扣分']);
    });

    it('ignore met and not-due rows', () => {
      const sheet = assess(
        scheme,
        report([
          row('O8', 'met', { period: '2026-Q1', subject: { kind: 'division', id: 'office', name: '办公室' }, done: 1 }),
          row('O8', 'not-due', { period: '2026-Q4' }),
        ]),
        [],
        org,
      );
      expect(line(sheet, 'A8')).toMatchObject({ missed: 0, pending: 0, computedDeduction: 0, score: 10, reasons: [] });
    });

    it('deduct in fractions of a point (A7: 2.5 per member)', () => {
      const sheet = assess(
        scheme,
        report(['zhang-wei', 'li-na', 'wang-qiang'].map((id) => row('O6b', 'missed', { period: '2026', subject: member(id) }))),
        [],
        org,
      );
      expect(line(sheet, 'A7')).toMatchObject({ missed: 3, computedDeduction: 7.5, deduction: 7.5, score: 2.5 });
    });

    it('deduct at most the standard when no cap is given (A5: 6 missing × 3 is 15, not 18)', () => {
      const sheet = assess(scheme, report(sixMissedReports), [], org);
      expect(line(sheet, 'A5')).toMatchObject({ standard: 15, missed: 6, computedDeduction: 15, deduction: 15, score: 0 });
    });

    it('deduct at most an explicit cap', () => {
      const capped: AssessmentScheme = {
        title: '封顶测试',
        items: [
          {
            id: 'X1',
            category: '组织领导',
            content: '专题研究',
            standard: 10,
            criteria: '每少1次扣4分，最多扣6分',
            method: 'per-missing',
            obligation: 'O1',
            deduction: 4,
            cap: 6,
          },
        ],
      };
      const one = assess(capped, report([row('O1', 'missed', { period: '2026', required: 2, done: 1 })]), [], org);
      expect(line(one, 'X1')).toMatchObject({ missed: 1, computedDeduction: 4, score: 6 });
      const two = assess(capped, report([row('O1', 'missed', { period: '2026', required: 2, done: 0 })]), [], org);
      expect(line(two, 'X1')).toMatchObject({ missed: 2, computedDeduction: 6, score: 4 });
      expect(two.standardTotal).toBe(10);
      expect(two.total).toBe(4);
    });
  });

  describe('all-or-nothing items', () => {
    it('lose the whole standard when any instance is missed', () => {
      const sheet = assess(scheme, report([row('O6a', 'missed', { period: '2026' })]), [], org);
      expect(line(sheet, 'A6')).toMatchObject({ standard: 5, missed: 1, computedDeduction: 5, deduction: 5, score: 0 });
    });

    it('lose the whole standard however small the shortfall', () => {
      const once: AssessmentScheme = {
        title: '全有全无测试',
        items: [
          {
            id: 'X2',
            category: '组织领导',
            content: '专题研究',
            standard: 8,
            criteria: '未达到的，本项不得分',
            method: 'all-or-nothing',
            obligation: 'O1',
          },
        ],
      };
      const sheet = assess(once, report([row('O1', 'missed', { period: '2026', required: 2, done: 1 })]), [], org);
      expect(line(sheet, 'X2')).toMatchObject({ missed: 1, computedDeduction: 8, score: 0 });
    });

    it('lose nothing when nothing is missed, even while a period is still running', () => {
      const sheet = assess(
        scheme,
        report([row('O2', 'met', { period: '2026', done: 1, records: ['R7'] }), row('O6a', 'in-progress', { period: '2026' })]),
        [],
        org,
      );
      expect(line(sheet, 'A2')).toMatchObject({ missed: 0, computedDeduction: 0, score: 10 });
      expect(line(sheet, 'A6')).toMatchObject({ missed: 0, pending: 1, computedDeduction: 0, score: 5 });
    });
  });

  describe('manual items and overrides', () => {
    it('leave a manual item unscored and the sheet incomplete until the office scores it', () => {
      const sheet = assess(scheme, report([]), [], org);
      expect(line(sheet, 'A10')).toMatchObject({ method: 'manual', computedDeduction: null, deduction: null, score: null, reasons: [] });
      expect(line(sheet, 'A10').override).toBeUndefined();
      expect(sheet.complete).toBe(false);
    });

    it('take a manual score and its deduction from the office entry', () => {
      const sheet = assess(scheme, report([]), [entry('A10', 7, '一起舆情回应不及时')], org);
      expect(line(sheet, 'A10')).toMatchObject({ computedDeduction: null, score: 7, deduction: 3 });
      expect(line(sheet, 'A10').reasons).toEqual(['办公室评定：一起舆情回应不及时（刘洋（示例））']);
      expect(sheet.complete).toBe(true);
    });

    it('replace a computed score with an override that names its reason and who set it', () => {
      const sheet = assess(
        scheme,
        report([row('O1', 'missed', { period: '2026', required: 2, done: 1 })]),
        [entry('A1', 9, '第二次专题研究已在党组会上进行，记录补录中', 'sun-li')],
        org,
      );
      const a1 = line(sheet, 'A1');
      expect(a1).toMatchObject({ missed: 1, computedDeduction: 5, score: 9, deduction: 1 });
      expect(a1.override).toMatchObject({ score: 9, by: 'sun-li', byName: '孙丽（示例）' });
      expect(a1.reasons).toEqual([
        '2026年度：党组专题研究意识形态工作应2次，实1次，缺1次',
        '办公室评定：第二次专题研究已在党组会上进行，记录补录中（孙丽（示例））',
      ]);
    });

    it('name an unknown scorer by their id', () => {
      const sheet = assess(scheme, report([]), [entry('A10', 10, '无舆情', 'someone-gone')], org);
      expect(line(sheet, 'A10').override?.byName).toBe('someone-gone');
      expect(line(sheet, 'A10').reasons).toEqual(['办公室评定：无舆情（someone-gone）']);
    });

    it('return to the computed score when a later entry clears the override', () => {
      const rows = report([row('O1', 'missed', { period: '2026', required: 2, done: 1 })]);
      const set = entry('A1', 9, '补录中', 'liu-yang', '2027-01-05T02:00:00.000Z');
      const cleared = entry('A1', null, '记录未能补录', 'liu-yang', '2027-01-06T02:00:00.000Z');
      const a1 = line(assess(scheme, rows, [set, cleared], org), 'A1');
      expect(a1).toMatchObject({ computedDeduction: 5, score: 5, deduction: 5 });
      expect(a1.override).toBeUndefined();
      expect(a1.reasons).toEqual(['2026年度：党组专题研究意识形态工作应2次，实1次，缺1次']);
      expect(a1.history).toEqual([
        { ...set, byName: '刘洋（示例）' },
        { ...cleared, byName: '刘洋（示例）' },
      ]);
    });

    it('let the newest entry win', () => {
      const rows = report([]);
      const first = entry('A10', 6, '初评', 'liu-yang', '2027-01-05T02:00:00.000Z');
      const second = entry('A10', 8, '复核后调整', 'sun-li', '2027-01-06T02:00:00.000Z');
      expect(line(assess(scheme, rows, [first, second], org), 'A10')).toMatchObject({
        score: 8,
        override: { reason: '复核后调整', byName: '孙丽（示例）' },
      });
      const cleared = entry('A10', null, '撤回评分', 'liu-yang', '2027-01-07T02:00:00.000Z');
      const sheet = assess(scheme, rows, [first, second, cleared], org);
      expect(line(sheet, 'A10').score).toBeNull();
      expect(sheet.complete).toBe(false);
    });

    it('apply an entry only to its own item', () => {
      const sheet = assess(scheme, report([]), [entry('A3', 4, '学习流于形式')], org);
      expect(line(sheet, 'A3').score).toBe(4);
      expect(line(sheet, 'A4')).toMatchObject({ score: 10 });
      expect(line(sheet, 'A4').override).toBeUndefined();
      expect(line(sheet, 'A4').history).toEqual([]);
      expect(line(sheet, 'A3').history.map((e) => e.reason)).toEqual(['学习流于形式']);
    });
  });

  describe('rectification items', () => {
    const items = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: `Z${from + i}`, number: `整改-2026-${String(from + i).padStart(3, '0')}` }));

    it('ship A11 as an example: 1 point per overdue item, at most its standard of 5', () => {
      const a11 = scheme.items.find((i) => i.id === 'A11')!;
      expect(a11).toMatchObject({ method: 'per-overdue-rectification', deduction: 1, standard: 5 });
      expect(scheme.note).toContain('示例');
    });

    it('deduct per overdue item, naming them, capped at the standard', () => {
      const two = assess(scheme, report([]), [], org, { open: items(3), overdue: items(2), ended: false });
      expect(line(two, 'A11')).toMatchObject({ missed: 2, computedDeduction: 2, deduction: 2, score: 3, evidence: ['Z1', 'Z2'] });
      expect(line(two, 'A11').reasons).toEqual(['逾期未整改的问题 2 项：整改-2026-001、整改-2026-002']);
      const many = assess(scheme, report([]), [], org, { open: items(9), overdue: items(9), ended: true });
      expect(line(many, 'A11')).toMatchObject({ missed: 9, computedDeduction: 5, score: 0 });
      expect(line(assess(scheme, report([]), [], org), 'A11')).toMatchObject({ missed: 0, computedDeduction: 0, score: 5, reasons: [] });
    });

    it('deduct per item still open only once the period has ended, under a per-open scheme', () => {
      const perOpen: AssessmentScheme = { title: '整改', items: [{ id: 'R1', category: '整改', content: '期末销号', standard: 6, criteria: '每项未销号扣2分', method: 'per-open-rectification', deduction: 2 }] };
      const running = assess(perOpen, report([]), [], org, { open: items(2), overdue: [], ended: false });
      expect(line(running, 'R1')).toMatchObject({ missed: 0, pending: 2, computedDeduction: 0, score: 6 });
      expect(line(running, 'R1').reasons).toEqual(['尚未销号：2 项，期满前不扣分']);
      const ended = assess(perOpen, report([]), [], org, { open: items(2), overdue: [], ended: true });
      expect(line(ended, 'R1')).toMatchObject({ missed: 2, pending: 0, computedDeduction: 4, score: 2 });
    });

    it('let the office override the computed score, with its reason kept', () => {
      const sheet = assess(scheme, report([]), [entry('A11', 4.5, '一项已报请延期')], org, { open: items(2), overdue: items(2), ended: false });
      expect(line(sheet, 'A11')).toMatchObject({ computedDeduction: 2, score: 4.5, deduction: 0.5 });
      expect(line(sheet, 'A11').reasons.at(-1)).toBe('办公室评定：一项已报请延期（刘洋（示例））');
    });
  });

  describe('totals', () => {
    it('add up to 100 for the shipped scheme, counting an unscored manual item as nothing', () => {
      const sheet = assess(scheme, report([]), [], org);
      expect(sheet.standardTotal).toBe(100);
      expect(sheet.total).toBe(90);
      expect(sheet.complete).toBe(false);
    });

    it('sum the scores after deductions, overrides and the manual score', () => {
      const sheet = assess(
        scheme,
        report([
          row('O1', 'missed', { period: '2026', required: 2, done: 1 }), // A1 −5
          row('O2', 'missed', { period: '2026' }), // A2 −10
          ...sixMissedReports, // A5 −15
          row('O6b', 'missed', { period: '2026', subject: member('li-na') }), // A7 −2.5
        ]),
        [entry('A2', 6, '专题学习记录不完整但已开展'), entry('A10', 8.5, '一起舆情记录不全')],
        org,
      );
      // 100 − 5 − (10 − 6) − 15 − 2.5 − (10 − 8.5)
      expect(sheet.total).toBe(72);
      expect(sheet.standardTotal).toBe(100);
      expect(sheet.complete).toBe(true);
      expect(sheet).toMatchObject({
        unit: 'example-bureau',
        period: '2026',
        periodLabel: '2026年度',
        asOf: '2027-03-01',
        title: scheme.title,
      });
    });
  });

  describe('reasons and evidence', () => {
    it('name the period, the member and the counts for a missed member row', () => {
      const sheet = assess(scheme, report([row('O4', 'missed', { period: '2026-H2', subject: member('wang-qiang') })]), [], org);
      const [reason] = line(sheet, 'A5').reasons;
      expect(reason).toContain('2026年下半年');
      expect(reason).toContain('王强（示例）');
      expect(reason).toContain('缺1次');
      expect(reason).toBe('2026年下半年王强（示例）：班子成员向党组专题汇报意识形态工作应1次，实0次，缺1次');
    });

    it('give no member name for a unit row and one line per missed row', () => {
      const sheet = assess(
        scheme,
        report([
          row('O5', 'missed', { period: '2026-Q1' }),
          row('O5', 'met', { period: '2026-Q2', done: 1 }),
          row('O5', 'missed', { period: '2026-Q4' }),
        ]),
        [],
        org,
      );
      expect(line(sheet, 'A3').reasons).toEqual([
        '2026年第一季度：常态化理论学习应1次，实0次，缺1次',
        '2026年第四季度：常态化理论学习应1次，实0次，缺1次',
      ]);
      expect(line(sheet, 'A3')).toMatchObject({ missed: 2, computedDeduction: 4, score: 6 });
    });

    it('list the ids of the records behind the rows, and none from other obligations', () => {
      const sheet = assess(
        scheme,
        report([
          row('O3', 'met', { period: '2026-H1', done: 2, records: ['R1', 'R2'] }),
          row('O3', 'in-progress', { period: '2026-H2', required: 2, done: 1, records: ['R3'] }),
          row('O7', 'met', { period: '2026-H1', done: 1, records: ['R9'] }),
        ]),
        [],
        org,
      );
      expect(line(sheet, 'A4').evidence).toEqual(['R1', 'R2', 'R3']);
      expect(line(sheet, 'A9').evidence).toEqual(['R9']);
      expect(line(sheet, 'A10').evidence).toEqual([]);
    });

    it('note records entered late, and say nothing of lateness when there were none', () => {
      const late = assess(
        scheme,
        report([
          row('O3', 'met', { period: '2026-H1', done: 1, records: ['R1'], late: ['R1'] }),
          row('O3', 'missed', { period: '2026-H2', required: 2, done: 1, records: ['R2'], late: ['R2'] }),
        ]),
        [],
        org,
      );
      expect(line(late, 'A4').reasons).toEqual([
        '2026年下半年：分析研判意识形态形势应2次，实1次，缺1次',
        '其中补报 2 次（期满后补录，计入完成数）',
      ]);
      const onTime = assess(scheme, report([row('O3', 'met', { period: '2026-H1', done: 1, records: ['R1'] })]), [], org);
      expect(line(onTime, 'A4').reasons).toEqual([]);
    });
  });
});
