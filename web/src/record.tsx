/**
 * Filling in a new record, and one record: its fields, 修改, 撤回, 修改历史 and 打印 (A4 sheet). Loads the form
 * code and the shared schema compiler (zod/mini), so it is a chunk of its own.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEntry, RecordState } from '../../functions/core/records/record.js';
import { parsePeriod, periodLabel } from '../../functions/core/periods.js';
import type { FormTemplate } from '../../functions/core/templates/templates.js';
import { api, ApiError, type FieldError } from './api.js';
import { isOffice, type Ctx, type PageProps } from './app.js';
import { display, RecordForm, toData, toValues, validate, type Values } from './form.js';
import { dataAtVersion, mergeFields, resolveMerge, type Data, type MergeResult } from '../../functions/core/records/merge.js';
import { chineseDate, chineseDateTime } from '../../functions/core/ledger/layout.js';
import { registerHref } from './links.js';
import { Evidence } from './evidence.js';
import { Async, confirm, ErrorState, Page, Tabs, toast, useResource } from './ui/index.js';

interface Draft {
  values: Values;
  idempotencyKey: string;
}

const draftKey = (ctx: Ctx, templateId: string) => `taizhang.draft.${ctx.me.id}.${templateId}`;

function loadDraft(key: string): Draft | undefined {
  try {
    const d = JSON.parse(localStorage.getItem(key) ?? 'null') as Draft | null;
    if (d && typeof d.idempotencyKey === 'string' && d.values && typeof d.values === 'object') return d;
  } catch {
    // a broken draft is simply dropped
  }
  return undefined;
}

/**
 * The field a `subject` link fills in: the template's subjectField; until every template names
 * one (the records work), the one person field limited to leadership roles that member
 * obligations count by, or for a division the one division field.
 */
export function subjectFieldOf(form: FormTemplate, subject: string, ctx: Ctx): string | undefined {
  const isDivision = ctx.org.divisions.some((d) => d.id === subject);
  if (!isDivision && form.subjectField) return form.subjectField;
  const candidates = isDivision
    ? form.fields.filter((f) => f.type === 'division')
    : form.fields.filter((f) => f.type === 'person' && f.roles?.some((r) => r === 'leader' || r === 'secretary'));
  return candidates.length === 1 ? candidates[0]!.key : undefined;
}

/** The subject field is the filer's own for everyone but the office, who may file on a person's behalf. */
function subjectLock(ctx: Ctx, form: FormTemplate): Record<string, string> | undefined {
  if (!form.subjectField || isOffice(ctx.me)) return undefined;
  return { [form.subjectField]: '只能为本人填报；需要代他人填报的，请联系办公室。' };
}

