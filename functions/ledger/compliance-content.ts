/**
 * The compilation's own figures: the compliance matrix on the cover, the assessment sheet and the
 * monthly summary, computed from the same compliance and assessment modules as the API, counting
 * records dated up to the compilation's as-of day.
 */
import { assess } from '../core/compliance/assessment.js';
import { planCompliance, type ComplianceReport, type ComplianceRow } from '../core/compliance/compliance.js';
import type { CompilationContent, ContentProvider, StatusCell, TableSheet } from '../core/ledger/content.js';
import { chineseDate, DERIVED_NUMBER_NOTE, rangeLabel, recordLabel } from '../core/ledger/layout.js';
import { STATUS } from '../core/ledger/style.js';
import { formatPeriod, parsePeriod, periodBounds, periodLabel, type Period } from '../core/periods.js';
import type { Deps } from '../core/types.js';
import { rectificationForm } from '../core/rectification/findings.js';
import { rectificationFacts, summariseItems, summaryText } from '../core/rectification/summary.js';
import type { FormTemplate, Organisation } from '../core/templates/templates.js';

/** A cell lists at most this many record numbers; more would bury the table (issue 13). */
const MAX_CITED = 5;

/** What is known of a counted record: its date, its printed number and the ledger it is in. */
interface Cited {
  date: string;
  number: string;
  ledger: string;
  derived: boolean;
}

/** Record numbers as a cell shows them: a few listed, more summed up with the ledgers they are in. */
export function citeRecords(ids: readonly string[], known: ReadonlyMap<string, Cited>): string {
  const cited = ids.map((id) => known.get(id)).filter((c): c is Cited => c !== undefined);
  if (cited.length <= MAX_CITED) return cited.map((c) => c.number).join('、');
  const ledgers = [...new Set(cited.map((c) => c.ledger))].map((l) => `《${l}》`).join('');
  return `共 ${cited.length} 条，见${ledgers}`;
}

const CADENCE: Record<string, string> = { year: '每年', half: '每半年', quarter: '每季度', month: '每月', event: '发生即记' };

/** A row's cell: its status, and 补报 when it was met only with late records. */
function statusCell(r: ComplianceRow, label: (s: StatusCell['status']) => string): StatusCell {
  if (r.cadence === 'event') return { status: 'not-due', text: `已记 ${r.done} 件` };
  const status = r.status === 'met' && r.late.length > 0 && r.done - r.late.length < r.required ? 'late' : r.status;
  return { status, text: label(status) };
}

