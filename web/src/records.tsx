/**
 * The register (记录登记簿; 我的记录 for those who see only their own): records filtered by the
 * address `#/records?form=&period=&person=&division=&review=&withdrawn=1&q=` (links.ts), every
 * filter applied by the API (GET /api/submissions), paged by its cursor. The office and the
 * secretary see the unit, a division head their division, everyone else their own records. The
 * office can restore a withdrawn record from here, with a reason. 导出 Excel downloads the list
 * under exactly these filters (POST /api/submissions/export).
 */
import { useEffect, useState } from 'preact/hooks';
import type { RecordState } from '../../functions/core/records/record.js';
import { parsePeriod, periodLabel } from '../../functions/core/periods.js';
import type { FormTemplate } from '../../functions/core/templates/templates.js';
import { api, ApiError, downloadPost } from './api.js';
import { isOffice, isOversight, type Ctx, type Me, type PageProps } from './app.js';
import { registerHref } from './links.js';
import { ReasonDialog } from './reason.js';
import { Async, DataTable, DESK, ErrorState, PeriodPicker, Page, toast, useMedia, useResource, type Column } from './ui/index.js';

type Scope = 'mine' | 'division' | 'unit';
type Review = 'pending' | 'approved' | 'returned';
export const REVIEW_WORDS: Record<Review, string> = { pending: '待审核', approved: '已审核', returned: '已退回' };

export interface Filter {
  form?: string;
  period?: string;
  person?: string;
  division?: string;
  review?: Review;
  withdrawn?: boolean;
  q?: string;
}

const isDivisionHead = (me: Me) => me.roles.includes('division-head') && !!me.division;
/** What the person may see: the unit (office, secretary), their division (a division head), their own. */
export const scopeOf = (me: Me): Scope => (isOversight(me) ? 'unit' : isDivisionHead(me) ? 'division' : 'mine');

const personName = (ctx: Ctx, id: string | undefined) => (id ? (ctx.org.people.find((p) => p.id === id)?.name ?? id) : '—');

/** The field that tells one record of a form from another: its title or topic, else its first long text. */
function topicField(form: FormTemplate | undefined): string | undefined {
  if (!form) return undefined;
  const texts = form.fields.filter((f) => f.type === 'text' || f.type === 'longtext');
  return (
    texts.find((f) => f.type === 'text' && /题目|主题|名称|标题/.test(f.label))?.key ??
    texts.find((f) => f.type === 'longtext')?.key
  );
}

export function recordTopic(ctx: Ctx, r: RecordState): string {
  const key = topicField(ctx.form(r.templateId));
  const v = key ? r.data[key] : undefined;
  if (typeof v !== 'string' || !v) return '—';
  return v.length > 40 ? `${v.slice(0, 40)}…` : v;
}

/** Whom the record is about (its subject, named as filed), else its filer; 代填 when the office filed it. */
export function recordSubject(ctx: Ctx, r: RecordState): string {
  const who = r.subject ? (r.subjectName ?? personName(ctx, r.subject)) : (r.createdByName ?? personName(ctx, r.createdBy));
  return r.proxy ? `${who}（代填：${r.createdByName ?? personName(ctx, r.createdBy)}）` : who;
}

export function recordState(r: RecordState): string {
  if (r.status === 'withdrawn') return '已撤回';
  return `${r.review ? `${REVIEW_WORDS[r.review.state]} · ` : ''}第 ${r.version} 版`;
}

function readFilter(q: URLSearchParams): Filter {
  const review = q.get('review');
  return {
    form: q.get('form') ?? undefined,
    period: q.get('period') ?? undefined,
    person: q.get('person') ?? undefined,
    division: q.get('division') ?? undefined,
    review: review === 'pending' || review === 'approved' || review === 'returned' ? review : undefined,
    withdrawn: q.get('withdrawn') === '1',
    q: q.get('q')?.trim() || undefined,
  };
}

