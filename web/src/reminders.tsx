/**
 * 催报提醒 (the office): who still owes what in the current periods and how many days are left
 * (GET /api/reminders), sent to one person, for one obligation or to everyone
 * (POST /api/reminders/send {person? | obligation? | all: true}), and the log of what was sent,
 * when, by whom and how (GET /api/reminders/log?period=).
 */
import { useState } from 'preact/hooks';
import type { Reminder } from '../../functions/core/compliance/notify.js';
import { formatPeriod, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import { api, ApiError } from './api.js';
import { isOffice, type Ctx, type PageProps } from './app.js';
import { newRecordHref } from './links.js';
import { Async, confirm, DataTable, ErrorState, Page, toast, useResource } from './ui/index.js';

export interface ReminderLogEntry {
  at: string;
  by: string;
  byName?: string;
  person: string;
  personName?: string;
  obligation: string;
  /** The obligation's title. */
  title?: string;
  period: string;
  channel: string;
  trigger: 'manual' | 'scheduled';
}

type Target = { person: string } | { obligation: string } | { all: true };

const personName = (ctx: Ctx, id: string) => ctx.org.people.find((p) => p.id === id)?.name ?? id;
const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' });

function Log({ ctx, period, version }: { ctx: Ctx; period: string; version: number }) {
  const r = useResource(() => api<{ items: ReminderLogEntry[] }>('GET', `/api/reminders/log?period=${period}`), [period, version]);
  return (
    <Async r={r} isEmpty={(d) => d.items.length === 0} empty="本年还没有发送过提醒。" loadingLabel="正在读取发送记录…">
      {(d) => (
        <DataTable
          caption="发送记录"
          hideCaption
          rows={d.items}
          rowKey={(x) => `${x.at}-${x.person}-${x.obligation}-${x.period}`}
          initialSort={{ key: 'at', dir: 'desc' }}
          columns={[
            { key: 'at', label: '发送时间', title: true, text: (x) => when(x.at), sort: (x) => x.at },
            { key: 'person', label: '提醒对象', text: (x) => x.personName ?? personName(ctx, x.person) },
            { key: 'what', label: '事项', text: (x) => `${x.obligation}${x.title ? ` ${x.title}` : ''} · ${x.period}` },
            { key: 'how', label: '方式', text: (x) => `${x.channel} · ${x.trigger === 'scheduled' ? '定时自动' : `${x.byName ?? personName(ctx, x.by)} 手动`}` },
          ]}
        />
      )}
    </Async>
  );
}

export function RemindersPage({ ctx }: PageProps) {
  const r = useResource(() => api<{ items: Reminder[] }>('GET', '/api/reminders'), []);
  const [busy, setBusy] = useState<string>();
  const [sentCount, setSentCount] = useState(0);
  const year = formatPeriod(periodOf(shanghaiDate(new Date()), 'year'));
  if (!isOffice(ctx.me))
    return (
      <Page title="催报提醒" crumbs={[{ href: '#/', label: '首页' }]}>
        <ErrorState error={new ApiError({ status: 403, title: 'Forbidden', detail: '催报提醒只对办公室开放。' })} />
      </Page>
    );

  const send = async (key: string, target: Target, what: string, n: number) => {
    if (!(await confirm({ title: '发送提醒？', message: `将${what}发送 ${n} 条提醒。`, confirmLabel: '发送' }))) return;
    setBusy(key);
    try {
      const res = await api<{ channel?: string; sent: number }>('POST', '/api/reminders/send', target);
      toast(`已发送 ${res.sent} 条提醒${res.channel ? `（${res.channel}）` : ''}。`, 'success');
      setSentCount((x) => x + 1);
    } catch (e) {
      toast(e instanceof ApiError ? e.problem.detail : '发送失败，请重试', 'error');
    } finally {
      setBusy(undefined);
    }
  };

  const items = r.data?.items ?? [];
  const obligations = [...new Map(items.map((x) => [x.obligationId, x.title])).entries()];
  return (
    <Page
      title="催报提醒"
      crumbs={[{ href: '#/', label: '首页' }]}
      lead="当前期间尚未完成、仍在期限内的事项，按剩余天数排列。可提醒某一位责任人、某一项要求的全部责任人，或全部。"
      actions={
        <button
          type="button"
          class="primary"
          aria-busy={busy === 'all'}
          disabled={!!busy || items.length === 0}
          onClick={() => send('all', { all: true }, '向全部责任人', items.length)}
        >
          {busy === 'all' ? '正在发送…' : '提醒全部'}
        </button>
      }
    >
      <Async r={r} isEmpty={(d) => d.items.length === 0} empty="没有需要提醒的事项。">
        {(d) => (
          <>
            {obligations.length > 1 && (
              <section aria-labelledby="by-ob-h" class="stack-sm">
                <h2 id="by-ob-h">按要求提醒</h2>
                <ul class="row plain-list">
                  {obligations.map(([id, title]) => {
                    const n = d.items.filter((x) => x.obligationId === id).length;
                    return (
                      <li key={id}>
                        <button type="button" class="small" disabled={!!busy} aria-busy={busy === `ob-${id}`} onClick={() => send(`ob-${id}`, { obligation: id }, `就「${title}」向其责任人`, n)}>
                          {id} {title}（{n}）
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </section>
            )}
            <section aria-labelledby="owed-h" class="stack-sm">
              <h2 id="owed-h">提醒名单</h2>
              <DataTable
                caption="提醒名单"
                hideCaption
                rows={d.items}
                rowKey={(x) => `${x.to.id}-${x.obligationId}-${x.period}-${x.subject}`}
                filter
                initialSort={{ key: 'days', dir: 'asc' }}
                columns={[
                  { key: 'to', label: '提醒对象', title: true, text: (x) => x.to.name },
                  { key: 'what', label: '事项', wide: true, text: (x) => `${x.periodLabel}「${x.title}」（${x.subject}）` },
                  { key: 'missing', label: '还差', num: true, text: (x) => `${x.missing} 次`, sort: (x) => x.missing },
                  { key: 'days', label: '剩余', num: true, text: (x) => `${x.daysLeft} 天（截止 ${x.due}）`, sort: (x) => x.daysLeft },
                  {
                    key: 'go',
                    label: '操作',
                    render: (x) => (
                      <span class="row">
                        <button
                          type="button"
                          class="small"
                          disabled={!!busy}
                          aria-busy={busy === `p-${x.to.id}`}
                          onClick={() => send(`p-${x.to.id}`, { person: x.to.id }, `向${x.to.name}`, d.items.filter((y) => y.to.id === x.to.id).length)}
                        >
                          提醒<span class="sr-only">{x.to.name}</span>
                        </button>
                        <a href={newRecordHref(x.form, { period: x.period })}>
                          去填报<span class="sr-only">：{x.title}</span>
                        </a>
                      </span>
                    ),
                  },
                ]}
              />
            </section>
          </>
        )}
      </Async>
      <section aria-labelledby="log-h" class="stack-sm">
        <h2 id="log-h">发送记录</h2>
        <Log ctx={ctx} period={year} version={sentCount} />
      </section>
    </Page>
  );
}
