/** 我的待办 (what the person owes now) and 填报 (every form to start a record from). */
import type { ComplianceRow } from '../../functions/core/compliance/compliance.js';
import { api } from './api.js';
import type { PageProps } from './app.js';
import type { RecordState } from '../../functions/core/records/record.js';
import { newRecordHref, registerHref, subjectFilter } from './links.js';
import { Async, Page, StatusBadge, useResource } from './ui/index.js';

export type Owed = ComplianceRow & { daysLeft: number };

/** One obligation the person owes, as a card with its status, deadline and where to file it. */
export function OwedCard({ row, formTitle }: { row: Owed; formTitle?: string }) {
  return (
    <li class="card stack-sm">
      <div class="card-head">
        <h3>{row.title}</h3>
        <StatusBadge status={row.status} />
      </div>
      <p class="muted">
        {row.periodLabel}
        {row.subject.kind !== 'unit' ? ` · ${row.subject.name}` : ''} · 应 {row.required} 次，已 {row.done} 次
        <br />
        截止 {row.due}
        {row.daysLeft >= 0 ? `，还剩 ${row.daysLeft} 天` : `，已过 ${-row.daysLeft} 天`}
      </p>
      {row.done > 0 && (
        <p>
          <a href={registerHref({ form: row.form, period: row.period, ...subjectFilter(row.subject) })}>
            查看已填的 {row.done} 条记录
          </a>
        </p>
      )}
      {row.status !== 'met' && (
        <p>
          <a class="btn primary" href={newRecordHref(row.form, { subject: row.subject.kind === 'unit' ? undefined : row.subject.id, period: row.period })}>
            去填报：{formTitle ?? row.form}
          </a>
        </p>
      )}
    </li>
  );
}

export function MyObligations({ ctx }: Pick<PageProps, 'ctx'>) {
  const r = useResource(() => api<{ asOf: string; items: Owed[] }>('GET', '/api/me/obligations'), []);
  return (
    <Async r={r} isEmpty={(d) => d.items.length === 0} empty="当前期间没有需要您填报的事项。">
      {(d) => (
        <ul class="grid-cards plain-list">
          {d.items.map((row) => (
            <OwedCard key={`${row.obligationId}-${row.period}-${row.subject.id}`} row={row} formTitle={ctx.form(row.form)?.title} />
          ))}
        </ul>
      )}
    </Async>
  );
}

/** Records of the person's that a reviewer returned, each with its reason and a way to fix it. */
function Returned({ ctx }: Pick<PageProps, 'ctx'>) {
  const r = useResource(() => api<{ items: RecordState[] }>('GET', '/api/submissions?scope=mine&review=returned&limit=20'), []);
  if (!r.data?.items.length) return null;
  return (
    <section class="stack-sm" aria-labelledby="returned-h">
      <h2 id="returned-h">被退回的记录</h2>
      <ul class="stack-sm plain-list">
        {r.data.items.map((x) => (
          <li key={x.id} class="notice">
            <p>
              <a href={`#/records/${x.id}`}>
                {x.number ?? ctx.form(x.templateId)?.title ?? x.id} · {ctx.form(x.templateId)?.title ?? x.templateId}
              </a>
            </p>
            <p>退回理由：{x.review?.reason ?? '—'}</p>
            <p class="muted">请打开记录修改后重新提交。</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function HomePage({ ctx }: PageProps) {
  return (
    <Page title="我的待办" lead={`${ctx.me.name}${ctx.me.title ? `（${ctx.me.title}）` : ''}，以下是您在当前期间需要完成的事项。`}>
      <Returned ctx={ctx} />
      <MyObligations ctx={ctx} />
      <p>
        <a href="#/new">查看全部表单</a>
      </p>
    </Page>
  );
}

export function FormsPage({ ctx }: PageProps) {
  return (
    <Page title="填报" crumbs={[{ href: '#/', label: '首页' }]} lead="选择要填写的表单。填写内容会自动保存在本机。">
      <ul class="grid-cards plain-list">
        {ctx.forms.filter((f) => !f.internal).map((f) => (
          <li key={f.id} class="card stack-sm">
            <h2 class="card-title-text">
              <a href={newRecordHref(f.id)}>{f.title}</a>
            </h2>
            {f.description && <p class="muted">{f.description}</p>}
          </li>
        ))}
      </ul>
    </Page>
  );
}
