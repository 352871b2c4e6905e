/**
 * The web app's shell: configuration, the session, the sign-in screen, the frame and the routes.
 * Only this, the component layer and Preact load first; every page's module is fetched the first
 * time it is opened (see PAGES).
 */
import type { VNode } from 'preact';
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { FormTemplate, Organisation } from '../../functions/core/templates/templates.js';
import { ROLE_LABELS, type Role } from '../../functions/core/templates/vocabulary.js';
import { api, ApiError, configureApi } from './api.js';
import { currentToken, dropToken, finishOidc, prefetchLocalUsers, loadConfig, localSignIn, localUsers, signOut, startOidc, watchSession, type DemoUser, type WebConfig } from './auth.js';
import { AppFrame, APP_TITLE, ErrorState, Loading, toast, Toaster, type NavItem } from './ui/index.js';

export { ErrorNote } from './ui/index.js';

export interface Me {
  id: string;
  name: string;
  title: string;
  roles: string[];
  unit: { id: string; name: string };
  division: { id: string; name: string } | null;
}

/** What every page gets: who is signed in, the unit's roster, the form templates. */
export interface Ctx {
  me: Me;
  org: Organisation;
  forms: FormTemplate[];
  form(id: string): FormTemplate | undefined;
}

/** The route a page is opened with: `#/a/b?x=1` is parts ['a', 'b'] and query x=1. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export interface PageProps {
  ctx: Ctx;
  route: Route;
}

export const isOversight = (me: Me) => me.roles.includes('office') || me.roles.includes('secretary');
export const isOffice = (me: Me) => me.roles.includes('office');
export const isSecretary = (me: Me) => me.roles.includes('secretary');

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** Each page module, loaded when first opened; esbuild puts each in a chunk of its own. */
const PAGES = {
  home: () => import('./home.js'),
  dashboard: () => import('./dashboard.js'),
  records: () => import('./records.js'),
  record: () => import('./record.js'),
  compliance: () => import('./compliance.js'),
  assessment: () => import('./assessment.js'),
  office: () => import('./office.js'),
  roster: () => import('./roster.js'),
  review: () => import('./review.js'),
  reminders: () => import('./reminders.js'),
  rectification: () => import('./rectification.js'),
  county: () => import('./county.js'),
};
type PageModules = { [K in keyof typeof PAGES]: Awaited<ReturnType<(typeof PAGES)[K]>> };
type Resolved = { [K in keyof PageModules]: { module: K; key: string; view(m: PageModules[K]): VNode } }[keyof PageModules];

/** Which page a route opens. `key` changes only with the path, so a new query keeps the page (and focus). */
function resolve(route: Route, ctx: Ctx): Resolved {
  const [a, b] = route.parts;
  const props = { ctx, route };
  // A county person (县委宣传部) has the county's pages only.
  if (ctx.me.roles.includes('county'))
    return a === 'county' && b
      ? { module: 'county', key: `county/${b}`, view: (m) => <m.CountyUnitPage {...props} unit={b} /> }
      : { module: 'county', key: 'county', view: (m) => <m.CountyPage {...props} /> };
  if (a === 'new' && b) return { module: 'record', key: `new/${b}`, view: (m) => <m.NewRecordPage {...props} templateId={b} /> };
  if (a === 'new') return { module: 'home', key: 'new', view: (m) => <m.FormsPage {...props} /> };
  if (a === 'records' && b) return { module: 'record', key: `records/${b}`, view: (m) => <m.RecordPage {...props} id={b} /> };
  if (a === 'records') return { module: 'records', key: 'records', view: (m) => <m.RegisterPage {...props} /> };
  if (a === 'rectifications' && b) return { module: 'rectification', key: `rectifications/${b}`, view: (m) => <m.RectificationPage {...props} id={b} /> };
  if (a === 'rectifications') return { module: 'rectification', key: 'rectifications', view: (m) => <m.RectificationsPage {...props} /> };
  if (a === 'review') return { module: 'review', key: 'review', view: (m) => <m.ReviewPage {...props} /> };
  if (a === 'reminders') return { module: 'reminders', key: 'reminders', view: (m) => <m.RemindersPage {...props} /> };
  if (a === 'overview' || (!a && isSecretary(ctx.me))) return { module: 'dashboard', key: 'overview', view: (m) => <m.DashboardPage {...props} /> };
  if (a === 'roster' && isOffice(ctx.me)) return { module: 'roster', key: 'roster', view: (m) => <m.RosterPage {...props} /> };
  if (a === 'office') {
    const tab = b ?? 'compliance';
    if (tab === 'assessment') return { module: 'assessment', key: 'office/assessment', view: (m) => <m.AssessmentPage {...props} /> };
    if (tab === 'compilations') return { module: 'office', key: 'office/compilations', view: (m) => <m.CompilationsPage {...props} /> };
    // The old address of the reminders page still opens it.
    if (tab === 'reminders') return { module: 'reminders', key: 'reminders', view: (m) => <m.RemindersPage {...props} /> };
    return { module: 'compliance', key: 'office/compliance', view: (m) => <m.CompliancePage {...props} /> };
  }
  return { module: 'home', key: 'home', view: (m) => <m.HomePage {...props} /> };
}