export function complianceContent(deps: Pick<Deps, 'catalog' | 'records' | 'organisation' | 'scores'>): ContentProvider {
  /** Evaluates several periods in one read of each form's records (a compilation reads them once more to write them). */
  async function evaluate(
    org: Organisation,
    periods: Period[],
    asOf: string,
    known: Map<string, Cited>,
    counted: { start: string; perForm: Record<string, number>; forms?: string[] },
  ): Promise<ComplianceReport[]> {
    const plans = periods.map((period) => planCompliance({ org, obligations: deps.catalog.obligations, period, asOf }));
    const start = plans.map((p) => p.start).sort()[0]!;
    const last = plans.map((p) => p.end).sort().pop()!;
    const end = last < asOf ? last : asOf;
    // Counts stand for the compilation's range only when this read reached its end.
    if (end === asOf) counted.forms = plans[0]!.forms;
    for (const form of plans[0]!.forms) {
      const template: Pick<FormTemplate, 'code' | 'title' | 'ledgerTitle'> = deps.catalog.form(form) ?? { title: form, ledgerTitle: form };
      for await (const r of deps.records.iterateByForm(org.unit.id, form, start, end, 500, plans[0]!.fieldsOf(form))) {
        const label = recordLabel(r, template);
        known.set(r.id, { date: r.date, number: label.text, derived: label.derived, ledger: template.ledgerTitle });
        if (r.date >= counted.start && r.date <= asOf) counted.perForm[form] = (counted.perForm[form] ?? 0) + 1;
        for (const plan of plans) plan.add(r);
      }
    }
    return plans.map((p) => p.report());
  }

  return async (unit, periodText, asOf): Promise<CompilationContent> => {
    const org = await deps.organisation(unit);
    if (!org) throw new Error(`no organisation for unit ${unit}`);
    const period = parsePeriod(periodText)!;
    const year: Period = { kind: 'year', year: period.year, index: 1 };
    const known = new Map<string, Cited>();
    // The compilation's own range, counted while reading for the figures: its progress total, free.
    const counted: { start: string; perForm: Record<string, number>; forms?: string[] } = { start: periodBounds(period).start, perForm: {} };
    const cite = (ids: readonly string[]) => citeRecords(ids, known);
    const yearBounds = periodBounds(year);
    const [[report, yearReport], entries, facts] = await Promise.all([
      evaluate(org, period.kind === 'year' ? [period] : [period, year], asOf, known, counted).then((r): [ComplianceReport, ComplianceReport] => [r[0]!, r[1] ?? r[0]!]),
      deps.scores.list(unit, formatPeriod(year)),
      rectificationFacts(deps, unit, yearBounds.start, yearBounds.end, asOf),
    ]);
    const label = (s: StatusCell['status']) => STATUS[s].label;
    const short = org.unit.shortName;

    const matrix: TableSheet = {
      name: '完成情况',
      title: `${short}${rangeLabel(period, asOf)}意识形态工作责任制落实情况`,
      columns: [
        { header: '编号', width: 7 },
        { header: '责任要求', width: 34 },
        { header: '方案依据', width: 10 },
        { header: '对象', width: 22 },
        { header: '期间', width: 16 },
        { header: '应完成', width: 8, kind: 'number' },
        { header: '已完成', width: 8, kind: 'number' },
        { header: '完成情况', width: 12, kind: 'status' },
        { header: '佐证记录编号', width: 30 },
      ],
      rows: report.rows.map((r) => [
        r.obligationId,
        r.setting ? `${r.title}（本局设置）` : r.title,
        r.plan,
        r.subject.name,
        r.periodLabel,
        r.required,
        r.done,
        statusCell(r, label),
        cite(r.records),
      ]),
      notes: [
        `统计截至${chineseDate(asOf)}。期满后 ${report.graceDays} 天内补录的不算补报；超过的计入完成数并标为“补报”。`,
        '标“本局设置”的次数是实施方案未规定、由本局自定的设置。',
      ],
    };

    const sheet = assess(deps.catalog.assessment, yearReport, entries, org, facts);
    const assessment: TableSheet = {
      name: '考核评分',
      title: `${short}${period.year}年度意识形态工作责任制考核评分表`,
      columns: [
        { header: '考核项目', width: 12 },
        { header: '考核内容及要求', width: 34 },
        { header: '标准分值', width: 8, kind: 'number' },
        { header: '评分标准', width: 26 },
        { header: '扣分', width: 8, kind: 'number' },
        { header: '扣分原因', width: 40 },
        { header: '佐证记录编号', width: 28 },
        { header: '得分', width: 8, kind: 'number' },
      ],
      rows: [
        ...sheet.items.map((i) => [i.category, i.content, i.standard, i.criteria, i.deduction, i.reasons.join('\n'), cite(i.evidence), i.score]),
      ],
      // Below the filter's range: filtering the items must not hide or count the total.
      totals: [['合计', '', sheet.standardTotal, '', null, sheet.complete ? '' : '尚有人工评分项目未评分', '', sheet.total]],
      notes: [sheet.note ?? '', `按截至${chineseDate(asOf)}的记录计算；期间未结束的项目只列出尚缺次数，不扣分。`].filter(Boolean),
    };

    const obligations = deps.catalog.obligations.obligations;
    const idsOf = (o: (typeof obligations)[number]) => [...new Set(yearReport.rows.filter((r) => r.obligationId === o.id).flatMap((r) => r.records))];
    const inMonth = (ids: string[], m: Period) => {
      const { start, end } = periodBounds(m);
      return ids.filter((id) => {
        const d = known.get(id)?.date;
        return d !== undefined && d >= start && d <= end;
      });
    };
    let monthly: TableSheet;
    if (period.kind === 'year') {
      // A year: one row per month up to the as-of month; a month not yet over says so (截至).
      const last = Math.min(12, Number(asOf.slice(0, 4)) > period.year ? 12 : Number(asOf.slice(5, 7)));
      const ids = obligations.map(idsOf);
      const months = Array.from({ length: last }, (_, i): Period => ({ kind: 'month', year: period.year, index: i + 1 }));
      const counts = months.map((m) => ids.map((list) => inMonth(list, m).length));
      monthly = {
        name: '月度汇总',
        title: `${short}${rangeLabel(period, asOf)}意识形态工作月度汇总`,
        columns: [
          { header: '月份', width: 20 },
          ...obligations.map((o) => ({ header: `${o.id} ${o.title}`, width: 10, kind: 'number' as const })),
          { header: '合计', width: 8, kind: 'number' },
        ],
        rows: months.map((m, i) => {
          const running = periodBounds(m).end > asOf;
          const name = running ? `${periodLabel(m)}（截至${chineseDate(asOf).slice(5)}）` : periodLabel(m);
          return [name, ...counts[i]!, counts[i]!.reduce((a, b) => a + b, 0)];
        }),
        totals: [['合计', ...obligations.map((_, j) => counts.reduce((n, c) => n + c[j]!, 0)), counts.flat().reduce((a, b) => a + b, 0)]],
        notes: ['各月按记录的活动日期计数；一条记录只计入它所满足的各项要求各一次。'],
      };
    } else {
      // A shorter period: its month (or the as-of month), one row per requirement.
      const monthIndex = period.kind === 'month' ? period.index : Number(asOf.slice(5, 7));
      const month: Period = { kind: 'month', year: period.year, index: monthIndex };
      const running = periodBounds(month).end > asOf;
      monthly = {
        name: '月度汇总',
        title: `${short}${periodLabel(month)}${running ? `（截至${chineseDate(asOf).slice(5)}）` : ''}意识形态工作月度汇总`,
        columns: [
          { header: '工作类别', width: 34 },
          { header: '本月完成次数', width: 12, kind: 'number' },
          { header: '年度累计', width: 10, kind: 'number' },
          { header: '年度要求', width: 10, kind: 'number' },
          { header: '完成率', width: 10, kind: 'status' },
          { header: '本月佐证记录编号', width: 30 },
        ],
        rows: obligations.map((o) => {
          const rows = yearReport.rows.filter((r) => r.obligationId === o.id);
          const ids = idsOf(o);
          const thisMonth = inMonth(ids, month);
          const required = rows.reduce((n, r) => n + r.required, 0);
          const counted = rows.reduce((n, r) => n + Math.min(r.done, r.required), 0);
          const status: StatusCell['status'] = rows.some((r) => r.status === 'missed')
            ? 'missed'
            : rows.every((r) => r.status === 'met' || r.status === 'not-due') && required > 0
              ? 'met'
              : required === 0
                ? 'not-due'
                : 'in-progress';
          const rate: StatusCell = required === 0 ? { status: 'not-due', text: CADENCE.event! } : { status, text: `${Math.round((counted / required) * 100)}%` };
          return [`${o.id} ${o.title}（${CADENCE[o.cadence]}）`, thisMonth.length, ids.length, required, rate, cite(thisMonth)];
        }),
        notes: ['年度要求按各期要求次数合计；按成员考核的要求按应汇报的成员人次计算。'],
      };
    }
    if ([...known.values()].some((c) => c.derived)) {
      matrix.notes!.push(DERIVED_NUMBER_NOTE);
    }

    // The 问题整改台账's items (those found in the compilation's range) as they stood on the as-of day.
    const items = await summariseItems(deps, unit, periodBounds(period).start, asOf, asOf);
    return {
      cover: {
        facts: [
          ['考核依据', '意识形态工作责任制实施方案'],
          ...(rectificationForm(deps.catalog) ? [['问题整改', `${summaryText(items)}（截至${chineseDate(asOf)}）`] as [string, string]] : []),
        ],
        matrix,
      },
      assessment,
      monthly,
      // Every form read here was read whole over the compilation's range; other forms are absent.
      recordCounts: Object.fromEntries((counted.forms ?? []).map((f) => [f, counted.perForm[f] ?? 0])),
    };
  };
}
