/**
 * 考核评分: the assessment as one editable table. Each line shows its standard, criteria,
 * the rule's deduction and reasons; the office types a score and a reason in the row and saves
 * it (an empty score clears a manual score or an override). On a phone each row is a card.
 */
import { useState } from 'preact/hooks';
import type { AssessmentLine, AssessmentSheet } from '../../functions/core/compliance/assessment.js';
import { formatPeriod, parsePeriod, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { api, ApiError } from './api.js';
import { isOffice, isOversight, type PageProps } from './app.js';
import { Async, DataTable, ErrorState, Page, PeriodPicker, toast, useResource } from './ui/index.js';

function ScoreCells({ period, line, onSaved }: { period: string; line: AssessmentLine; onSaved(s: AssessmentSheet): void }) {
  const [score, setScore] = useState(line.override || line.method === 'manual' ? (line.score === null ? '' : String(line.score)) : '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = `score-${line.id}`;
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await api<AssessmentSheet>('PUT', `/api/assessment/${period}/items/${line.id}`, score.trim() === '' ? { clear: true, reason } : { score: Number(score), reason }));
      setReason('');
      toast(`「${line.category}」的评分已保存`, 'success');
    } catch (err) {
      setError(err instanceof ApiError ? (err.problem.errors?.map((x) => x.message).join('；') ?? err.problem.detail) : '保存失败，请重试');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="stack-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void save();
      }}
    >
      <div class="score-form">
        <label class="sr-only" for={`${id}-s`}>
          {line.category}评分（满分 {line.standard}）
        </label>
        <input
          id={`${id}-s`}
          class="score-input"
          inputMode="decimal"
          value={score}
          placeholder={line.score === null ? '待评' : String(line.score)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-e` : undefined}
          onInput={(e) => setScore(e.currentTarget.value)}
        />
        <label class="sr-only" for={`${id}-r`}>
          {line.category}评分理由
        </label>
        <input id={`${id}-r`} class="reason-input" value={reason} placeholder="理由" onInput={(e) => setReason(e.currentTarget.value)} />
        <button type="submit" class="small" aria-busy={busy} disabled={busy}>
          {busy ? '正在保存…' : '保存'}
        </button>
      </div>
      {error && (
        <p class="error" id={`${id}-e`} role="alert">
          {error}
        </p>
      )}
      {line.override && (
        <p class="muted">
          已人工调整：{line.override.byName}，{line.override.reason}
        </p>
      )}
    </form>
  );
}

export function AssessmentPage({ ctx, route }: PageProps) {
  const today = shanghaiDate(new Date());
  const asked = parsePeriod(route.query.get('period') ?? '');
  const period = asked ? formatPeriod(asked) : formatPeriod(periodOf(today, 'year'));
  const r = useResource(() => api<AssessmentSheet>('GET', `/api/assessment?period=${period}`), [period]);
  const canScore = isOffice(ctx.me);
  if (!isOversight(ctx.me))
    return (
      <Page title="考核评分" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '考核评分只对办公室和党组书记开放。' })} />
      </Page>
    );
  return (
    <Page title={`考核评分 · ${r.data?.period === period ? r.data.periodLabel : period}`} crumbs={[{ href: '#/', label: '首页' }]}>
      <PeriodPicker value={period} onChange={(p) => (location.hash = `#/office/assessment?period=${p}`)} />
      <Async r={r} loadingLabel="正在计算考核得分…">
        {(sheet) => (
          <>
            <div class="row-between">
              <p class="total" aria-live="polite">
                合计 <strong>{sheet.total}</strong> / {sheet.standardTotal} 分{!sheet.complete && '（尚有人工评分项目未评）'}
              </p>
              <p class="muted">{sheet.title}</p>
            </div>
            {sheet.note && <p class="notice">{sheet.note}</p>}
            <DataTable
              caption={`${sheet.title}（${sheet.periodLabel}）`}
              hideCaption
              rows={sheet.items}
              rowKey={(i) => i.id}
              pageSize={50}
              columns={[
                {
                  key: 'item',
                  label: '考核项目',
                  title: true,
                  text: (i) => `${i.category} ${i.content}`,
                  render: (i) => (
                    <>
                      <strong>{i.category}</strong>
                      <br />
                      <span>{i.content}</span>
                    </>
                  ),
                },
                {
                  key: 'criteria',
                  label: '评分标准与扣分理由',
                  wide: true,
                  render: (i) => (
                    <>
                      <span class="muted">{i.criteria}</span>
                      {i.reasons.length > 0 && (
                        <ul>
                          {i.reasons.map((x) => (
                            <li key={x}>{x}</li>
                          ))}
                        </ul>
                      )}
                    </>
                  ),
                },
                {
                  key: 'score',
                  label: '得分 / 标准分',
                  num: true,
                  text: (i) => `${i.score === null ? '待评' : i.score} / ${i.standard}`,
                  sort: (i) => i.score ?? -1,
                  render: (i) => (
                    <>
                      <strong>{i.score ?? '待评'}</strong> / {i.standard}
                      {i.deduction ? <span class="muted">（扣 {i.deduction}）</span> : null}
                    </>
                  ),
                },
                ...(canScore
                  ? [{ key: 'edit', label: '评分 / 调整', wide: true, render: (i: AssessmentLine) => <ScoreCells key={`${i.id}-${i.history.length}`} period={period} line={i} onSaved={r.set} /> }]
                  : []),
              ]}
            />
          </>
        )}
      </Async>
    </Page>
  );
}
