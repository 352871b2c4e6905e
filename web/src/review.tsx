/**
 * 待审核 (DESIGN §10): the unit's records awaiting review, oldest first (GET /api/review-queue),
 * with how many wait per form. The office and the secretary approve the selected records at once
 * or return one with a reason the filer then sees on their home page.
 */
import { useState } from 'preact/hooks';
import type { RecordState } from '../../functions/core/records/record.js';
import { api, ApiError } from './api.js';
import { isOversight, type PageProps } from './app.js';
import { ReasonDialog } from './reason.js';
import { recordSubject, recordTopic } from './records.js';
import { Async, confirm, DataTable, ErrorState, Page, toast, useResource } from './ui/index.js';

interface Queue {
  counts: { templateId: string; title: string; pending: number }[];
  items: RecordState[];
  more?: boolean;
}

const review = (x: RecordState, decision: 'approve' | 'return', reason?: string) =>
  api<RecordState>('POST', `/api/submissions/${x.id}/review`, { decision, version: x.version, ...(reason ? { reason } : {}) });

export function ReviewPage({ ctx, route }: PageProps) {
  const form = route.query.get('form') ?? undefined;
  const r = useResource(() => api<Queue>('GET', '/api/review-queue'), []);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [returning, setReturning] = useState<RecordState>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string[]>([]);
  if (!isOversight(ctx.me))
    return (
      <Page title="待审核" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '审核只对办公室和党组书记开放。' })} />
      </Page>
    );

  const approve = async (rows: RecordState[]) => {
    const ok = await confirm({ title: `通过所选 ${rows.length} 条记录？`, message: '通过后记为“已审核”，审核人和日期记入修改历史。', confirmLabel: '审核通过' });
    if (!ok) return;
    setBusy(true);
    setFailure([]);
    const failed: string[] = [];
    // One request per record, each against the version shown: a record changed meanwhile is not approved unseen.
    for (const x of rows) {
      try {
        await review(x, 'approve');
      } catch (e) {
        failed.push(`${x.number ?? x.id}：${e instanceof ApiError ? e.problem.detail : '未完成'}`);
      }
    }
    setBusy(false);
    setSelected(new Set());
    setFailure(failed);
    const done = rows.length - failed.length;
    toast(failed.length ? `已通过 ${done} 条，${failed.length} 条未通过` : `已通过 ${done} 条记录。`, failed.length ? 'error' : 'success');
    r.reload();
  };

  return (
    <Page title="待审核" crumbs={[{ href: '#/', label: '首页' }]} lead="需审核表单的记录，最早的在前。可勾选后一并通过，或逐条退回并写明理由。">
      <Async r={r} loadingLabel="正在读取待审核记录…">
        {(q) => {
          const rows = q.items.filter((x) => !form || x.templateId === form);
          const chosen = rows.filter((x) => selected.has(x.id));
          const all = rows.length > 0 && chosen.length === rows.length;
          const toggle = (id: string, on: boolean) =>
            setSelected((s) => {
              const n = new Set(s);
              if (on) n.add(id);
              else n.delete(id);
              return n;
            });
          return (
            <>
              <nav aria-label="按表单">
                <ul class="row plain-list">
                  <li>
                    <a class="chip" href="#/review" aria-current={!form ? 'page' : undefined}>
                      全部 <strong>{q.items.length}{q.more ? '+' : ''}</strong>
                    </a>
                  </li>
                  {q.counts.map((c) => (
                    <li key={c.templateId}>
                      <a class="chip" href={`#/review?form=${encodeURIComponent(c.templateId)}`} aria-current={form === c.templateId ? 'page' : undefined}>
                        {c.title} <strong>{c.pending}</strong>
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              {q.more && <p class="muted">待审核记录较多，这里只列出最早的一部分；审核后刷新即可看到其余的。</p>}
              {failure.length > 0 && (
                <div class="alert" role="alert">
                  {failure.map((f) => (
                    <p key={f}>{f}</p>
                  ))}
                </div>
              )}
              {rows.length > 0 && (
                <div class="row">
                  <label class="check">
                    <input type="checkbox" checked={all} onChange={(e) => setSelected(e.currentTarget.checked ? new Set(rows.map((x) => x.id)) : new Set())} />
                    全选（{rows.length} 条）
                  </label>
                  <button type="button" class="primary" disabled={busy || chosen.length === 0} aria-busy={busy} onClick={() => approve(chosen)}>
                    {busy ? '正在审核…' : `通过所选（${chosen.length}）`}
                  </button>
                </div>
              )}
              <DataTable
                caption="待审核记录"
                hideCaption
                rows={rows}
                rowKey={(x) => x.id}
                pageSize={50}
                empty="没有待审核的记录。"
                columns={[
                  {
                    key: 'number',
                    label: '编号',
                    title: true,
                    text: (x) => x.number ?? x.id,
                    // The box sits with the number, so a phone's card starts with both.
                    render: (x) => (
                      <span class="row">
                        <input type="checkbox" aria-label={`选择 ${x.number ?? x.id}`} checked={selected.has(x.id)} onChange={(e) => toggle(x.id, e.currentTarget.checked)} />
                        <a href={`#/records/${x.id}`}>{x.number ?? ctx.form(x.templateId)?.title ?? x.id}</a>
                      </span>
                    ),
                  },
                  { key: 'date', label: '日期', text: (x) => x.date },
                  { key: 'form', label: '表单', text: (x) => ctx.form(x.templateId)?.title ?? x.templateId },
                  { key: 'subject', label: '对象', text: (x) => recordSubject(ctx, x) },
                  { key: 'topic', label: '题目 / 主题', wide: true, text: (x) => recordTopic(ctx, x) },
                  {
                    key: 'act',
                    label: '操作',
                    render: (x) => (
                      <button type="button" class="small" disabled={busy} onClick={() => setReturning(x)}>
                        退回<span class="sr-only"> {x.number ?? ''}</span>
                      </button>
                    ),
                  },
                ]}
              />
            </>
          );
        }}
      </Async>
      <ReasonDialog
        open={!!returning}
        title={`退回${returning?.number ?? '这条记录'}？`}
        message="退回理由会显示给填报人，填报人修改后重新提交。"
        label="退回理由"
        confirmLabel="退回"
        danger
        onClose={() => setReturning(undefined)}
        onConfirm={async (reason) => {
          const x = returning!;
          await review(x, 'return', reason);
          toast(`已退回${x.number ?? '记录'}。`, 'success');
          setSelected((s) => {
            const n = new Set(s);
            n.delete(x.id);
            return n;
          });
          r.reload();
        }}
      />
    </Page>
  );
}
