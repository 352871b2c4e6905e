/** Filling in a new record, listing one's records, and opening one: edit, withdraw, history. */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEntry, RecordState } from '../../functions/core/records/record.js';
import { api, ApiError, type FieldError } from './api.js';
import type { Ctx } from './app.js';
import { ErrorNote } from './app.js';
import { display, RecordForm, toData, toValues, validate, type Values } from './form.js';

interface Draft {
  values: Values;
  idempotencyKey: string;
}

const draftKey = (ctx: Ctx, templateId: string) => `taizhang.draft.${ctx.me.id}.${templateId}`;

function loadDraft(key: string): Draft {
  try {
    const d = JSON.parse(localStorage.getItem(key) ?? 'null') as Draft | null;
    if (d && typeof d.idempotencyKey === 'string') return d;
  } catch {
    // a broken draft is simply dropped
  }
  return { values: {}, idempotencyKey: crypto.randomUUID() };
}

export function NewRecordPage({ ctx, templateId }: { ctx: Ctx; templateId: string }) {
  const form = ctx.form(templateId);
  const key = draftKey(ctx, templateId);
  // The draft (with its idempotency key) survives a reload, so a resend can never make a second record.
  const [draft, setDraft] = useState<Draft>(() => loadDraft(key));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [tried, setTried] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  if (!form) return <ErrorNote error={new ApiError({ status: 404, title: 'Not Found', detail: '没有这个表单' })} />;

  const change = (values: Values) => {
    const next = { ...draft, values };
    setDraft(next);
    localStorage.setItem(key, JSON.stringify(next));
    if (tried) setErrors(validate(form, ctx.org, values));
  };

  const submit = async () => {
    setTried(true);
    setFailure(undefined);
    const local = validate(form, ctx.org, draft.values);
    setErrors(local);
    if (local.length) return;
    setSubmitting(true);
    try {
      const rec = await api<RecordState>('POST', '/api/submissions', { templateId, data: toData(form, draft.values) }, { 'Idempotency-Key': draft.idempotencyKey });
      localStorage.removeItem(key);
      location.hash = `#/records/${rec.id}?saved=1`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.problem.errors) setErrors(e.problem.errors);
      else setFailure(e);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section>
      <h1>{form.title}</h1>
      {form.description && <p class="lead">{form.description}</p>}
      <ErrorNote error={failure} />
      <RecordForm form={form} org={ctx.org} values={draft.values} onChange={change} errors={errors} submitting={submitting} submitLabel="提交" onSubmit={submit} />
      <p class="hint">填写内容会自动保存在本机，刷新页面不会丢失。</p>
    </section>
  );
}

