/**
 * The content provider used until compliance and assessment are wired in: the three tables with
 * their headers and a note saying the figures are not computed yet, so a compilation is complete
 * in shape today and gains its figures by swapping this provider (functions/deps.ts).
 */
import type { ContentProvider, TableSheet } from '../core/ledger/content.js';
import { rangeLabel } from '../core/ledger/layout.js';
import { parsePeriod, periodLabel } from '../core/periods.js';
import type { Deps } from '../core/types.js';

const PENDING = '完成情况和考核评分尚未接入本系统的自动统计，本表暂为空表。';

export function pendingContent(deps: Pick<Deps, 'organisation'>): ContentProvider {
  return async (unit, period, asOf) => {
    const org = await deps.organisation(unit);
    const p = parsePeriod(period)!;
    const short = org?.unit.shortName ?? '';
    const label = rangeLabel(p, asOf);
    const table = (name: string, title: string, columns: TableSheet['columns']): TableSheet => ({ name, title, columns, rows: [], notes: [PENDING] });
    return {
      cover: {
        facts: [],
        matrix: table('完成情况', `${label}意识形态工作责任制落实情况`, [
          { header: '责任要求', width: 34 },
          { header: '周期', width: 10 },
          { header: '要求次数', width: 10, kind: 'number' },
          { header: '已完成', width: 10, kind: 'number' },
          { header: '完成情况', width: 12, kind: 'status' },
        ]),
      },
      assessment: table('考核评分', `${short}${p.year}年度意识形态工作责任制考核评分表`, [
        { header: '考核项目', width: 34 },
        { header: '标准分', width: 8, kind: 'number' },
        { header: '扣分', width: 8, kind: 'number' },
        { header: '扣分原因', width: 30 },
        { header: '佐证记录编号', width: 24 },
        { header: '得分', width: 8, kind: 'number' },
      ]),
      monthly: table('月度汇总', `${short}${periodLabel(p)}意识形态工作月度汇总`, [
        { header: '工作类别', width: 34 },
        { header: '本月完成次数', width: 12, kind: 'number' },
        { header: '年度累计', width: 10, kind: 'number' },
        { header: '年度要求', width: 10, kind: 'number' },
        { header: '完成率', width: 10, kind: 'status' },
        { header: '备注', width: 24 },
      ]),
    };
  };
}