export function NewRecordPage({ ctx, route, templateId }: PageProps & { templateId: string }) {
  const form = ctx.form(templateId);
  const key = draftKey(ctx, templateId);
  const subject = route.query.get('subject') ?? undefined;
  const period = parsePeriod(route.query.get('period') ?? '');
  // The draft (with its idempotency key) survives a reload, so a resend can never make a second record.
  const [draft, setDraft] = useState<Draft>(() => {
    const saved = loadDraft(key);
    const values: Values = { ...saved?.values };
    const field = form && subject ? subjectFieldOf(form, subject, ctx) : undefined;
    if (field && !values[field]) values[field] = subject!;
    // Only the office files on someone's behalf (代填): anyone else's record names themselves.
    if (form?.subjectField && !isOffice(ctx.me)) values[form.subjectField] = ctx.me.id;
    return { values, idempotencyKey: saved?.idempotencyKey ?? crypto.randomUUID() };
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [tried, setTried] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  if (!form)
    return (
      <Page title="没有这个表单" crumbs={[{ href: '#/new', label: '填报' }]}>
        <ErrorState error={new ApiError({ status: 404, title: 'Not Found', detail: `没有编号为“${templateId}”的表单。` })} />
      </Page>
    );

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
    localStorage.setItem(key, JSON.stringify(draft));
    setSubmitting(true);
    try {
      const rec = await api<RecordState>('POST', '/api/submissions', { templateId, data: toData(form, draft.values) }, { 'Idempotency-Key': draft.idempotencyKey });
      localStorage.removeItem(key);
      location.hash = `#/records/${rec.id}?saved=1`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.problem.errors) setErrors(e.problem.errors);
      else {
        setFailure(e);
        toast('提交未完成，内容已保存在本机，可稍后再次提交', 'error');
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Page title={form.title} crumbs={[{ href: '#/', label: '首页' }, { href: '#/new', label: '填报' }]} lead={form.description}>
      {period && (
        <p class="notice">
          本次填报：{periodLabel(period)}。请填写活动的实际日期。
        </p>
      )}
      {failure !== undefined && <ErrorState error={failure} onRetry={submit} />}
      <RecordForm form={form} org={ctx.org} values={draft.values} onChange={change} errors={errors} submitting={submitting} submitLabel="提交" onSubmit={submit} locked={subjectLock(ctx, form)} />
      <p class="muted">填写内容会自动保存在本机，刷新页面或断网都不会丢失；退出登录时清除。</p>
    </Page>
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

const CHANGE_WORDS = { create: '提交', update: '修改', withdraw: '撤回', review: '审核', restore: '恢复', attach: '添加佐证材料', detach: '删除佐证材料', transition: '整改办理' } as const;
const REVIEW_WORDS = { pending: '待审核', approved: '已审核', returned: '已退回' } as const;
const personName = (ctx: Ctx, id: string) => ctx.org.people.find((p) => p.id === id)?.name ?? id;

/** The file names an attach or detach added or took away (the history's before and after of `attachments`). */
function filesChanged(h: HistoryEntry): string[] {
  return h.changes
    .filter((c) => c.field === 'attachments')
    .flatMap((c) => {
      const [before, after] = [(c.before ?? []) as string[], (c.after ?? []) as string[]];
      return h.change === 'attach' ? after.filter((n) => !before.includes(n)) : before.filter((n) => !after.includes(n));
    });
}

function History({ ctx, id, form }: { ctx: Ctx; id: string; form: FormTemplate }) {
  const r = useResource(() => api<{ items: (HistoryEntry & { byName: string })[] }>('GET', `/api/submissions/${id}/history`), [id]);
  const label = (key: string) => form.fields.find((f) => f.key === key)?.label ?? key;
  const show = (key: string, v: unknown) => {
    const f = form.fields.find((x) => x.key === key);
    return f ? display(f, v, ctx.org) : String(v ?? '—');
  };
  return (
    <Async r={r} isEmpty={(d) => d.items.length === 0} empty="没有修改历史。">
      {(d) => (
        <ol class="stack-sm plain-list">
          {d.items.map((h) => (
            <li key={h.version} class="card">
              <p>
                <strong>第 {h.version} 版 · {CHANGE_WORDS[h.change]}</strong>
                <span class="muted">
                  {' '}
                  · {h.byName} · {new Date(h.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
                </span>
              </p>
              {(h.change === 'attach' || h.change === 'detach') && (
                <ul>
                  {filesChanged(h).map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  {/* A version that set an image's preview names no file of its own. */}
                  {h.change === 'attach' && !h.changes.some((c) => c.field === 'attachments') && <li>图片预览</li>}
                </ul>
              )}
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
    </Async>
  );
}

/** A history line for paper: 2026年11月28日 12:00 孙丽 修改（摘要、参加人员）. */
function historyLine(h: HistoryEntry & { byName?: string }, ctx: Ctx, form: FormTemplate): string {
  const label = (key: string) => form.fields.find((f) => f.key === key)?.label ?? (key === 'attachments' ? '佐证材料' : key);
  const what =
    h.change === 'update' && h.changes.length ? `${CHANGE_WORDS[h.change]}（${h.changes.map((c) => label(c.field)).join('、')}）`
    : h.change === 'review' && h.review ? `${CHANGE_WORDS[h.change]}：${REVIEW_WORDS[h.review.state]}`
    : (h.change === 'attach' || h.change === 'detach') && filesChanged(h).length ? `${CHANGE_WORDS[h.change]}（${filesChanged(h).join('、')}）`
    : CHANGE_WORDS[h.change];
  return `${chineseDateTime(new Date(h.at))}　${h.byName ?? personName(ctx, h.by)}　${what}${h.reason ? `，理由：${h.reason}` : ''}`;
}

/**
 * The record on one A4 portrait sheet (DESIGN §13), shown only by the print stylesheet: the
 * ledger's title, the unit, 记录编号, every field in full, 代填 and review, who changed what
 * when, the evidence's file names and the signature block the workbooks print under a table.
 */
function PrintSheet({ ctx, record, form, filer, state }: { ctx: Ctx; record: RecordState; form: FormTemplate; filer: string; state: string }) {
  const h = useResource(() => api<{ items: (HistoryEntry & { byName?: string })[] }>('GET', `/api/submissions/${record.id}/history`), [record.id, record.version]);
  const files = record.attachments ?? [];
  return (
    <article class="print-sheet">
      <h2 class="print-title">{form.ledgerTitle}</h2>
      <p class="print-meta">
        <span>填报单位（盖章）：{ctx.org.unit.name}</span>
        <span>记录编号：{record.number ?? '—'}</span>
      </p>
      <table class="print-fields">
        <tbody>
          {form.fields.map((f) =>
            // A long text takes the page's whole width under its label, so it reads as running text.
            f.type === 'longtext' ? (
              <Fragment key={f.key}>
                <tr>
                  <th scope="col" colSpan={2} class="print-wide">
                    {f.label}
                  </th>
                </tr>
                <tr>
                  <td colSpan={2}>{display(f, record.data[f.key], ctx.org)}</td>
                </tr>
              </Fragment>
            ) : (
              <tr key={f.key}>
                <th scope="row">{f.label}</th>
                {/* Dates on paper are written 2026年11月2日, as the ledgers print them. */}
                <td>{f.type === 'date' && typeof record.data[f.key] === 'string' ? chineseDate(record.data[f.key] as string) : display(f, record.data[f.key], ctx.org)}</td>
              </tr>
            ),
          )}
          <tr>
            <th scope="row">填报</th>
            <td>{filer}（{chineseDate(record.createdAt.slice(0, 10))}）</td>
          </tr>
          <tr>
            <th scope="row">状态</th>
            <td>{state}</td>
          </tr>
          {record.review?.state === 'returned' && record.review.reason && (
            <tr>
              <th scope="row">退回理由</th>
              <td>{record.review.reason}</td>
            </tr>
          )}
          <tr>
            <th scope="row">佐证材料</th>
            <td>{files.length ? files.map((a) => a.name).join('\n') : '无'}</td>
          </tr>
        </tbody>
      </table>
      <h3 class="print-sub">修改历史</h3>
      {h.data ? (
        <ol class="print-history">
          {h.data.items.map((x) => (
            <li key={x.version}>
              第 {x.version} 版　{historyLine(x, ctx, form)}
            </li>
          ))}
        </ol>
      ) : (
        <p>{h.error ? '修改历史未能读取，请在页面上查看。' : '正在读取修改历史…'}</p>
      )}
      <p class="print-signature">
        <span>填表人：</span>
        <span>审核人：</span>
        <span>负责人：</span>
        <span>日期：　　年　　月　　日</span>
      </p>
    </article>
  );
}

/** A stale save: the version the edit started from, what the person typed, and the record now. */
interface Conflict {
  base: RecordState;
  mine: Data;
  current: RecordState;
}

type Side = 'theirs' | 'mine' | 'base';
const SIDE_WORDS: Record<Side, string> = { theirs: '对方的修改', mine: '我的修改', base: '修改前的原内容' };
type HistoryItem = HistoryEntry & { byName?: string; data?: Data };

/**
 * Resolves a 409 field by field (DESIGN §10): the base version comes from the history, fields
 * changed on one side merge, fields changed on both are shown with theirs, mine and the base for
 * the person to choose. Nothing is sent until every such field has a choice and they press save.
 */
function MergePanel({ ctx, form, conflict, onSaved, onEdit }: {
  ctx: Ctx;
  form: FormTemplate;
  conflict: Conflict;
  onSaved(next: RecordState): void;
  onEdit(merged: Data, current: RecordState): void;
}) {
  const { base, mine, current } = conflict;
  const h = useResource(() => api<{ items: HistoryItem[] }>('GET', `/api/submissions/${base.id}/history`), [base.id, current.version]);
  const [choices, setChoices] = useState<Record<string, Side>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const label = (key: string) => form.fields.find((f) => f.key === key)?.label ?? key;
  const show = (key: string, v: unknown) => {
    const f = form.fields.find((x) => x.key === key);
    return f ? display(f, v, ctx.org) : v === undefined || v === '' ? '—' : String(v);
  };
  const keys = form.fields.map((f) => f.key);
  return (
    <section class="notice conflict stack-sm" role="alert" aria-labelledby="merge-title">
      <h2 id="merge-title">保存前需要合并</h2>
      <Async r={h} loadingLabel="正在对照修改…">
        {(d) => {
          // The history may not reach the base (it always should); then the record as loaded is the base.
          const baseData = dataAtVersion(d.items, base.version) ?? base.data;
          const m: MergeResult = mergeFields(baseData, current.data, mine, keys);
          const others = d.items.filter((x) => x.version > base.version);
          const who = [...new Set(others.map((x) => (x.by === ctx.me.id ? '您本人（可能是在另一个窗口或标签页中）' : (x.byName ?? personName(ctx, x.by)))))];
          const last = others[others.length - 1];
          const save = async () => {
            const unchosen = m.conflicts.filter((c) => !choices[c.field]).map((c) => c.field);
            setMissing(unchosen);
            if (unchosen.length) {
              document.querySelector<HTMLElement>(`[name="merge-${unchosen[0]}"]`)?.focus();
              return;
            }
            setBusy(true);
            setFailure(undefined);
            try {
              onSaved(await api<RecordState>('PUT', `/api/submissions/${base.id}`, { data: resolveMerge(m, choices), version: current.version }));
            } catch (e) {
              setFailure(e);
            } finally {
              setBusy(false);
            }
          };
          return (
            <>
              <p>
                您编辑期间，这条记录已被{who.join('、') || '他人'}修改
                {last ? `（${new Date(last.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}，当前为第 ${current.version} 版）` : `（当前为第 ${current.version} 版）`}
                。您的修改尚未保存。
              </p>
              {(m.fromTheirs.length > 0 || m.fromMine.length > 0) && (
                <ul>
                  {m.fromTheirs.map((k) => (
                    <li key={`t-${k}`}>保留对方修改的「{label(k)}」：{show(k, current.data[k])}</li>
                  ))}
                  {m.fromMine.map((k) => (
                    <li key={`m-${k}`}>保留您修改的「{label(k)}」：{show(k, mine[k])}</li>
                  ))}
                </ul>
              )}
              {m.conflicts.length > 0 && <p>以下内容双方都改了，请逐项选择保留哪一个：</p>}
              {m.conflicts.map((c) => (
                <fieldset key={c.field} class="card stack-sm" aria-invalid={missing.includes(c.field) ? true : undefined} aria-describedby={missing.includes(c.field) ? `merge-${c.field}-err` : undefined}>
                  <legend>
                    <strong>{label(c.field)}</strong>
                  </legend>
                  {(['theirs', 'mine', 'base'] as Side[]).map((side, i) => (
                    <label key={side} class="check">
                      <input
                        type="radio"
                        name={i === 0 ? `merge-${c.field}` : `merge-${c.field}-${side}`}
                        checked={choices[c.field] === side}
                        onChange={() => {
                          setChoices((x) => ({ ...x, [c.field]: side }));
                          setMissing((x) => x.filter((k) => k !== c.field));
                        }}
                      />
                      <span>
                        {SIDE_WORDS[side]}：{show(c.field, c[side])}
                      </span>
                    </label>
                  ))}
                  {missing.includes(c.field) && (
                    <p class="error" id={`merge-${c.field}-err`}>
                      请选择保留哪一个
                    </p>
                  )}
                </fieldset>
              ))}
              {failure !== undefined && <ErrorState error={failure} />}
              <div class="row">
                <button type="button" class="primary" aria-busy={busy} disabled={busy} onClick={save}>
                  {busy ? '正在保存…' : '保存合并结果'}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    const unchosen = m.conflicts.filter((c) => !choices[c.field]);
                    // Unchosen fields keep the person's own text in the form, so nothing they typed is lost.
                    const picked = resolveMerge(m, { ...Object.fromEntries(unchosen.map((c) => [c.field, 'mine' as const])), ...choices });
                    onEdit(picked, current);
                  }}
                >
                  在合并结果上继续修改
                </button>
              </div>
            </>
          );
        }}
      </Async>
    </section>
  );
}

export function RecordPage({ ctx, id }: PageProps & { id: string }) {
  const r = useResource(() => api<RecordState>('GET', `/api/submissions/${id}`), [id]);
  const [mode, setMode] = useState<'view' | 'edit'>('view');
  const [tab, setTab] = useState('fields');
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [conflict, setConflict] = useState<Conflict>();
  const [failure, setFailure] = useState<unknown>();

  // Arriving from a submit: say so once, and take the marker out of the address.
  useEffect(() => {
    if (!location.hash.includes('saved=1')) return;
    toast('已提交。', 'success');
    history.replaceState(null, '', `#/records/${id}`);
  }, [id]);

  const record = r.data;
  const form = record && ctx.form(record.templateId);
  const title = form?.title ?? '记录';
  const crumbs = [
    { href: '#/', label: '首页' },
    { href: registerHref({}), label: ctx.me.roles.includes('office') || ctx.me.roles.includes('secretary') ? '记录登记簿' : '我的记录' },
  ];
  if (!record || !form)
    return (
      <Page title={title} crumbs={crumbs}>
        <Async r={r}>{() => <ErrorState error={new Error('unknown form')} />}</Async>
      </Page>
    );
  // An item of an internal form (整改事项) changes only on its own page.
  const canEdit = !form.internal && record.status === 'active' && (record.owner === ctx.me.id || ctx.me.roles.includes('office'));
  const itemsFrom = ctx.forms.some((f) => f.rectification?.form === form.id);

  const save = async () => {
    const local = validate(form, ctx.org, values);
    setErrors(local);
    if (local.length) return;
    if (
      record.review?.state === 'approved' &&
      !(await confirm({ title: '保存后需重新审核', message: '这条记录已审核。保存修改后它将回到“待审核”，计入情况以重新审核为准。确定保存吗？', confirmLabel: '保存修改' }))
    )
      return;
    setSubmitting(true);
    setFailure(undefined);
    try {
      const next = await api<RecordState>('PUT', `/api/submissions/${id}`, { data: toData(form, values), version: record.version });
      r.set(next);
      setMode('view');
      setConflict(undefined);
      toast('修改已保存。', 'success');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.current) setConflict({ base: record, mine: toData(form, values), current: e.problem.current as RecordState });
      else if (e instanceof ApiError && e.status === 400 && e.problem.errors) setErrors(e.problem.errors);
      else setFailure(e);
    } finally {
      setSubmitting(false);
    }
  };

  const withdraw = async () => {
    const ok = await confirm({
      title: '撤回这条记录？',
      message: '撤回后不再计入台账和落实情况，但修改历史会保留。',
      confirmLabel: '撤回',
      danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/api/submissions/${id}?version=${record.version}`);
      r.set({ ...record, status: 'withdrawn', version: record.version + 1 });
      toast('已撤回。', 'success');
    } catch (e) {
      setFailure(e);
    }
  };

  const state =
    record.status === 'withdrawn' ? '已撤回' : `${record.review ? `${REVIEW_WORDS[record.review.state]} · ` : ''}第 ${record.version} 版`;
  const filer = record.subject && record.subject !== record.createdBy ? `${personName(ctx, record.createdBy)}代${personName(ctx, record.subject)}填报` : `${personName(ctx, record.createdBy)}填报`;

  return (
    <Page
      title={title}
      crumbs={crumbs}
      lead={
        <>
          {record.number ? `${record.number} · ` : ''}
          {record.date} · <span>{state}</span> · {filer}
        </>
      }
      actions={
        mode === 'view' && (
          <>
            <button type="button" onClick={() => window.print()}>
              打印
            </button>
            {canEdit && (
              <button
                type="button"
                class="primary"
                onClick={() => {
                  setValues(toValues(form, record.data));
                  setErrors([]);
                  setMode('edit');
                  setTab('fields');
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
          </>
        )
      }
    >
      <PrintSheet ctx={ctx} record={record} form={form} filer={filer} state={state} />
      {record.review?.state === 'returned' && record.review.reason && <p class="notice">退回理由：{record.review.reason}</p>}
      {itemsFrom && (
        <p class="notice">
          问题清单中的每个问题都是一条整改事项：<a href={`#/rectifications?inspection=${record.id}`}>查看本次检查的整改事项</a>
        </p>
      )}
      {form.internal && (
        <p class="notice">
          这是一条整改事项，请在<a href={`#/rectifications/${record.id}`}>问题整改页面</a>办理。
        </p>
      )}
      {failure !== undefined && <ErrorState error={failure} />}
      {conflict && (
        <MergePanel
          ctx={ctx}
          form={form}
          conflict={conflict}
          onSaved={(next) => {
            r.set(next);
            setConflict(undefined);
            setMode('view');
            toast('合并后的内容已保存。', 'success');
          }}
          onEdit={(merged, current) => {
            // Keep editing on top of the merged content; the next save is against the current version.
            r.set(current);
            setValues(toValues(form, merged));
            setConflict(undefined);
          }}
        />
      )}
      {conflict ? null : mode === 'edit' ? (
        <>
          {record.review?.state === 'approved' && <p class="notice">这条记录已审核。保存修改后将回到“待审核”，需重新审核。</p>}
          {record.review?.state === 'returned' && <p class="notice">保存修改后将重新提交审核。</p>}
          <RecordForm form={form} org={ctx.org} values={values} onChange={setValues} errors={errors} submitting={submitting} submitLabel={record.review?.state === 'returned' ? '保存并重新提交' : '保存修改'} onSubmit={save} onCancel={() => setMode('view')} locked={subjectLock(ctx, form)} />
        </>
      ) : (
        <Tabs
          label="记录"
          tabs={[
            { id: 'fields', label: '内容' },
            { id: 'history', label: '修改历史' },
          ]}
          selected={tab}
          onSelect={setTab}
        >
          {tab === 'history' ? (
            <History ctx={ctx} id={id} form={form} />
          ) : (
            <div class="stack">
              <Fields ctx={ctx} record={record} />
              <Evidence record={record} canEdit={canEdit} onChange={r.set} />
            </div>
          )}
        </Tabs>
      )}
    </Page>
  );
}
