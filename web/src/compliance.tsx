/**
 * 落实情况: the compliance matrix. At a desk a grid, one row per obligation and subject (the
 * unit, a member, a division), one column per month of the period, each cell spanning its
 * cadence period; on a phone a list per subject. Every cell links to the register filtered to
 * its form, period and person or division; every 缺报 entry to a new record for that subject.
 */
import type { ComplianceReport, ComplianceRow } from '../../functions/core/compliance/compliance.js';
import { formatPeriod, parsePeriod, periodBounds, periodOf, shanghaiDate, type Period } from '../../functions/core/periods.js';
import { api, ApiError } from './api.js';
import { isOversight, type PageProps } from './app.js';
import { newRecordHref, registerHref, subjectFilter } from './links.js';
import { Async, DataTable, DESK, ErrorState, Legend, Page, PeriodPicker, StatusBadge, useMedia, useResource } from './ui/index.js';

export interface Missing {
  obligationId: string;
  title: string;
  period: string;
  periodLabel: string;
  subject: ComplianceRow['subject'];
  missing: number;
  status: string;
}
export type ComplianceView = ComplianceReport & { missing: Missing[] };

/** Months of a period as [year, month] pairs, in order. */
function months(p: Period): [number, number][] {
  const { start, end } = periodBounds(p);
  const out: [number, number][] = [];
  for (let y = Number(start.slice(0, 4)), m = Number(start.slice(5, 7)); `${y}-${String(m).padStart(2, '0')}` <= end.slice(0, 7); m === 12 ? (y++, (m = 1)) : m++) out.push([y, m]);
  return out;
}

/** Where a row's cell starts among the period's months and how many it spans. */
function span(row: ComplianceRow, asked: Period, cols: [number, number][]): [number, number] {
  const rp = parsePeriod(row.period);
  if (!rp || row.cadence === 'event') return [0, cols.length];
  const b = periodBounds(rp);
  const key = ([y, m]: [number, number]) => `${y}-${String(m).padStart(2, '0')}`;
  const first = cols.findIndex((c) => key(c) >= b.start.slice(0, 7));
  let last = cols.length - 1;
  while (last > 0 && key(cols[last]!) > b.end.slice(0, 7)) last--;
  return first < 0 ? [0, cols.length] : [first, Math.max(1, last - first + 1)];
}

/** What a cell is about, said before its visible status (the visible text stays part of the link's name). */
function CellContext({ r }: { r: ComplianceRow }) {
  return <span class="sr-only">{`${r.subject.name}，${r.periodLabel}，${r.title}：`}</span>;
}

/** 2026年下半年 → 下半年, 2026年度 → 全年: the year is in the page's heading. */
const shortPeriod = (label: string) => label.replace(/^\d{4}年/, '').replace(/^度$/, '全年');
/** The unit's own rows say 本单位: its full name is in the header. */
const subjectName = (s: ComplianceRow['subject']) => (s.kind === 'unit' ? '本单位' : s.name);

/** Where a cell leads: the register filtered to it, or nowhere for a reader who has no register (the county). */
const cellHref = (r: ComplianceRow, linked: boolean) => (linked ? registerHref({ form: r.form, period: r.period, ...subjectFilter(r.subject) }) : undefined);

function Cell({ r, linked }: { r: ComplianceRow; linked: boolean }) {
  const late = r.late.length > 0;
  const Tag = linked ? 'a' : 'span';
  return (
    <Tag class="grid-cell" href={cellHref(r, linked)}>
      <CellContext r={r} />
      {r.cadence === 'event' ? (
        <span class="count">按需记录，已记 {r.done} 件</span>
      ) : (
        <>
          <StatusBadge status={r.status} late={late} />
          <span class="count">
            {r.done}/{r.required}
          </span>
        </>
      )}
    </Tag>
  );
}

/** Rows grouped by obligation, then by subject, in the report's order. */
function grouped(rows: ComplianceRow[]) {
  const byOb = new Map<string, Map<string, ComplianceRow[]>>();
  for (const r of rows) {
    const subjects = byOb.get(r.obligationId) ?? new Map<string, ComplianceRow[]>();
    subjects.set(r.subject.id, [...(subjects.get(r.subject.id) ?? []), r]);
    byOb.set(r.obligationId, subjects);
  }
  return byOb;
}

