/**
 * 各单位落实情况: the county's (县委宣传部) view of its units, read-only. The overview ranks the
 * units for a period (those with missed items first) with their met / in progress / missed counts
 * and score; each unit opens its compliance matrix (the office's own grid) and its ledgers.
 */
import { formatPeriod, parsePeriod, shanghaiDate } from '../../functions/core/periods.js';
import { api, download } from './api.js';
import type { PageProps } from './app.js';
import { Grid, PersonList, type ComplianceView } from './compliance.js';
import { Async, DataTable, DESK, Page, PeriodPicker, useMedia, useResource } from './ui/index.js';

interface Counts {
  met: number;
  inProgress: number;
  missed: number;
  notDue: number;
}
interface UnitRow {
  unit: string;
  name: string;
  shortName: string;
  cells: Record<string, Counts>;
  totals: Counts;
  obligationsMet: number;
  score: number;
  standardTotal: number;
  rankByMet: number;
  rankByScore: number;
}
interface Overview {
  county: { id: string; name: string };
  period: string;
  periodLabel: string;
  asOf: string;
  obligations: { id: string; title: string }[];
  units: UnitRow[];
  pending: { unit: string; name: string }[];
}
interface Ledgers {
  compilations: { id: string; filename: string; status: string; file?: string; period: string }[];
  archives: { id: string; filename: string; status: string; file?: string; period: string }[];
}

const periodOfRoute = (route: PageProps['route']) => {
  const asked = parsePeriod(route.query.get('period') ?? '');
  return asked ? formatPeriod(asked) : shanghaiDate(new Date()).slice(0, 4);
};

export function CountyPage({ route }: PageProps) {
  const period = periodOfRoute(route);
  const r = useResource(() => api<Overview>('GET', `/api/county/overview?period=${period}`), [period]);
  return (
    <Page title={`各单位落实情况 · ${r.data?.periodLabel ?? period}`}>
      <PeriodPicker value={period} onChange={(p) => (location.hash = `#/?period=${p}`)} />
      <Async r={r} loadingLabel="正在汇总各单位…">
        {(o) => (
          <>
            <p class="muted">
              截至 {o.asOf}，共 {o.units.length} 个单位；有缺报的单位排在前面。
            </p>
            <DataTable
              caption="各单位排名"
              rows={o.units}
              rowKey={(u) => u.unit}
              empty="暂无所辖单位。"
              columns={[
                { key: 'name', label: '单位', title: true, render: (u) => <a href={`#/county/${u.unit}?period=${o.period}`}>{u.shortName}</a>, text: (u) => u.shortName },
                { key: 'met', label: '达标要求', num: true, text: (u) => `${u.obligationsMet} 项`, sort: (u) => u.obligationsMet },
                { key: 'rows', label: '已完成/进行中/未完成', text: (u) => `${u.totals.met} / ${u.totals.inProgress} / ${u.totals.missed}`, sort: (u) => u.totals.missed },
                { key: 'score', label: '得分', num: true, text: (u) => `${u.score}`, sort: (u) => u.score },
                { key: 'rank', label: '名次（达标/得分）', text: (u) => `${u.rankByMet} / ${u.rankByScore}`, sort: (u) => u.rankByMet },
              ]}
            />
            {o.pending.length > 0 && <p class="muted">尚未汇总：{o.pending.map((p) => p.name).join('、')}</p>}
          </>
        )}
      </Async>
    </Page>
  );
}

export function CountyUnitPage({ route, unit }: PageProps & { unit: string }) {
  const period = periodOfRoute(route);
  const desk = useMedia(DESK);
  const r = useResource(() => api<ComplianceView & { unitName: string }>('GET', `/api/county/units/${encodeURIComponent(unit)}/compliance?period=${period}`), [unit, period]);
  const l = useResource(() => api<Ledgers>('GET', `/api/county/units/${encodeURIComponent(unit)}/compilations?period=${period}`), [unit, period]);
  return (
    <Page title={`${r.data?.unitName ?? unit} · ${r.data?.periodLabel ?? period}`} crumbs={[{ href: `#/?period=${period}`, label: '各单位落实情况' }]}>
      <PeriodPicker value={period} onChange={(p) => (location.hash = `#/county/${unit}?period=${p}`)} />
      <Async r={r} loadingLabel="正在读取落实情况…">
        {(report) => (desk ? <Grid report={{ ...report, missing: [] }} linked={false} /> : <PersonList report={{ ...report, missing: [] }} linked={false} />)}
      </Async>
      <section aria-labelledby="ledgers-h" class="stack-sm">
        <h2 id="ledgers-h">台账汇编</h2>
        <Async r={l} loadingLabel="正在读取台账…">
          {(ledgers) => (
            <DataTable
              caption="台账汇编"
              hideCaption
              rows={[...ledgers.compilations, ...ledgers.archives].filter((c) => c.file)}
              rowKey={(c) => c.id}
              empty="这一期间尚无汇编好的台账。"
              columns={[
                { key: 'name', label: '文件', title: true, text: (c) => c.filename },
                {
                  key: 'go',
                  label: '操作',
                  render: (c) => (
                    <button type="button" onClick={() => void download(c.file!, c.filename)}>
                      下载<span class="sr-only">：{c.filename}</span>
                    </button>
                  ),
                },
              ]}
            />
          )}
        </Async>
      </section>
    </Page>
  );
}
