/**
 * 工作总览: the secretary's own page (the first responsible person), also open to the office.
 * This year so far: obligations met, overdue and running; records awaiting review (once the API
 * filters by review); who is behind; this month's compilation; and what the person owes himself.
 */
import type { RecordState } from '../../functions/core/records/record.js';
import { formatPeriod, periodLabel, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { api, ApiError } from './api.js';
import { isOversight, type PageProps } from './app.js';
import type { ComplianceView } from './compliance.js';
import { MyObligations } from './home.js';
import { registerHref } from './links.js';
import type { Compilation } from './office.js';
import { Async, DataTable, ErrorState, Page, useResource } from './ui/index.js';

/** Records awaiting review, or undefined while the API does not filter by review yet (400). */
async function pendingReview(): Promise<{ count: number; more: boolean } | undefined> {
  try {
    const r = await api<{ items: RecordState[]; nextCursor?: string }>('GET', '/api/submissions?scope=unit&review=pending&limit=100');
    return { count: r.items.length, more: !!r.nextCursor };
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) return undefined;
    throw e;
  }
}

interface Behind {
  id: string;
  name: string;
  kind: string;
  overdue: number;
  running: number;
}

function behind(report: ComplianceView): Behind[] {
  const by = new Map<string, Behind>();
  for (const m of report.missing) {
    const b = by.get(m.subject.id) ?? { id: m.subject.id, name: m.subject.name, kind: m.subject.kind, overdue: 0, running: 0 };
    if (m.status === 'missed') b.overdue += m.missing;
    else b.running += m.missing;
    by.set(m.subject.id, b);
  }
  return [...by.values()].sort((a, b) => b.overdue - a.overdue || b.running - a.running);
}

export function DashboardPage({ ctx }: PageProps) {
  const today = shanghaiDate(new Date());
  const year = formatPeriod(periodOf(today, 'year'));
  const month = formatPeriod(periodOf(today, 'month'));
  const compliance = useResource(() => api<ComplianceView>('GET', `/api/compliance?period=${year}`), [year]);
  const review = useResource(pendingReview, []);
  const compilations = useResource(() => api<{ items: Compilation[] }>('GET', `/api/compilations?period=${month}`), [month]);
  if (!isOversight(ctx.me))
    return (
      <Page title="工作总览" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '工作总览只对党组书记和办公室开放。' })} />
      </Page>
    );
  return (
    <Page title="工作总览" lead={`${ctx.me.unit.name} · ${periodLabel(periodOf(today, 'year'))}截至 ${today}`}>
      <Async r={compliance} loadingLabel="正在计算落实情况…">
        {(report) => {
          const due = report.rows.filter((r) => r.cadence !== 'event' && r.status !== 'not-due');
          const count = (s: string) => due.filter((r) => r.status === s).length;
          const late = behind(report);
          return (
            <>
              <section aria-labelledby="stats-h">
                <h2 id="stats-h" class="sr-only">
                  本年落实情况
                </h2>
                <dl class="stats">
                  <div class="stat good">
                    <dt>已完成</dt>
                    <dd>{count('met')}</dd>
                  </div>
                  <div class="stat bad">
                    <dt>逾期未完成</dt>
                    <dd>{count('missed')}</dd>
                  </div>
                  <div class="stat">
                    <dt>进行中</dt>
                    <dd>{count('in-progress')}</dd>
                  </div>
                  {review.data && (
                    <div class="stat">
                      <dt>待审核</dt>
                      <dd>
                        <a href={registerHref({ review: 'pending' })}>
                          {review.data.count}
                          {review.data.more ? '+' : ''}
                        </a>
                      </dd>
                    </div>
                  )}
                </dl>
                <p class="muted">
                  按本年各项要求的各期统计，共 {due.length} 项已到期或进行中。<a href={`#/office/compliance?period=${year}`}>查看落实情况</a>
                </p>
              </section>
              <section aria-labelledby="behind-h" class="stack-sm">
                <h2 id="behind-h">进度落后</h2>
                <DataTable
                  caption="进度落后"
                  hideCaption
                  rows={late}
                  rowKey={(b) => b.id}
                  pageSize={10}
                  empty="没有落后的事项。"
                  initialSort={{ key: 'overdue', dir: 'desc' }}
                  columns={[
                    {
                      key: 'name',
                      label: '对象',
                      title: true,
                      text: (b) => b.name,
                      render: (b) => <a href={registerHref(b.kind === 'division' ? { division: b.id, period: year } : { person: b.id, period: year })}>{b.name}</a>,
                    },
                    { key: 'overdue', label: '逾期缺报', num: true, text: (b) => `${b.overdue} 次`, sort: (b) => b.overdue },
                    { key: 'running', label: '本期待完成', num: true, text: (b) => `${b.running} 次`, sort: (b) => b.running },
                  ]}
                />
              </section>
            </>
          );
        }}
      </Async>
      <section aria-labelledby="compile-h" class="stack-sm">
        <h2 id="compile-h">本月台账</h2>
        <Async r={compilations}>
          {(d) => {
            const c = d.items.find((x) => x.current) ?? d.items[0];
            return (
              <div class="card row-between">
                <span>
                  {periodLabel(periodOf(today, 'month'))}：{c ? `${c.status === 'done' ? '已汇编' : c.status === 'failed' ? '汇编失败' : '正在汇编'}（截至 ${c.asOf}，${c.byName}）` : '尚未汇编'}
                </span>
                <a class="btn" href={`#/office/compilations?period=${month}`}>
                  {c ? '查看和下载' : '去汇编'}
                </a>
              </div>
            );
          }}
        </Async>
      </section>
      <section aria-labelledby="mine-h" class="stack-sm">
        <h2 id="mine-h">我的待办</h2>
        <MyObligations ctx={ctx} />
      </section>
    </Page>
  );
}
