/**
 * 问题整改 (DESIGN §15): the list of rectification items the caller may see, with filters, and one
 * item: its finding, status, history, the steps open to the caller and its evidence (the records'
 * own attachment component, as an item is a record).
 */
import { useState } from 'preact/hooks';
import type { HistoryEntry, RecordState } from '../../functions/core/records/record.js';
import { chineseDateTime } from '../../functions/core/ledger/layout.js';
import { api, ApiError, type FieldError } from './api.js';
import { isOversight, type Ctx, type PageProps } from './app.js';
import { Evidence } from './evidence.js';
import { Async, DataTable, ErrorState, Page, toast, useResource } from './ui/index.js';

type Item = RecordState & { overdue: boolean };
type Action = 'report' | 'submit' | 'close' | 'return' | 'extend';
interface ItemAnswer {
  item: Item;
  history: (HistoryEntry & { byName: string })[];
  actions: Action[];
}

const STATUSES = ['待整改', '整改中', '待销号', '已销号'];
const ACTION_WORDS: Record<Action, string> = { report: '报告整改进展', submit: '报告整改完成', close: '核实销号', return: '退回整改', extend: '延期' };

const nameOf = (ctx: Ctx, id: unknown) => ctx.org.people.find((p) => p.id === id)?.name ?? (typeof id === 'string' ? id : '—');
const divisionOf = (ctx: Ctx, id: unknown) => ctx.org.divisions.find((d) => d.id === id)?.name ?? (typeof id === 'string' ? id : '—');
const text = (v: unknown) => (typeof v === 'string' && v ? v : '—');

function StatusOf({ item }: { item: Item }) {
  const status = String(item.data.status ?? '待整改');
  const kind = status === '已销号' ? 'met' : item.overdue ? 'missed' : status === '待销号' ? 'in-progress' : 'not-due';
  return (
    <span class={`badge status-${kind}`}>
      {status}
      {item.overdue ? '（已逾期）' : ''}
      {item.data.sourceDeleted ? '（来源已删除）' : ''}
    </span>
  );
}

