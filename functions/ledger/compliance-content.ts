/**
 * The compilation's own figures: the compliance matrix on the cover, the assessment sheet and the
 * monthly summary, computed from the same compliance and assessment modules as the API, counting
 * records dated up to the compilation's as-of day.
 */
import { assess } from '../core/compliance/assessment.js';
import { planCompliance, type ComplianceReport, type ComplianceRow } from '../core/compliance/compliance.js';
import type { CompilationContent, ContentProvider, StatusCell, TableSheet } from '../core/ledger/content.js';
import { rangeLabel } from '../core/ledger/layout.js';
import { STATUS } from '../core/ledger/style.js';
import { formatPeriod, parsePeriod, periodBounds, periodLabel, type Period } from '../core/periods.js';
import type { Deps } from '../core/types.js';
import type { Organisation } from '../core/templates/templates.js';

const CADENCE: Record<string, string> = { year: '每年', half: '每半年', quarter: '每季度', month: '每月', event: '发生即记' };

/** A row's cell: its status, and 补报 when it was met only with late records. */
function statusCell(r: ComplianceRow, label: (s: StatusCell['status']) => string): StatusCell {
  if (r.cadence === 'event') return { status: 'not-due', text: `已记 ${r.done} 件` };
  const status = r.status === 'met' && r.late.length > 0 && r.done - r.late.length < r.required ? 'late' : r.status;
  return { status, text: label(status) };
}

export function complianceContent(deps: Pick<Deps, 'catalog' | 'records' | 'organisation' | 'scores'>): ContentProvider {
  /** Evaluates several periods in one read of each form's records (a compilation reads them once more to write them). */
  async function evaluate(org: Organisation, periods: Period[], asOf: string, dates: Map<string, string>): Promise<ComplianceReport[]> {
    const plans = periods.map((period) => planCompliance({ org, obligations: deps.catalog.obligations, period, asOf }));
    const start = plans.map((p) => p.start).sort()[0]!;
    const last = plans.map((p) => p.end).sort().pop()!;
    const end = last < asOf ? last : asOf;
    for (const form of plans[0]!.forms)
      for await (const r of deps.records.iterateByForm(org.unit.id, form, start, end, 500, plans[0]!.fieldsOf(form))) {
        dates.set(r.id, r.date);
        for (const plan of plans) plan.add(r);
      }
    return plans.map((p) => p.report());
  }

  return async (unit, periodText, asOf): Promise<CompilationContent> => {
    const org = await deps.organisation(unit);
    if (!org) throw new Error(`no organisation for unit ${unit}`);
    const period = parsePeriod(periodText)!;
    const year: Period = { kind: 'year', year: period.year, index: 1 };
    const dates = new Map<string, string>();
    const [[report, yearReport], entries] = await Promise.all([
      evaluate(org, period.kind === 'year' ? [period] : [period, year], asOf, dates).then((r): [ComplianceReport, ComplianceReport] => [r[0]!, r[1] ?? r[0]!]),
      deps.scores.list(unit, formatPeriod(year)),
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
        r.records.join('、'),
      ]),
      notes: [
        `截至 ${asOf}。期满后 ${report.graceDays} 天内补录的不算补报；超过的计入完成数并标为“补报”。`,
        '标“本局设置”的次数是实施方案未规定、由本局自定的设置。',
      ],
    };

    const sheet = assess(deps.catalog.assessment, yearReport, entries, org);
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
        ...sheet.items.map((i) => [i.category, i.content, i.standard, i.criteria, i.deduction, i.reasons.join('\n'), i.evidence.join('、'), i.score]),
        ['合计', '', sheet.standardTotal, '', null, sheet.complete ? '' : '尚有人工评分项目未评分', '', sheet.total],
      ],
      notes: [sheet.note ?? '', `按截至 ${asOf} 的记录计算；期间未结束的项目只列出尚缺次数，不扣分。`].filter(Boolean),
    };

    // This month: the compilation's month, or the as-of month for a longer period.
    const monthIndex = period.kind === 'month' ? period.index : Number(asOf.slice(5, 7));
    const month: Period = { kind: 'month', year: period.year, index: monthIndex };
    const { start: mStart, end: mEnd } = periodBounds(month);
    const monthly: TableSheet = {
      name: '月度汇总',
      title: `${short}${periodLabel(month)}意识形态工作月度汇总`,
      columns: [
        { header: '工作类别', width: 34 },
        { header: '本月完成次数', width: 12, kind: 'number' },
        { header: '年度累计', width: 10, kind: 'number' },
        { header: '年度要求', width: 10, kind: 'number' },
        { header: '完成率', width: 10, kind: 'status' },
        { header: '本月佐证记录编号', width: 30 },
      ],
      rows: deps.catalog.obligations.obligations.map((o) => {
        const rows = yearReport.rows.filter((r) => r.obligationId === o.id);
        const ids = [...new Set(rows.flatMap((r) => r.records))];
        const thisMonth = ids.filter((id) => {
          const d = dates.get(id);
          return d !== undefined && d >= mStart && d <= mEnd;
        });
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
        return [`${o.id} ${o.title}（${CADENCE[o.cadence]}）`, thisMonth.length, ids.length, required, rate, thisMonth.join('、')];
      }),
      notes: ['年度要求按各期要求次数合计；按成员考核的要求按应汇报的成员人次计算。'],
    };

    return {
      cover: {
        facts: [
          ['考核依据', '意识形态工作责任制实施方案'],
          ['统计截至', asOf],
        ],
        matrix,
      },
      assessment,
      monthly,
    };
  };
}