function navFor(ctx: Ctx, route: Route): NavItem[] {
  const [a, b] = route.parts;
  const here = (href: string) => {
    const r = parseRoute(href).parts;
    if (r.length === 0) return route.parts.length === 0;
    if (r[0] === 'office') return a === 'office' && (b ?? 'compliance') === r[1];
    return r[0] === a;
  };
  const items: Omit<NavItem, 'current'>[] = [];
  const me = ctx.me;
  if (me.roles.includes('county')) return [{ href: '#/', label: '各单位落实情况', short: '各单位', icon: 'grid', group: '所辖单位', current: a !== undefined ? a === 'county' : true }];
  if (isSecretary(me)) items.push({ href: '#/', label: '工作总览', short: '总览', icon: 'chart', group: '我的工作' });
  else items.push({ href: '#/', label: '我的待办', short: '待办', icon: 'home', group: '我的工作' });
  items.push({ href: '#/new', label: '填报', icon: 'plus' }, { href: '#/records', label: isOversight(me) ? '记录登记簿' : '我的记录', short: '记录', icon: 'list' });
  // Anyone may be a finding's responsible person; the office and the secretary see every item.
  items.push({ href: '#/rectifications', label: '问题整改', short: '整改', icon: 'check' });
  if (isOversight(me)) {
    items.push({ href: '#/office/compliance', label: '落实情况', short: '落实', icon: 'grid', group: '全单位' });
    if (!isSecretary(me)) items.push({ href: '#/overview', label: '工作总览', short: '总览', icon: 'chart' });
    items.push({ href: '#/review', label: '待审核', short: '审核', icon: 'check' });
    items.push({ href: '#/office/assessment', label: '考核评分', short: '考核', icon: 'score' });
    if (isOffice(me)) items.push({ href: '#/reminders', label: '催报提醒', short: '催报', icon: 'bell' });
    if (isOffice(me)) items.push({ href: '#/roster', label: '组织名册', short: '名册', icon: 'people' });
    items.push({ href: '#/office/compilations', label: '台账汇编', short: '汇编', icon: 'book' });
  }
  return items.map((i) => ({ ...i, current: here(i.href) }));
}