export function RecordsPage({ ctx }: { ctx: Ctx }) {
  const [items, setItems] = useState<RecordState[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [templateId, setTemplateId] = useState('');
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  const load = async (from?: string) => {
    setLoading(true);
    try {
      const q = new URLSearchParams({ scope: 'mine', limit: '20' });
      if (templateId) q.set('templateId', templateId);
      if (from) q.set('cursor', from);
      const page = await api<{ items: RecordState[]; nextCursor?: string }>('GET', `/api/submissions?${q}`);
      setItems((prev) => (from ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), [templateId]);

  return (
    <section>
      <h1>我的记录</h1>
      <label class="inline">
        表单
        <select value={templateId} onChange={(e) => setTemplateId(e.currentTarget.value)}>
          <option value="">全部</option>
          {ctx.forms.map((f) => (
            <option key={f.id} value={f.id}>
              {f.title}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={error} />
      {!loading && items.length === 0 && <p class="empty">还没有记录。</p>}
      <ul class="records">
        {items.map((r) => (
          <li key={r.id}>
            <a href={`#/records/${r.id}`}>
              <span class="title">{ctx.form(r.templateId)?.title ?? r.templateId}</span>
              <span class="meta">
                {r.date} · 第 {r.version} 版
              </span>
            </a>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" disabled={loading} onClick={() => load(cursor)}>
          加载更多
        </button>
      )}
    </section>
  );
}

function Fields({ ctx, record }: { ctx: Ctx; record: RecordState }) {
  const form = ctx.form(record.templateId);
  if (!form) return null;
  return (
    <dl class="fields">
      {form.fields.map((f) => (
        <div key={f.key}>
          <dt>{f.label}</dt>
          <dd>{display(f, record.data[f.key], ctx.org)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function RecordPage({ ctx, id }: { ctx: Ctx; id: string }) {
  const [record, setRecord] = useState<RecordState>();
  const [error, setError] = useState<unknown>();
  const [mode, setMode] = useState<'view' | 'edit' | 'history'>('view');
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [conflict, setConflict] = useState<{ mine: Values; current: RecordState }>();
  const [history, setHistory] = useState<(HistoryEntry & { byName: string })[]>();
  const saved = location.hash.includes('saved=1');

  useEffect(() => {
    api<RecordState>('GET', `/api/submissions/${id}`).then(setRecord, setError);
  }, [id]);

  if (error) return <ErrorNote error={error} />;
  if (!record) return <p class="loading">正在加载…</p>;
  const form = ctx.form(record.templateId);
  if (!form) return <ErrorNote error={new Error('unknown form')} />;
  const canEdit = record.status === 'active' && (record.owner === ctx.me.id || ctx.me.roles.includes('office'));

  const save = async () => {
    const local = validate(form, ctx.org, values);
    setErrors(local);
    if (local.length) return;
    setSubmitting(true);
    try {
      const next = await api<RecordState>('PUT', `/api/submissions/${id}`, { data: toData(form, values), version: record.version });
      setRecord(next);
      setMode('view');
      setConflict(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.current) setConflict({ mine: values, current: e.problem.current as RecordState });
      else if (e instanceof ApiError && e.status === 400 && e.problem.errors) setErrors(e.problem.errors);
      else setError(e);
    } finally {
      setSubmitting(false);
    }
  };

  const withdraw = async () => {
    if (!confirm('确定撤回这条记录吗？撤回后不再计入台账，但修改历史会保留。')) return;
    try {
      await api('DELETE', `/api/submissions/${id}?version=${record.version}`);
      setRecord({ ...record, status: 'withdrawn', version: record.version + 1 });
    } catch (e) {
      setError(e);
    }
  };

  const showHistory = async () => {
    setMode('history');
    try {
      setHistory((await api<{ items: (HistoryEntry & { byName: string })[] }>('GET', `/api/submissions/${id}/history`)).items);
    } catch (e) {
      setError(e);
    }
  };

  const label = (key: string) => form.fields.find((f) => f.key === key)?.label ?? key;
  const show = (key: string, v: unknown) => {
    const f = form.fields.find((x) => x.key === key);
    return f ? display(f, v, ctx.org) : String(v ?? '—');
  };

  return (
    <section>
      <h1>{form.title}</h1>
      {saved && mode === 'view' && (
        <p class="success" role="status">
          已提交。
        </p>
      )}
      <p class="meta">
        {record.date} · {record.status === 'withdrawn' ? '已撤回' : `第 ${record.version} 版`} · 编号 {record.id}
      </p>
      {conflict && (
        <div class="error-box conflict" role="alert">
          <p>这条记录已被他人修改（当前为第 {conflict.current.version} 版）。请对照后决定：</p>
          <div class="compare">
            <div>
              <h3>您的修改</h3>
              <Fields ctx={ctx} record={{ ...record, data: toData(form, conflict.mine) }} />
            </div>
            <div>
              <h3>当前内容</h3>
              <Fields ctx={ctx} record={conflict.current} />
            </div>
          </div>
          <button
            type="button"
            onClick={() => {
              setRecord(conflict.current);
              setValues({ ...toValues(form, conflict.current.data), ...conflict.mine });
              setConflict(undefined);
            }}
          >
            以当前内容为基础，保留我的修改后重新提交
          </button>
        </div>
      )}
      {mode === 'edit' ? (
        <RecordForm form={form} org={ctx.org} values={values} onChange={setValues} errors={errors} submitting={submitting} submitLabel="保存修改" onSubmit={save} onCancel={() => setMode('view')} />
      ) : (
        <Fields ctx={ctx} record={record} />
      )}
      {mode !== 'edit' && (
        <div class="actions">
          {canEdit && (
            <button
              type="button"
              class="primary"
              onClick={() => {
                setValues(toValues(form, record.data));
                setErrors([]);
                setMode('edit');
              }}
            >
              修改
            </button>
          )}
          {canEdit && (
            <button type="button" class="danger" onClick={withdraw}>
              撤回
            </button>
          )}
          <button type="button" onClick={showHistory}>
            修改历史
          </button>
        </div>
      )}
      {mode === 'history' && history && (
        <ol class="history">
          {history.map((h) => (
            <li key={h.version}>
              <p>
                第 {h.version} 版 · {h.change === 'create' ? '提交' : h.change === 'withdraw' ? '撤回' : '修改'} · {h.byName} · {new Date(h.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
              </p>
              {h.change === 'update' && (
                <ul>
                  {h.changes.map((c) => (
                    <li key={c.field}>
                      {label(c.field)}：{show(c.field, c.before)} → {show(c.field, c.after)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
