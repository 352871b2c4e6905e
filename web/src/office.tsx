/** 台账汇编: compile a period, download its workbook. (催报提醒 is reminders.tsx.) */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatPeriod, parsePeriod, periodLabel, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { api, ApiError, download } from './api.js';
import { isOversight, type PageProps } from './app.js';
import { runJob, type JobState } from './jobs.js';
import { announce, Async, ErrorState, Page, PeriodPicker, toast, useResource } from './ui/index.js';

export interface Compilation {
  id: string;
  period: string;
  asOf: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  trigger: 'scheduled' | 'on-demand';
  byName: string;
  startedAt: string;
  completedAt?: string;
  size?: number;
  filename: string;
  current: boolean;
  superseded: boolean;
  file?: string;
  error?: string;
}

const STATUS_WORDS: Record<Compilation['status'], string> = { queued: '排队中', running: '正在汇编', done: '已完成', failed: '失败' };
function compilationText(c: Compilation): string {
  return [
    `${periodLabel(parsePeriod(c.period)!)}（截至 ${c.asOf}）`,
    c.trigger === 'scheduled' ? '每月自动' : `${c.byName} 手动`,
    STATUS_WORDS[c.status],
    ...(c.current ? ['当前版本'] : []),
    ...(c.superseded ? ['已被新版本取代'] : []),
    ...(c.size ? [`${Math.ceil(c.size / 1024)} KB`] : []),
    ...(c.error ? [c.error] : []),
  ].join(' · ');
}

export function CompilationsPage({ ctx, route }: PageProps) {
  const asked = parsePeriod(route.query.get('period') ?? '');
  const period = asked ? formatPeriod(asked) : formatPeriod(periodOf(shanghaiDate(new Date()), 'month'));
  const r = useResource(() => api<{ items: Compilation[] }>('GET', `/api/compilations?period=${period}`), [period]);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<JobState['progress']>();
  const [failure, setFailure] = useState<unknown>();
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  if (!isOversight(ctx.me))
    return (
      <Page title="台账汇编" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '台账汇编只对办公室和党组书记开放。' })} />
      </Page>
    );

  const compile = async () => {
    setBusy(true);
    setFailure(undefined);
    setProgress(undefined);
    announce('正在汇编');
    try {
      const done = await runJob<JobState>('/api/compilations', { period }, (job) => mounted.current && setProgress(job.progress));
      if (done.status === 'failed') throw new ApiError({ status: 500, title: 'Failed', detail: done.error ?? '汇编失败，请重试' });
      toast('汇编完成。', 'success');
      r.reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={`台账汇编 · ${periodLabel(parsePeriod(period)!)}`}
      crumbs={[{ href: '#/', label: '首页' }]}
      actions={
        <button type="button" class="primary" aria-busy={busy} disabled={busy} onClick={compile}>
          {busy ? '正在汇编…' : '立即汇编'}
        </button>
      }
    >
      <PeriodPicker value={period} onChange={(p) => (location.hash = `#/office/compilations?period=${p}`)} />
      {busy && <progress aria-label="汇编进度" max={progress?.total || 1} value={progress?.total ? progress.done : undefined} />}
      {failure !== undefined && <ErrorState error={failure} onRetry={compile} />}
      <Async r={r} isEmpty={(d) => d.items.length === 0} empty="本期间还没有汇编。点“立即汇编”生成台账。">
        {(d) => (
          <ul class="stack-sm plain-list">
            {d.items.map((c) => (
              <li key={c.id} class="card row-between">
                <span>{compilationText(c)}</span>
                {c.file && (
                  <button type="button" onClick={() => download(c.file!, c.filename).catch(setFailure)}>
                    下载<span class="sr-only"> {c.filename}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Async>
    </Page>
  );
}
