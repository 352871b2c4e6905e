/** The office's pages: the compliance matrix, the missing list, the assessment, compilations. */
import { useEffect, useState } from 'preact/hooks';
import type { AssessmentLine, AssessmentSheet } from '../../functions/core/compliance/assessment.js';
import type { ComplianceReport, ComplianceRow } from '../../functions/core/compliance/compliance.js';
import { formatPeriod, parsePeriod, periodLabel, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { api, ApiError, download } from './api.js';
import { runJob, type JobState } from './jobs.js';
import { ErrorNote, isOversight, type Ctx } from './app.js';
import { Legend, StatusBadge } from './status.js';

type Missing = { obligationId: string; title: string; periodLabel: string; subject: { name: string }; missing: number; status: string };

function PeriodPicker({ value, onChange }: { value: string; onChange(p: string): void }) {
  const today = shanghaiDate(new Date());
  const quick = [
    formatPeriod(periodOf(today, 'year')),
    formatPeriod(periodOf(today, 'half')),
    formatPeriod(periodOf(today, 'quarter')),
    formatPeriod(periodOf(today, 'month')),
  ];
  const [text, setText] = useState(value);
  const valid = parsePeriod(text) !== undefined;
  return (
    <div class="period-picker">
      {quick.map((p) => (
        <button type="button" key={p} aria-pressed={p === value} onClick={() => (setText(p), onChange(p))}>
          {periodLabel(parsePeriod(p)!)}
        </button>
      ))}
      <label class="inline">
        期间
        <input
          value={text}
          aria-invalid={valid ? undefined : true}
          aria-describedby="period-help"
          onInput={(e) => setText(e.currentTarget.value)}
          onChange={() => valid && onChange(text)}
        />
      </label>
      <span id="period-help" class="help">
        如 2026、2026-H1、2026-Q3、2026-11
      </span>
    </div>
  );
}

function Compliance({ period }: { period: string }) {
  const [report, setReport] = useState<ComplianceReport & { missing: Missing[] }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setReport(undefined);
    api<ComplianceReport & { missing: Missing[] }>('GET', `/api/compliance?period=${period}`).then(setReport, setError);
  }, [period]);
  if (error) return <ErrorNote error={error} />;
  if (!report) return <p class="loading">正在计算…</p>;
  const groups = new Map<string, ComplianceRow[]>();
  for (const r of report.rows) {
    const k = `${r.obligationId}|${r.subject.id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return (
    <>
      <h2>落实情况 · {report.periodLabel}</h2>
      <p class="meta">截至 {report.asOf}（期满后 {report.graceDays} 天内补录不算补报）</p>
      <Legend />
      <div class="table-wrap">
        <table class="matrix">
          <thead>
            <tr>
              <th scope="col">要求</th>
              <th scope="col">对象</th>
              <th scope="col">各期完成情况</th>
            </tr>
          </thead>
          <tbody>
            {[...groups.values()].map((rows) => {
              const r0 = rows[0]!;
              return (
                <tr key={`${r0.obligationId}-${r0.subject.id}`}>
                  <th scope="row">
                    <span class="oid">{r0.obligationId}</span> {r0.title}
                    {r0.setting && <span class="setting">（本局设置）</span>}
                  </th>
                  <td>{r0.subject.name}</td>
                  <td>
                    <ul class="cells">
                      {rows.map((r) => (
                        <li key={r.period}>
                          <span class="cell-period">{r.periodLabel}</span>
                          {r.cadence === 'event' ? (
                            <span class="count">按需记录，已记 {r.done} 件</span>
                          ) : (
                            <>
                              <StatusBadge status={r.status} late={r.late.length > 0} />
                              <span class="count">
                                {r.done}/{r.required}
                              </span>
                            </>
                          )}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h2>缺报名单</h2>
      {report.missing.length === 0 ? (
        <p class="empty">没有缺报。</p>
      ) : (
        <ul class="missing">
          {report.missing.map((m) => (
            <li key={`${m.obligationId}-${m.periodLabel}-${m.subject.name}`}>
              <strong>{m.subject.name}</strong>：{m.periodLabel}「{m.title}」缺 {m.missing} 次 <StatusBadge status={m.status} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ScoreForm({ period, line, onSaved }: { period: string; line: AssessmentLine; onSaved(s: AssessmentSheet): void }) {
  const [score, setScore] = useState(line.score === null ? '' : String(line.score));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = `score-${line.id}`;
  return (
    <form
      class="score-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          onSaved(await api<AssessmentSheet>('PUT', `/api/assessment/${period}/items/${line.id}`, { score: score === '' ? null : Number(score), reason }));
          setReason('');
        } catch (err) {
          setError(err instanceof ApiError ? (err.problem.errors?.map((x) => x.message).join('；') ?? err.problem.detail) : '保存失败');
        } finally {
          setBusy(false);
        }
      }}
    >
      <label for={`${id}-s`}>评分</label>
      <input id={`${id}-s`} inputMode="decimal" value={score} onInput={(e) => setScore(e.currentTarget.value)} />
      <label for={`${id}-r`}>理由</label>
      <input id={`${id}-r`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>
        保存
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Assessment({ ctx, period }: { ctx: Ctx; period: string }) {
  const [sheet, setSheet] = useState<AssessmentSheet>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setSheet(undefined);
    api<AssessmentSheet>('GET', `/api/assessment?period=${period}`).then(setSheet, setError);
  }, [period]);
  if (error) return <ErrorNote error={error} />;
  if (!sheet) return <p class="loading">正在计算…</p>;
  const canScore = ctx.me.roles.includes('office');
  return (
    <>
      <h2>
        {sheet.title} · {sheet.periodLabel}
      </h2>
      {sheet.note && <p class="notice">{sheet.note}</p>}
      <p class="total">
        合计 <strong>{sheet.total}</strong> / {sheet.standardTotal} 分{!sheet.complete && '（尚有人工评分项目未评）'}
      </p>
      <ol class="assessment">
        {sheet.items.map((i) => (
          <li key={i.id}>
            <h3>
              {i.category} · {i.content}
            </h3>
            <p class="meta">
              标准分 {i.standard} · {i.criteria}
            </p>
            <p>
              得分 <strong>{i.score ?? '待评'}</strong>
              {i.deduction ? `（扣 ${i.deduction} 分）` : ''}
            </p>
            {i.reasons.length > 0 && (
              <ul class="reasons">
                {i.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
            {canScore && <ScoreForm period={period} line={i} onSaved={setSheet} />}
          </li>
        ))}
      </ol>
    </>
  );
}

interface Compilation {
  id: string;
  period: string;
  asOf: string;
  status: 'running' | 'done' | 'failed';
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

const STATUS_WORDS = { running: '正在汇编', done: '已完成', failed: '失败' } as const;

function Compilations({ period }: { period: string }) {
  const [items, setItems] = useState<Compilation[]>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<JobState>();
  const [note, setNote] = useState<string>();
  const load = () => api<{ items: Compilation[] }>('GET', `/api/compilations?period=${period}`).then((r) => setItems(r.items), setError);
  useEffect(() => void load(), [period]);
  return (
    <>
      <h2>台账汇编 · {periodLabel(parsePeriod(period)!)}</h2>
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setNote(undefined);
          try {
            const end = await runJob('/api/compilations', { period }, setJob);
            if (end.status === 'failed') setError(new ApiError({ status: 500, title: 'Failed', detail: end.error ?? '汇编失败' }));
            else setNote('汇编完成。');
            await load();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? '正在汇编…' : '立即汇编'}
      </button>
      {busy &&
        (job?.progress.total ? (
          <p role="status">
            <progress class="progress" aria-label="汇编进度" max={job.progress.total} value={job.progress.done} /> 已写入 {job.progress.done} / {job.progress.total} 条记录
          </p>
        ) : (
          <p role="status">
            <progress class="progress" aria-label="汇编进度" /> {job?.status === 'running' ? '正在汇编…' : '排队中…'}
          </p>
        ))}
      {note && (
        <p class="success" role="status">
          {note}
        </p>
      )}
      <ErrorNote error={error} />
      {items && items.length === 0 && <p class="empty">本期间还没有汇编。</p>}
      <ul class="compilations">
        {items?.map((c) => (
          <li key={c.id}>
            <span>
              {periodLabel(parsePeriod(c.period)!)}（截至 {c.asOf}）· {c.trigger === 'scheduled' ? '每月自动' : `${c.byName} 手动`} · {STATUS_WORDS[c.status]}
              {c.current ? ' · 当前版本' : ''}
              {c.superseded ? ' · 已被新版本取代' : ''}
              {c.size ? ` · ${Math.ceil(c.size / 1024)} KB` : ''}
              {c.error ? ` · ${c.error}` : ''}
            </span>
            {c.file && (
              <button type="button" onClick={() => download(c.file!, c.filename).catch(setError)}>
                下载
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

export function OfficePage({ ctx, tab, query }: { ctx: Ctx; tab: string; query: URLSearchParams }) {
  const today = shanghaiDate(new Date());
  const fallback = tab === 'assessment' ? formatPeriod(periodOf(today, 'year')) : tab === 'compilations' ? formatPeriod(periodOf(today, 'month')) : formatPeriod(periodOf(today, 'half'));
  const period = parsePeriod(query.get('period') ?? '') ? query.get('period')! : fallback;
  if (!isOversight(ctx.me))
    return <ErrorNote error={new ApiError({ status: 403, title: 'Forbidden', detail: '办公室页面只对办公室和党组书记开放。您可以在“待办”和“我的记录”中查看自己的事项。' })} />;
  const tabs = [
    ['compliance', '落实情况'],
    ['assessment', '考核评分'],
    ['compilations', '台账汇编'],
  ];
  const go = (p: string) => (location.hash = `#/office/${tab}?period=${p}`);
  return (
    <section>
      <h1>办公室</h1>
      <nav class="tabs" aria-label="办公室">
        {tabs.map(([k, label]) => (
          <a key={k} href={`#/office/${k}?period=${period}`} aria-current={k === tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <PeriodPicker value={period} onChange={go} />
      {tab === 'assessment' ? <Assessment ctx={ctx} period={period} /> : tab === 'compilations' ? <Compilations period={period} /> : <Compliance period={period} />}
    </section>
  );
}
