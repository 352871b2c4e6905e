/**
 * 考核评分: the assessment as one editable table. Each line shows its standard, criteria,
 * the rule's deduction and reasons; the office types a score and a reason in the row and saves
 * it. The box takes only a number in [0, standard] with one decimal (functions/core/compliance/score.ts);
 * clearing an override is its own button, with a reason. On a phone each row is a card.
 */
import { useState } from 'preact/hooks';
import type { AssessmentLine, AssessmentSheet } from '../../functions/core/compliance/assessment.js';
import { formatPeriod, parsePeriod, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { parseScore } from '../../functions/core/compliance/score.js';
import { api, ApiError } from './api.js';
import { ReasonDialog } from './reason.js';
import { isOffice, isOversight, type PageProps } from './app.js';
import { Async, DataTable, ErrorState, Page, PeriodPicker, toast, useResource } from './ui/index.js';

function ScoreCells({ period, line, onSaved }: { period: string; line: AssessmentLine; onSaved(s: AssessmentSheet): void }) {
  const [score, setScore] = useState(line.override || line.method === 'manual' ? (line.score === null ? '' : String(line.score)) : '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ score?: string; reason?: string; general?: string }>({});
  const [busy, setBusy] = useState(false);
  const [clearing, setClearing] = useState(false);
  const id = `score-${line.id}`;
  const itemPath = `/api/assessment/${period}/items/${line.id}`;
  const save = async () => {
    // The box takes only a score in [0, standard] with one decimal; anything else is said here and not sent.
    const parsed = parseScore(score, line.standard);
    const local = { score: parsed.ok ? undefined : parsed.message, reason: reason.trim().length < 2 ? '须写明评分理由' : undefined };
    setErrors(local);
    if (!parsed.ok || local.reason) {
      document.getElementById(parsed.ok ? `${id}-r` : `${id}-s`)?.focus();
      return;
    }
    setBusy(true);
    try {
      onSaved(await api<AssessmentSheet>('PUT', itemPath, { score: parsed.value, reason: reason.trim() }));
      setReason('');
      toast(`「${line.category}」的评分已保存`, 'success');
    } catch (err) {
      const fe = err instanceof ApiError ? err.problem.errors : undefined;
      if (fe?.length) setErrors({ score: fe.find((x) => x.path === 'score')?.message, reason: fe.find((x) => x.path === 'reason')?.message, general: fe.filter((x) => x.path !== 'score' && x.path !== 'reason').map((x) => x.message).join('；') || undefined });
      else setErrors({ general: err instanceof ApiError ? err.problem.detail : '保存失败，请重试' });
    } finally {
      setBusy(false);
    }
  };
  const described = (k: 'score' | 'reason') => (errors[k] ? `${id}-${k}-e` : undefined);
  return (
    <form
      class="stack-sm"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void save();
      }}
    >
      <div class="score-form">
        <label class="sr-only" for={`${id}-s`}>
          {line.category}评分（0 到 {line.standard} 分，最多一位小数）
        </label>
        <input
          id={`${id}-s`}
          class="score-input"
          inputMode="decimal"
          value={score}
          placeholder={line.score === null ? '待评' : String(line.score)}
          aria-invalid={errors.score ? true : undefined}
          aria-describedby={described('score')}
          onInput={(e) => setScore(e.currentTarget.value)}
        />
        <label class="sr-only" for={`${id}-r`}>
          {line.category}评分理由
        </label>
        <input
          id={`${id}-r`}
          class="reason-input"
          value={reason}
          placeholder="理由"
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={described('reason')}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button type="submit" class="small" aria-busy={busy} disabled={busy}>
          {busy ? '正在保存…' : '保存'}
        </button>
      </div>
      {errors.score && (
        <p class="error" id={`${id}-score-e`} role="alert">
          {errors.score}
        </p>
      )}
      {errors.reason && (
        <p class="error" id={`${id}-reason-e`} role="alert">
          {errors.reason}
        </p>
      )}
      {errors.general && (
        <p class="error" role="alert">
          {errors.general}
        </p>
      )}
      {line.override && (
        <div class="row">
          <p class="muted">
            已人工调整：{line.override.byName}，{line.override.reason}
          </p>
          {/* A manual item has no rule to fall back on: it can be re-scored, not cleared. */}
          {line.method !== 'manual' && (
            <button type="button" class="small" onClick={() => setClearing(true)}>
              清除人工调整<span class="sr-only">：{line.category}</span>
            </button>
          )}
        </div>
      )}
      <ReasonDialog
        open={clearing}
        title={`清除「${line.category}」的人工调整？`}
        message="清除后此项按规则计分；清除及理由会记入评分历史。"
        label="清除理由"
        confirmLabel="清除人工调整"
        danger
        onClose={() => setClearing(false)}
        onConfirm={async (why) => {
          onSaved(await api<AssessmentSheet>('PUT', itemPath, { clear: true, reason: why }));
          setScore('');
          toast(`「${line.category}」已恢复按规则计分`, 'success');
        }}
      />
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
