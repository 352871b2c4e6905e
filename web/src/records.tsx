/**
 * The register (记录登记簿; 我的记录 for those who see only their own): records filtered by the
 * address `#/records?form=&period=&person=&division=&review=&withdrawn=1&q=` (links.ts).
 * The API filters by form and period today; person, division and review are applied here to
 * the records loaded, until the register API (records work) takes them.
 */
import { useState } from 'preact/hooks';
import type { RecordState } from '../../functions/core/records/record.js';
import { parsePeriod, periodLabel } from '../../functions/core/periods.js';
import { api } from './api.js';
import { isOversight, type Ctx, type PageProps } from './app.js';
import { registerHref } from './links.js';
import { Async, DataTable, Page, useResource, type Column } from './ui/index.js';

type Scope = 'mine' | 'division' | 'unit';
const REVIEW_WORDS: Record<string, string> = { pending: '待审核', approved: '已审核', returned: '已退回' };
const SCOPE_WORDS: Record<Scope, string> = { mine: '我提交的', division: '本科室', unit: '全单位' };

const person = (ctx: Ctx, id: string | undefined) => (id ? (ctx.org.people.find((p) => p.id === id)?.name ?? id) : '—');

/** Whether a record names the id anywhere: its subject, its division or one of its fields. */
const names = (r: RecordState, id: string) =>
  r.subject === id || r.division === id || Object.values(r.data).some((v) => v === id || (Array.isArray(v) && v.includes(id)));

export function RegisterPage({ ctx, route }: PageProps) {
  const q = route.query;
  const filter = {
    form: q.get('form') ?? undefined,
    period: q.get('period') ?? undefined,
    person: q.get('person') ?? undefined,
    division: q.get('division') ?? undefined,
    review: (q.get('review') ?? undefined) as 'pending' | 'approved' | 'returned' | undefined,
    withdrawn: q.get('withdrawn') === '1',
    q: q.get('q') ?? undefined,
  };
  const oversight = isOversight(ctx.me);
  const [scope, setScope] = useState<Scope>(oversight ? 'unit' : 'mine');
  const [items, setItems] = useState<RecordState[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [more, setMore] = useState(false);
  const narrowed = !!(filter.person || filter.division || filter.review);
  const period = filter.period && parsePeriod(filter.period) ? filter.period : undefined;

  const page = async (from?: string) => {
    const p = new URLSearchParams({ scope, limit: narrowed ? '100' : '20' });
    if (filter.form) p.set('templateId', filter.form);
    if (period) p.set('period', period);
    if (from) p.set('cursor', from);
    return api<{ items: RecordState[]; nextCursor?: string }>('GET', `/api/submissions?${p}`);
  };
  const r = useResource(async () => {
    const first = await page();
    setItems(first.items);
    setCursor(first.nextCursor);
    return true;
  }, [scope, filter.form, period]);

  const loadMore = async () => {
    setMore(true);
    try {
      const next = await page(cursor);
      setItems((xs) => [...xs, ...next.items]);
      setCursor(next.nextCursor);
    } catch {
      // the button stays; the person can try again
    } finally {
      setMore(false);
    }
  };

  const rows = items.filter(
    (x) =>
      (!filter.person || names(x, filter.person)) &&
      (!filter.division || names(x, filter.division)) &&
      (!filter.review || x.review?.state === filter.review) &&
      (filter.withdrawn || x.status === 'active'),
  );

  const chips: { label: string; without: Partial<typeof filter> }[] = [];
  if (filter.form) chips.push({ label: `表单：${ctx.form(filter.form)?.title ?? filter.form}`, without: { form: undefined } });
  if (filter.period) chips.push({ label: `期间：${period ? periodLabel(parsePeriod(period)!) : `${filter.period}（无效）`}`, without: { period: undefined } });
  if (filter.person) chips.push({ label: `人员：${person(ctx, filter.person)}`, without: { person: undefined } });
  if (filter.division) chips.push({ label: `科室：${ctx.org.divisions.find((d) => d.id === filter.division)?.name ?? filter.division}`, without: { division: undefined } });
  if (filter.review) chips.push({ label: `审核：${REVIEW_WORDS[filter.review] ?? filter.review}`, without: { review: undefined } });
  if (filter.withdrawn) chips.push({ label: '含已撤回', without: { withdrawn: false } });

  const columns: Column<RecordState>[] = [
    {
      key: 'form',
      label: '表单',
      title: true,
      text: (x) => ctx.form(x.templateId)?.title ?? x.templateId,
      render: (x) => <a href={`#/records/${x.id}`}>{ctx.form(x.templateId)?.title ?? x.templateId}</a>,
    },
    { key: 'number', label: '编号', text: (x) => x.number ?? '—' },
    { key: 'date', label: '日期', text: (x) => x.date },
    { key: 'period', label: '期间', text: (x) => (parsePeriod(x.period) ? periodLabel(parsePeriod(x.period)!) : x.period), sort: (x) => x.period },
    { key: 'owner', label: '填报人', text: (x) => person(ctx, x.createdBy) },
    {
      key: 'state',
      label: '状态',
      text: (x) => (x.status === 'withdrawn' ? '已撤回' : `${x.review ? `${REVIEW_WORDS[x.review.state]} · ` : ''}第 ${x.version} 版`),
    },
  ];

  const title = oversight ? '记录登记簿' : '我的记录';
  return (
    <Page title={title} crumbs={[{ href: '#/', label: '首页' }]}>
      <div class="row">
        <label class="control inline">
          <span class="label">表单</span>
          <select
            value={filter.form ?? ''}
            onChange={(e) => (location.hash = registerHref({ ...filter, form: e.currentTarget.value || undefined }))}
          >
            <option value="">全部表单</option>
            {ctx.forms.map((f) => (
              <option key={f.id} value={f.id}>
                {f.title}
              </option>
            ))}
          </select>
        </label>
        <label class="control inline">
          <span class="label">范围</span>
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
            {(['mine', ...(ctx.me.division ? ['division'] : []), ...(oversight ? ['unit'] : [])] as Scope[]).map((s) => (
              <option key={s} value={s}>
                {SCOPE_WORDS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
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
          <DataTable
            caption={title}
            hideCaption
            columns={columns}
            rows={rows}
            rowKey={(x) => x.id}
            filter
            key={filter.q ?? ''}
            initialQuery={filter.q}
            empty={narrowed || filter.form || filter.period ? '没有符合条件的记录。' : '还没有记录。'}
            more={cursor ? { onMore: loadMore, loading: more } : undefined}
          />
        )}
      </Async>
    </Page>
  );
}