const modules = new Map<string, Promise<unknown>>();
/** Asked for as the app starts, beside config.json (see prefetchLocalUsers). */
const earlyLocalUsers = prefetchLocalUsers();

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function LazyPage({ target }: { target: Resolved }) {
  const [state, setState] = useState<{ module?: unknown; error?: unknown }>({});
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState({});
    let p = modules.get(target.module);
    if (!p) {
      p = PAGES[target.module]();
      modules.set(target.module, p);
      // A failed load is not kept: the next try fetches again.
      p.catch(() => modules.delete(target.module));
    }
    p.then(
      (module) => live && setState({ module }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [target.module, attempt]);
  if (state.error)
    // A page's code that cannot be fetched: offline, or a newer build replaced it (a reload fixes that).
    return <ErrorState error={state.error} onRetry={() => (navigator.onLine ? location.reload() : setAttempt((n) => n + 1))} />;
  if (!state.module) return <Loading />;
  return (target.view as (m: unknown) => VNode)(state.module);
}

function Shell({ ctx, config }: { ctx: Ctx; config: WebConfig }) {
  const hash = useHash();
  const route = parseRoute(hash);
  const target = resolve(route, ctx);
  return (
    <AppFrame title={APP_TITLE} unit={ctx.me.unit.name} user={ctx.me.name} nav={navFor(ctx, route)} onSignOut={() => signOut(config)}>
      <LazyPage key={target.key} target={target} />
    </AppFrame>
  );
}

function SignIn({ config, onDone }: { config: WebConfig; onDone(): void }) {
  const [users, setUsers] = useState<DemoUser[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const loadUsers = useCallback((first?: boolean) => {
    setError(undefined);
    ((first && earlyLocalUsers) || localUsers()).then(setUsers, () => setError('无法读取示例用户，请确认本地服务已启动后重试。'));
  }, []);
  useEffect(() => {
    document.title = `登录 - ${APP_TITLE}`;
    if (config.mode === 'local') loadUsers(true);
  }, []);
  return (
    <main class="signin" id="main">
      <div class="signin-title">
        <p>意识形态工作责任制</p>
      </div>
      <div class="signin-card">
        <h1>{APP_TITLE}</h1>
        {config.mode === 'oidc' ? (
          <>
            <p>请使用本单位统一身份账号登录。</p>
            <button type="button" class="primary" onClick={() => startOidc(config)}>
              登录
            </button>
          </>
        ) : (
          <>
            <p>本地运行：请选择一位示例用户登录。</p>
            {error && (
              <div class="alert" role="alert">
                <p>{error}</p>
                <button type="button" onClick={() => loadUsers()}>
                  重试
                </button>
              </div>
            )}
            {!users && !error && <Loading />}
            <ul class="users plain-list" aria-label="示例用户">
              {users?.map((u) => (
                <li key={u.id}>
                  <button
                    type="button"
                    aria-busy={busy === u.id}
                    disabled={!!busy}
                    onClick={async () => {
                      setBusy(u.id);
                      try {
                        await localSignIn(u.id);
                        onDone();
                      } catch {
                        setError('登录失败，请重试。');
                      } finally {
                        setBusy(undefined);
                      }
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
          </>
        )}
      </div>
    </main>
  );
}

function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [ctx, setCtx] = useState<Ctx>();
  const [signedIn, setSignedIn] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const [me, org, forms] = await Promise.all([
        api<Me>('GET', '/api/me'),
        api<Organisation>('GET', '/api/organisation'),
        api<{ items: FormTemplate[] }>('GET', '/api/templates'),
      ]);
      setCtx({ me, org, forms: forms.items, form: (id) => forms.items.find((f) => f.id === id) });
    } catch (e) {
      // A refused token has already sent the person back to sign in.
      if (!(e instanceof ApiError && e.status === 401)) setError(e);
    }
  }, []);

  useEffect(() => {
    (async () => {
      const c = await loadConfig();
      configureApi({
        base: c.apiBase ?? '',
        token: currentToken,
        onUnauthorized: () => {
          dropToken();
          setSignedIn(false);
          toast('登录已过期，请重新登录', 'error');
        },
      });
      if (c.mode === 'oidc') await finishOidc(c);
      setConfig(c);
      setSignedIn(!!currentToken());
    })().catch(setError);
    // Another tab signing in or out does the same here.
    return watchSession(setSignedIn);
  }, []);

  useEffect(() => {
    if (signedIn) void load();
    else setCtx(undefined);
  }, [signedIn]);

  const failed = (
    <main class="signin" id="main">
      <div class="signin-card">
        <h1>{APP_TITLE}</h1>
        <ErrorState error={error} onRetry={() => (config ? void load() : location.reload())} />
      </div>
    </main>
  );
  if (!config) return error ? failed : <Loading />;
  if (!signedIn)
    return (
      <>
        <SignIn config={config} onDone={() => setSignedIn(true)} />
        <Toaster />
      </>
    );
  if (!ctx) return error ? failed : <Loading />;
  return <Shell ctx={ctx} config={config} />;
}

export function start(root: HTMLElement) {
  render(<App />, root);
}
