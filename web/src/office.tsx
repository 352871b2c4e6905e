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
      <Archives period={period} onFailure={setFailure} />
    </Page>
  );
}

interface ArchiveInfo {
  id: string;
  status: 'running' | 'done' | 'failed';
  filename: string;
  attachments?: number;
  size?: number;
  file?: string;
  error?: string;
}

/** 档案包: the period's compiled ledger and every attachment in one zip, made by a job (DESIGN §11). */
function Archives({ period, onFailure }: { period: string; onFailure: (e: unknown) => void }) {
  const r = useResource(() => api<{ items: ArchiveInfo[] }>('GET', `/api/archives?period=${period}`), [period]);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<JobState['progress']>();
  const make = async () => {
    setBusy(true);
    setProgress(undefined);
    announce('正在生成档案包');
    try {
      const done = await runJob<JobState & { archive?: ArchiveInfo }>('/api/archives', { period }, (job) => setProgress(job.progress));
      if (done.status === 'failed') throw new ApiError({ status: 500, title: 'Failed', detail: done.error ?? '档案包生成失败，请重试' });
      toast('档案包已生成。', 'success');
      r.reload();
    } catch (e) {
      onFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="stack-sm" aria-labelledby="archives-title">
      <div class="row-between">
        <h2 id="archives-title">档案包（台账与全部佐证材料）</h2>
        <button type="button" aria-busy={busy} disabled={busy} onClick={make}>
          {busy ? '正在生成…' : '生成档案包'}
        </button>
      </div>
      {busy && <progress aria-label="档案包进度" max={progress?.total || 1} value={progress?.total ? progress.done : undefined} />}
      <Async r={r} isEmpty={(d) => d.items.length === 0} empty="本期间还没有档案包。需先汇编台账。">
        {(d) => (
          <ul class="stack-sm plain-list">
            {d.items.map((a) => (
              <li key={a.id} class="card row-between">
                <span>
                  {a.filename} · {a.status === 'done' ? `${a.attachments} 个佐证材料 · ${Math.ceil((a.size ?? 0) / 1024)} KB` : a.status === 'running' ? '正在生成' : `失败${a.error ? `：${a.error}` : ''}`}
                </span>
                {a.file && (
                  <button type="button" onClick={() => download(a.file!, a.filename).catch(onFailure)}>
                    下载<span class="sr-only"> {a.filename}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Async>
    </section>
  );
}