function FilterForm({ ctx, filter, scope }: { ctx: Ctx; filter: Filter; scope: Scope }) {
  const [draft, setDraft] = useState<Filter>(filter);
  useEffect(() => setDraft(filter), [JSON.stringify(filter)]);
  const go = (f: Filter) => (location.hash = registerHref(f));
  const desk = useMedia(DESK);
  const active = Object.values(filter).filter(Boolean).length;
  const people = scope === 'unit' ? ctx.org.people : scope === 'division' ? ctx.org.people.filter((p) => p.division === ctx.me.division?.id) : [];
  return (
    // On a phone the form folds away once filters are set (the chips say which), so the records come first.
    <details class="card disclosure" open={desk || active === 0} key={`${desk}-${active === 0}`}>
      <summary>筛选条件{active ? `（${active} 项）` : ''}</summary>
    <form
      class="stack-sm register-filter"
      role="search"
      aria-label="筛选记录"
      onSubmit={(e) => {
        e.preventDefault();
        go(draft);
      }}
    >
      <div class="row">
        <label class="control inline">
          <span class="label">表单</span>
          <select value={draft.form ?? ''} onChange={(e) => setDraft({ ...draft, form: e.currentTarget.value || undefined })}>
            <option value="">全部表单</option>
            {ctx.forms.filter((f) => !f.internal).map((f) => (
              <option key={f.id} value={f.id}>
                {f.title}
              </option>
            ))}
          </select>
        </label>
        {people.length > 0 && (
          <label class="control inline">
            <span class="label">人员</span>
            <select value={draft.person ?? ''} onChange={(e) => setDraft({ ...draft, person: e.currentTarget.value || undefined })}>
              <option value="">全部人员</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {scope === 'unit' && (
          <label class="control inline">
            <span class="label">科室</span>
            <select value={draft.division ?? ''} onChange={(e) => setDraft({ ...draft, division: e.currentTarget.value || undefined })}>
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
          <span class="label">审核</span>
          <select value={draft.review ?? ''} onChange={(e) => setDraft({ ...draft, review: (e.currentTarget.value || undefined) as Review | undefined })}>
            <option value="">全部</option>
            {(Object.keys(REVIEW_WORDS) as Review[]).map((k) => (
              <option key={k} value={k}>
                {REVIEW_WORDS[k]}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={!!draft.withdrawn} onChange={(e) => setDraft({ ...draft, withdrawn: e.currentTarget.checked })} />
          只看已撤回
        </label>
      </div>
      <div class="row">
        <label class="control inline">
          <span class="label">关键词</span>
          <input type="search" value={draft.q ?? ''} maxLength={50} placeholder="编号、姓名或内容" onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value || undefined })} />
        </label>
        <button type="submit" class="primary">
          查询
        </button>
        {Object.values(filter).some(Boolean) && (
          <a class="btn" href={registerHref({})}>
            清除条件
          </a>
        )}
      </div>
      <div class="row">
        {draft.period ? (
          <>
            <PeriodPicker value={draft.period} onChange={(p) => go({ ...draft, period: p })} />
            <button type="button" class="small" onClick={() => go({ ...draft, period: undefined })}>
              不限期间
            </button>
          </>
        ) : (
          <button type="button" class="small" onClick={() => setDraft({ ...draft, period: String(new Date().getFullYear()) })}>
            按期间筛选
          </button>
        )}
      </div>
    </form>
    </details>
  );
}

export function RegisterPage({ ctx, route }: PageProps) {
  const filter = readFilter(route.query);
  const scope = scopeOf(ctx.me);
  const office = isOffice(ctx.me);
  type Answer = { items: RecordState[]; nextCursor?: string; searchedTo?: string };
  // Pages loaded after the first, for the address they were loaded for (a new address starts again).
  const qs = route.query.toString();
  const [later, setLater] = useState<{ qs: string; pages: Answer[] }>({ qs, pages: [] });
  const [more, setMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>();
  const [restoring, setRestoring] = useState<RecordState>();
  const period = filter.period && parsePeriod(filter.period) ? filter.period : undefined;

  // The filters as the API takes them: the list's query, and the export's body.
  const filters = (): Record<string, string> => {
    const p: Record<string, string> = { scope };
    if (filter.form) p.templateId = filter.form;
    if (period) p.period = period;
    if (filter.person) p.person = filter.person;
    if (filter.division && scope === 'unit') p.division = filter.division;
    if (filter.review) p.review = filter.review;
    if (filter.withdrawn) p.withdrawn = '1';
    if (filter.q) p.q = filter.q;
    return p;
  };
  const page = async (from?: string) => {
    const p = new URLSearchParams({ ...filters(), limit: '20' });
    if (from) p.set('cursor', from);
    return api<Answer>('GET', `/api/submissions?${p}`);
  };
  const [exporting, setExporting] = useState(false);
  const exportList = async () => {
    setExporting(true);
    try {
      await downloadPost('/api/submissions/export', filters(), '记录导出.xlsx');
      toast('已导出当前筛选的记录。', 'success');
    } catch (e) {
      toast(e instanceof ApiError ? e.message : '导出未完成，请重试', 'error');
    } finally {
      setExporting(false);
    }
  };
  const r = useResource(() => page(), [qs]);
  const pages = r.data ? [r.data, ...(later.qs === qs ? later.pages : [])] : [];
  const items = pages.flatMap((x) => x.items);
  const last = pages[pages.length - 1];
  const cursor = last?.nextCursor;
  const searchedTo = last?.searchedTo;

  const loadMore = async () => {
    setMore(true);
    setMoreError(undefined);
    try {
      const next = await page(cursor);
      setLater((l) => ({ qs, pages: [...(l.qs === qs ? l.pages : []), next] }));
    } catch (e) {
      setMoreError(e);
    } finally {
      setMore(false);
    }
  };

  const chips: { label: string; without: Partial<Filter> }[] = [];
  if (filter.form) chips.push({ label: `表单：${ctx.form(filter.form)?.title ?? filter.form}`, without: { form: undefined } });
  if (filter.period) chips.push({ label: `期间：${period ? periodLabel(parsePeriod(period)!) : `${filter.period}（无效）`}`, without: { period: undefined } });
  if (filter.person) chips.push({ label: `人员：${personName(ctx, filter.person)}`, without: { person: undefined } });
  if (filter.division) chips.push({ label: `科室：${ctx.org.divisions.find((d) => d.id === filter.division)?.name ?? filter.division}`, without: { division: undefined } });
  if (filter.review) chips.push({ label: `审核：${REVIEW_WORDS[filter.review]}`, without: { review: undefined } });
  if (filter.withdrawn) chips.push({ label: '只看已撤回', without: { withdrawn: false } });
  if (filter.q) chips.push({ label: `关键词：${filter.q}`, without: { q: undefined } });

  const columns: Column<RecordState>[] = [
    {
      key: 'number',
      label: '编号',
      title: true,
      text: (x) => x.number ?? ctx.form(x.templateId)?.title ?? x.id,
      render: (x) => <a href={`#/records/${x.id}`}>{x.number ?? ctx.form(x.templateId)?.title ?? x.id}</a>,
    },
    { key: 'date', label: '日期', text: (x) => x.date },
    { key: 'form', label: '表单', text: (x) => ctx.form(x.templateId)?.title ?? x.templateId },
    {
      key: 'subject',
      label: '对象',
      text: (x) => recordSubject(ctx, x),
      render: (x) => (
        <>
          {x.subject ? (x.subjectName ?? personName(ctx, x.subject)) : (x.createdByName ?? personName(ctx, x.createdBy))}
          {x.proxy && (
            <>
              {' '}
              <span class="badge proxy" title={`由${x.createdByName ?? personName(ctx, x.createdBy)}代填`}>
                代填
              </span>
            </>
          )}
        </>
      ),
    },
    { key: 'topic', label: '题目 / 主题', wide: true, text: (x) => recordTopic(ctx, x) },
    {
      key: 'state',
      label: '状态',
      text: (x) => recordState(x),
      render: (x) => (
        <>
          {recordState(x)}
          {office && x.status === 'withdrawn' && (
            <>
              {' '}
              <button type="button" class="small" onClick={() => setRestoring(x)}>
                恢复<span class="sr-only">{x.number ?? ''}</span>
              </button>
            </>
          )}
        </>
      ),
    },
  ];

  const title = scope === 'mine' ? '我的记录' : '记录登记簿';
  const lead = scope === 'unit' ? '全单位的记录' : scope === 'division' ? `${ctx.me.division?.name ?? '本科室'}的记录` : '您填报的和关于您的记录';
  const narrowed = chips.length > 0;
  return (
    <Page
      title={title}
      crumbs={[{ href: '#/', label: '首页' }]}
      lead={lead}
      actions={
        <button type="button" aria-busy={exporting} disabled={exporting} onClick={exportList}>
          {exporting ? '正在导出…' : '导出 Excel'}
        </button>
      }
    >
      <FilterForm ctx={ctx} filter={filter} scope={scope} />
      {chips.length > 0 && (
        <ul class="row plain-list" aria-label="当前筛选条件">
          {chips.map((c) => (
            <li key={c.label}>
              <a class="chip" href={registerHref({ ...filter, ...c.without })} aria-label={`${c.label}，点击取消此条件`}>
                {c.label} <span aria-hidden="true">×</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <Async r={r} loadingLabel="正在读取记录…">
        {() => (
          <>
            <DataTable
              caption={title}
              hideCaption
              columns={columns}
              rows={items}
              rowKey={(x) => x.id}
              empty={narrowed ? (cursor ? '这一段没有符合条件的记录，可继续向前查找。' : '没有符合条件的记录。') : '还没有记录。'}
              more={cursor ? { onMore: loadMore, loading: more } : undefined}
            />
            {searchedTo && cursor && <p class="muted">已查找到 {searchedTo}，更早的记录请点“加载更多”继续查找。</p>}
            {moreError !== undefined && <ErrorState error={moreError} onRetry={loadMore} />}
          </>
        )}
      </Async>
      <ReasonDialog
        open={!!restoring}
        title={`恢复${restoring?.number ?? '这条记录'}？`}
        message="恢复后这条记录重新计入台账和落实情况；恢复及理由记入修改历史。"
        label="恢复理由"
        confirmLabel="恢复"
        onClose={() => setRestoring(undefined)}
        onConfirm={async (reason) => {
          const x = restoring!;
          try {
            await api<RecordState>('POST', `/api/submissions/${x.id}/restore`, { reason, version: x.version });
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) r.reload();
            throw e;
          }
          toast(`已恢复${x.number ?? '记录'}。`, 'success');
          setLater({ qs, pages: [] });
          r.reload();
        }}
      />
    </Page>
  );
}