export function RectificationsPage({ ctx, route }: PageProps) {
  const q = route.query;
  const filters = ['status', 'division', 'overdue', 'inspection'] as const;
  const query = new URLSearchParams();
  for (const k of filters) if (q.get(k)) query.set(k, q.get(k)!);
  const r = useResource(() => api<{ items: Item[]; counts: { total: number; open: number; overdue: number; closed: number } }>('GET', `/api/rectifications?${query}`), [query.toString()]);
  const go = (k: string, v: string) => {
    const next = new URLSearchParams(query);
    if (v) next.set(k, v);
    else next.delete(k);
    location.hash = `#/rectifications?${next}`;
  };
  return (
    <Page title="问题整改" crumbs={[{ href: '#/', label: '首页' }]} lead={isOversight(ctx.me) ? '检查发现的问题逐条整改，办公室核实后销号。' : '交给您或本科室整改的问题：报告整改措施和进展，完成后报请销号。'}>
      <form class="row" onSubmit={(e) => e.preventDefault()} aria-label="筛选">
        <label class="control inline">
          <span class="label">状态</span>
          <select value={q.get('status') ?? ''} onChange={(e) => go('status', e.currentTarget.value)}>
            <option value="">全部</option>
            <option value="open">未销号</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {isOversight(ctx.me) && (
          <label class="control inline">
            <span class="label">责任科室</span>
            <select value={q.get('division') ?? ''} onChange={(e) => go('division', e.currentTarget.value)}>
              <option value="">全部科室</option>
              {ctx.org.divisions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label class="control inline">
          <span class="label">逾期</span>
          <select value={q.get('overdue') ?? ''} onChange={(e) => go('overdue', e.currentTarget.value)}>
            <option value="">不限</option>
            <option value="1">已逾期</option>
            <option value="0">未逾期</option>
          </select>
        </label>
        {q.get('inspection') && (
          <button type="button" onClick={() => go('inspection', '')}>
            显示全部检查的问题
          </button>
        )}
      </form>
      <Async r={r} loadingLabel="正在读取整改事项…">
        {(data) => (
          <div class="stack">
            <p class="muted" role="status">
              共 {data.counts.total} 项：未销号 {data.counts.open} 项，其中逾期 {data.counts.overdue} 项；已销号 {data.counts.closed} 项。
            </p>
            <DataTable
              caption="整改事项"
              hideCaption
              rows={data.items}
              rowKey={(i) => i.id}
              empty="没有符合条件的整改事项。"
              columns={[
                { key: 'number', label: '编号', title: true, text: (i) => i.number ?? '', render: (i) => <a href={`#/rectifications/${i.id}`}>{i.number ?? i.id}</a> },
                { key: 'description', label: '问题', wide: true, text: (i) => text(i.data.description) },
                { key: 'division', label: '责任科室', text: (i) => divisionOf(ctx, i.division) },
                { key: 'person', label: '责任人', text: (i) => nameOf(ctx, i.data.person ?? i.owner) },
                { key: 'deadline', label: '整改期限', text: (i) => text(i.data.deadline) },
                { key: 'status', label: '状态', text: (i) => String(i.data.status), render: (i) => <StatusOf item={i} /> },
              ]}
            />
          </div>
        )}
      </Async>
    </Page>
  );
}

export function RectificationPage({ ctx, id }: PageProps & { id: string }) {
  const r = useResource(() => api<ItemAnswer>('GET', `/api/rectifications/${id}`), [id]);
  const [action, setAction] = useState<Action>();
  const [form, setForm] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const crumbs = [
    { href: '#/', label: '首页' },
    { href: '#/rectifications', label: '问题整改' },
  ];
  const data = r.data;
  if (!data)
    return (
      <Page title="整改事项" crumbs={crumbs}>
        <Async r={r}>{() => null}</Async>
      </Page>
    );
  const { item, history, actions } = data;
  const d = item.data;
  const open = (a: Action) => {
    setAction(a);
    setErrors([]);
    setFailure(undefined);
    setForm(a === 'report' ? { measures: String(d.measures ?? ''), progress: String(d.progress ?? '') } : {});
  };
  const send = async () => {
    if (!action) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const body: Record<string, unknown> = { action, version: item.version };
      for (const [k, v] of Object.entries(form)) if (v !== '') body[k] = v;
      try {
        await api('POST', `/api/rectifications/${id}/transition`, body);
      } catch (e) {
        // A newer version that differs only by its evidence (a photo's preview finalised meanwhile)
        // does not conflict with a step: take it once more on that version.
        const current = e instanceof ApiError && e.status === 409 ? (e.problem.current as RecordState | undefined) : undefined;
        const same = current && JSON.stringify(current.data) === JSON.stringify(item.data);
        if (!same) throw e;
        await api('POST', `/api/rectifications/${id}/transition`, { ...body, version: current.version });
      }
      toast(`已${ACTION_WORDS[action]}。`, 'success');
      setAction(undefined);
      r.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.problem.errors) setErrors(e.problem.errors);
      else setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const errorOf = (path: string) => errors.find((e) => e.path === path)?.message;
  const input = (key: string, label: string, kind: 'textarea' | 'date' = 'textarea') => {
    const err = errorOf(key);
    const fid = `t-${key}`;
    return (
      <div class="control" key={key}>
        <label for={fid}>{label}</label>
        {kind === 'date' ? (
          <input id={fid} name={key} type="date" value={form[key] ?? ''} aria-invalid={err ? true : undefined} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
        ) : (
          <textarea id={fid} name={key} rows={3} value={form[key] ?? ''} aria-invalid={err ? true : undefined} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
        )}
        {err && <p class="error">{err}</p>}
      </div>
    );
  };
  const responsible = actions.includes('report') || actions.includes('submit') || item.owner === ctx.me.id;
  return (
    <Page
      title={`整改事项 ${item.number ?? ''}`.trim()}
      crumbs={crumbs}
      lead={
        <>
          <StatusOf item={item} /> · 第 {item.version} 版
        </>
      }
      actions={
        !action &&
        actions.map((a) => (
          <button key={a} type="button" class={a === 'close' || a === 'submit' ? 'primary' : undefined} onClick={() => open(a)}>
            {ACTION_WORDS[a]}
          </button>
        ))
      }
    >
      {failure !== undefined && <ErrorState error={failure} />}
      {action && (
        <form
          class="card stack-sm"
          aria-label={ACTION_WORDS[action]}
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <h2>{ACTION_WORDS[action]}</h2>
          {(action === 'report' || action === 'submit') && input('measures', '整改措施')}
          {action === 'report' && input('progress', '整改进展')}
          {action === 'extend' && input('deadline', '新的整改期限', 'date')}
          {(action === 'return' || action === 'extend' || action === 'close') && input('reason', action === 'close' ? '核实意见（可不填）' : '理由')}
          {errors.filter((e) => !['measures', 'progress', 'deadline', 'reason'].includes(e.path)).map((e) => (
            <p class="error" key={e.path}>
              {e.message}
            </p>
          ))}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
              {busy ? '正在提交…' : `确认${ACTION_WORDS[action]}`}
            </button>
            <button type="button" onClick={() => setAction(undefined)}>
              取消
            </button>
          </div>
        </form>
      )}
      <dl class="card fields">
        <dt>问题描述</dt>
        <dd>{text(d.description)}</dd>
        <dt>来源检查</dt>
        <dd>{typeof d.inspection === 'string' ? <a href={`#/records/${d.inspection}`}>{text(d.inspectionNumber)}</a> : '—'}（{text(d.foundOn)}）</dd>
        <dt>责任科室</dt>
        <dd>{divisionOf(ctx, item.division)}</dd>
        <dt>责任人</dt>
        <dd>{nameOf(ctx, d.person ?? item.owner)}</dd>
        <dt>严重程度</dt>
        <dd>{text(d.severity)}</dd>
        <dt>整改要求</dt>
        <dd>{text(d.requirement)}</dd>
        <dt>整改期限</dt>
        <dd>{text(d.deadline)}</dd>
        <dt>整改措施</dt>
        <dd>{text(d.measures)}</dd>
        <dt>整改进展</dt>
        <dd>{text(d.progress)}</dd>
        {d.status === '已销号' && (
          <>
            <dt>销号</dt>
            <dd>
              {nameOf(ctx, d.closedBy)}（{text(d.closedOn)}）
            </dd>
          </>
        )}
      </dl>
      <Evidence record={item} canEdit={responsible && d.status !== '已销号'} onChange={(next) => r.set({ ...data, item: { ...item, ...next } })} />
      <section class="card stack-sm" aria-labelledby="history-title">
        <h2 id="history-title">办理记录</h2>
        <ol class="stack-sm">
          {history.map((h) => (
            <li key={h.version}>
              第 {h.version} 版 · {chineseDateTime(new Date(h.at))} · {h.byName}：{h.changes.filter((c) => c.field === 'status').map((c) => `${text(c.before)} → ${text(c.after)}`)[0] ?? (h.change === 'create' ? '生成' : h.change === 'attach' ? '添加佐证材料' : h.change === 'detach' ? '删除佐证材料' : '修改')}
              {h.reason ? `（${h.reason}）` : ''}
            </li>
          ))}
        </ol>
      </section>
    </Page>
  );
}
