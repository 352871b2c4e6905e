/** The web app: sign-in, my obligations, forms, my records, and the office's pages. */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ComplianceRow } from '../../functions/core/compliance/compliance.js';
import type { RecordState } from '../../functions/core/records/record.js';
import { ROLE_LABELS, type FormTemplate, type Organisation, type Role } from '../../functions/core/templates/templates.js';
import { api, ApiError, configureApi } from './api.js';
import { currentToken, finishOidc, loadConfig, localSignIn, localUsers, signOut, startOidc, type DemoUser, type WebConfig } from './auth.js';
import { OfficePage } from './office.js';
import { NewRecordPage, RecordPage, RecordsPage } from './records.js';
import { StatusBadge } from './status.js';

export interface Me {
  id: string;
  name: string;
  title: string;
  roles: string[];
  unit: { id: string; name: string };
  division: { id: string; name: string } | null;
}

export interface Ctx {
  me: Me;
  org: Organisation;
  forms: FormTemplate[];
  form(id: string): FormTemplate | undefined;
}

export const isOversight = (me: Me) => me.roles.includes('office') || me.roles.includes('secretary');

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => {
      setHash(location.hash || '#/');
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  if (e?.status === 403)
    return (
      <div class="refusal" role="alert">
        <h2>没有权限</h2>
        <p>{e.problem.detail}</p>
        <p>
          <a href="#/">返回首页</a>
        </p>
      </div>
    );
  return (
    <div class="error-box" role="alert">
      <p>{e ? e.problem.detail : '出现错误，请刷新页面后重试'}</p>
    </div>
  );
}

function Home({ ctx }: { ctx: Ctx }) {
  const [data, setData] = useState<{ asOf: string; items: (ComplianceRow & { daysLeft: number })[] }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<typeof data>('GET', '/api/me/obligations').then(setData, setError);
  }, []);
  return (
    <section>
      <h1>我的待办</h1>
      <ErrorNote error={error} />
      {data && data.items.length === 0 && <p class="empty">当前期间没有需要您填报的事项。</p>}
      <ul class="cards">
        {data?.items.map((r) => (
          <li class="card" key={`${r.obligationId}-${r.period}-${r.subject.id}`}>
            <div class="card-head">
              <h2>{r.title}</h2>
              <StatusBadge status={r.status} />
            </div>
            <p class="meta">
              {r.periodLabel}
              {r.subject.kind !== 'unit' ? ` · ${r.subject.name}` : ''} · 应 {r.required} 次，已 {r.done} 次
            </p>
            <p class="meta">
              截止 {r.due}
              {r.daysLeft >= 0 ? `，还剩 ${r.daysLeft} 天` : `，已过 ${-r.daysLeft} 天`}
            </p>
            {r.status !== 'met' && (
              <a class="button primary" href={`#/new/${r.form}`}>
                去填报：{ctx.form(r.form)?.title}
              </a>
            )}
          </li>
        ))}
      </ul>
      <h2>全部表单</h2>
      <ul class="form-list">
        {ctx.forms.map((f) => (
          <li key={f.id}>
            <a href={`#/new/${f.id}`}>{f.title}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Shell({ ctx, config }: { ctx: Ctx; config: WebConfig }) {
  const hash = useHash();
  const [path, query = ''] = hash.slice(1).split('?');
  const parts = (path ?? '/').split('/').filter(Boolean);
  let page;
  if (parts[0] === 'new' && parts[1]) page = <NewRecordPage ctx={ctx} templateId={parts[1]} key={parts[1]} />;
  else if (parts[0] === 'records' && parts[1]) page = <RecordPage ctx={ctx} id={parts[1]} key={parts[1]} />;
  else if (parts[0] === 'records') page = <RecordsPage ctx={ctx} />;
  else if (parts[0] === 'office') page = <OfficePage ctx={ctx} tab={parts[1] ?? 'compliance'} query={new URLSearchParams(query)} />;
  else page = <Home ctx={ctx} />;
  const nav = [
    ['#/', '待办'],
    ['#/records', '我的记录'],
    ...(isOversight(ctx.me) ? [['#/office', '办公室']] : []),
  ];
  return (
    <>
      <header class="top">
        <div class="brand">
          <strong>意识形态工作台账</strong>
          <span class="unit">{ctx.me.unit.name}</span>
        </div>
        <nav aria-label="主导航">
          {nav.map(([href, label]) => (
            <a key={href} href={href} aria-current={(href === '#/' ? parts.length === 0 : hash.startsWith(href!)) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span>{ctx.me.name}</span>
          <button type="button" class="link" onClick={() => signOut(config)}>
            退出
          </button>
        </div>
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function SignIn({ config, onDone }: { config: WebConfig; onDone(): void }) {
  const [users, setUsers] = useState<DemoUser[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (config.mode === 'local') localUsers().then(setUsers, () => setError('无法读取示例用户'));
  }, []);
  if (config.mode === 'oidc')
    return (
      <main class="signin">
        <h1>意识形态工作台账</h1>
        <button type="button" class="primary" onClick={() => startOidc(config)}>
          登录
        </button>
      </main>
    );
  return (
    <main class="signin">
      <h1>意识形态工作台账</h1>
      <p>本地运行：请选择一位示例用户登录。</p>
      {error && <p class="error">{error}</p>}
      <ul class="users">
        {users?.map((u) => (
          <li key={u.id}>
            <button
              type="button"
              onClick={async () => {
                await localSignIn(u.id);
                onDone();
              }}
            >
              <strong>{u.name}</strong>
              <span>
                {u.title} · {u.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join('、')}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}

function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [ctx, setCtx] = useState<Ctx>();
  const [signedIn, setSignedIn] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      const [me, org, forms] = await Promise.all([
        api<Me>('GET', '/api/me'),
        api<Organisation>('GET', '/api/organisation'),
        api<{ items: FormTemplate[] }>('GET', '/api/templates'),
      ]);
      setCtx({ me, org, forms: forms.items, form: (id) => forms.items.find((f) => f.id === id) });
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    (async () => {
      const c = await loadConfig();
      configureApi({ base: c.apiBase ?? '', token: currentToken, onUnauthorized: () => setSignedIn(false) });
      if (c.mode === 'oidc') await finishOidc(c);
      setConfig(c);
      setSignedIn(!!currentToken());
    })().catch(setError);
  }, []);

  useEffect(() => {
    if (signedIn) void load();
    else setCtx(undefined);
  }, [signedIn]);

  if (error && !ctx) return <ErrorNote error={error} />;
  if (!config) return <p class="loading">正在加载…</p>;
  if (!signedIn) return <SignIn config={config} onDone={() => setSignedIn(true)} />;
  if (!ctx) return <p class="loading">正在加载…</p>;
  return <Shell ctx={ctx} config={config} />;
}

export function start(root: HTMLElement) {
  render(<App />, root);
}

export type { RecordState };