export function Grid({ report, linked = true }: { report: ComplianceView; linked?: boolean }) {
  const asked = parsePeriod(report.period)!;
  const cols = months(asked);
  return (
    <div class="table-wrap">
      <table class="grid-table">
        <caption class="sr-only">
          {report.periodLabel}落实情况：每行一项要求的一个对象，每列一个月，单元格为该期完成情况
        </caption>
        <thead>
          <tr>
            <th scope="col">要求 / 对象</th>
            {cols.map(([y, m]) => (
              <th key={`${y}-${m}`} scope="col">
                {m}月
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...grouped(report.rows)].map(([id, subjects]) => {
            const r0 = [...subjects.values()][0]![0]!;
            return [
              <tr key={id} class="group">
                <th colSpan={cols.length + 1} scope="colgroup">
                  {id} {r0.title}
                  {r0.setting && <span class="muted">（本局设置）</span>}
                </th>
              </tr>,
              ...[...subjects.values()].map((rs) => {
                const cells: preact.JSX.Element[] = [];
                let at = 0;
                for (const r of rs) {
                  const [from, n] = span(r, asked, cols);
                  if (from > at) cells.push(<td key={`gap-${at}`} colSpan={from - at} />);
                  cells.push(
                    <td key={r.period} colSpan={n}>
                      <Cell r={r} linked={linked} />
                    </td>,
                  );
                  at = from + n;
                }
                if (at < cols.length) cells.push(<td key="end" colSpan={cols.length - at} />);
                return (
                  <tr key={`${id}-${rs[0]!.subject.id}`}>
                    <th scope="row">
                      <span class="sr-only">{id} </span>
                      {subjectName(rs[0]!.subject)}
                    </th>
                    {cells}
                  </tr>
                );
              }),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The phone's view: one card per subject, each obligation with its periods as links. */
export function PersonList({ report, linked = true }: { report: ComplianceView; linked?: boolean }) {
  const Chip = linked ? 'a' : 'span';
  const bySubject = new Map<string, ComplianceRow[]>();
  for (const r of report.rows) bySubject.set(r.subject.id, [...(bySubject.get(r.subject.id) ?? []), r]);
  return (
    <ul class="person-list plain-list">
      {[...bySubject.values()].map((rows) => {
        const obs = new Map<string, ComplianceRow[]>();
        for (const r of rows) obs.set(r.obligationId, [...(obs.get(r.obligationId) ?? []), r]);
        return (
          <li key={rows[0]!.subject.id} class="card">
            <h2>{subjectName(rows[0]!.subject)}</h2>
            <ul class="plain-list">
              {[...obs.values()].map((rs) => (
                <li key={rs[0]!.obligationId} class="ob">
                  <span>
                    <strong>{rs[0]!.obligationId}</strong> {rs[0]!.title}
                  </span>
                  <span class="chips">
                    {rs.map((r) => (
                      <Chip key={r.period} class="chip" href={cellHref(r, linked)}>
                        <CellContext r={r} />
                        <span class="muted" aria-hidden="true">{shortPeriod(r.periodLabel)}</span>
                        {r.cadence === 'event' ? (
                          <span>已记 {r.done} 件</span>
                        ) : (
                          <>
                            <StatusBadge status={r.status} late={r.late.length > 0} />
                            <span>
                              {r.done}/{r.required}
                            </span>
                          </>
                        )}
                      </Chip>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}

/** Who is missing what, each with a link to file it for them. */
export function MissingTable({ report, caption }: { report: ComplianceView; caption: string }) {
  const formOf = new Map(report.rows.map((r) => [r.obligationId, r.form]));
  return (
    <DataTable
      caption={caption}
      hideCaption
      rows={report.missing}
      rowKey={(m) => `${m.obligationId}-${m.period}-${m.subject.id}`}
      filter={report.missing.length > 10}
      empty="没有缺报。"
      columns={[
        { key: 'who', label: '对象', title: true, text: (m) => m.subject.name },
        { key: 'what', label: '要求', text: (m) => `${m.obligationId} ${m.title}` },
        { key: 'period', label: '期间', text: (m) => m.periodLabel, sort: (m) => m.period },
        { key: 'missing', label: '缺', num: true, text: (m) => `${m.missing} 次`, sort: (m) => m.missing },
        { key: 'status', label: '状态', render: (m) => <StatusBadge status={m.status} />, sort: (m) => m.status },
        {
          key: 'go',
          label: '操作',
          render: (m) => (
            <a href={newRecordHref(formOf.get(m.obligationId) ?? '', { subject: m.subject.id, period: m.period })}>
              去填报<span class="sr-only">：为{m.subject.name}补填{m.periodLabel}{m.title}</span>
            </a>
          ),
        },
      ]}
    />
  );
}

export function CompliancePage({ ctx, route }: PageProps) {
  const today = shanghaiDate(new Date());
  const asked = route.query.get('period') ?? '';
  const period = parsePeriod(asked) ? formatPeriod(parsePeriod(asked)!) : formatPeriod(periodOf(today, 'half'));
  const desk = useMedia(DESK);
  const r = useResource(() => api<ComplianceView>('GET', `/api/compliance?period=${period}`), [period]);
  const title = `落实情况 · ${r.data?.period === period ? r.data.periodLabel : period}`;
  if (!isOversight(ctx.me))
    return (
      <Page title="落实情况" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '全单位的落实情况只对办公室和党组书记开放。您可以在“我的待办”和“我的记录”中查看自己的事项。' })} />
      </Page>
    );
  return (
    <Page title={title} crumbs={[{ href: '#/', label: '首页' }]}>
      <PeriodPicker value={period} onChange={(p) => (location.hash = `#/office/compliance?period=${p}`)} />
      <Async r={r} loadingLabel="正在计算落实情况…">
        {(report) => (
          <>
            <div class="row-between">
              <Legend />
              <p class="muted">
                截至 {report.asOf}（期满后 {report.graceDays} 天内补录不算补报）
              </p>
            </div>
            {desk ? <Grid report={report} /> : <PersonList report={report} />}
            <section aria-labelledby="missing-h" class="stack-sm">
              <h2 id="missing-h">缺报名单</h2>
              <MissingTable report={report} caption="缺报名单" />
            </section>
          </>
        )}
      </Async>
    </Page>
  );
}
