/**
 * Sign-in and the session. Locally: a picker of the example organisation's demo users (the local
 * runner issues their tokens). In the cloud: the OpenID Connect authorization-code flow with PKCE
 * against the configured issuer.
 *
 * The session is the token in the origin's localStorage, so one sign-in serves every tab of the
 * browser until the token expires (the API's authorizer checks `exp`; the page drops a token
 * 30 s before) or the person signs out, which removes it, every draft and every other taizhang.*
 * key, and tells the other tabs through the `storage` event. Why that is safe here: only script
 * from our own origin can read it, and the CSP (`script-src 'self'`, no inline script, no eval,
 * no other origin's scripts; `connect-src 'self'` plus the issuer; `img-src 'self' data:`;
 * `form-action 'self'`; `base-uri 'none'`) lets nothing else run in the page or carry the token
 * away; every text is rendered as text (Preact escapes), never as HTML. The token is never put
 * in a URL and never logged.
 */

export type WebConfig =
  | { mode: 'local'; apiBase?: string }
  | {
      mode: 'oidc';
      apiBase?: string;
      authorizeUrl: string;
      tokenUrl: string;
      logoutUrl?: string;
      clientId: string;
      redirectUri: string;
      scope?: string;
    };

const TOKEN = 'taizhang.token';
const PKCE = 'taizhang.pkce';

/** config.json, preloaded by the page; it is sent no-cache, so this revalidates rather than trusts a copy. */
export async function loadConfig(): Promise<WebConfig> {
  const res = await fetch('config.json');
  if (!res.ok) throw new Error('config.json is missing');
  return (await res.json()) as WebConfig;
}

/** The claims of a JWT, without checking it (the API checks it). */
export function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

/** Every key the app keeps in the browser starts with this: sign-out removes them all. */
export const KEY_PREFIX = 'taizhang.';

export function currentToken(): string | undefined {
  const t = localStorage.getItem(TOKEN) ?? undefined;
  if (!t) return undefined;
  try {
    const exp = Number(claims(t).exp);
    if (!exp || exp * 1000 < Date.now() + 30_000) return undefined;
  } catch {
    return undefined;
  }
  return t;
}

export function setToken(token: string) {
  localStorage.setItem(TOKEN, token);
}

/** Drops the token (an expired or refused one), keeping drafts for the next sign-in. */
export function dropToken() {
  localStorage.removeItem(TOKEN);
}

/** Calls `onChange` when another tab signs in or out. */
export function watchSession(onChange: (signedIn: boolean) => void): () => void {
  const on = (e: StorageEvent) => {
    if (e.key === TOKEN || e.key === null) onChange(!!currentToken());
  };
  addEventListener('storage', on);
  return () => removeEventListener('storage', on);
}

/** Removes the token, every draft and every other key of the app from this browser. */
export function clearBrowserData() {
  for (const store of [localStorage, sessionStorage])
    for (const k of Object.keys(store)) if (k.startsWith(KEY_PREFIX)) store.removeItem(k);
}

export function signOut(config: WebConfig) {
  clearBrowserData();
  if (config.mode === 'oidc' && config.logoutUrl) {
    const u = new URL(config.logoutUrl);
    u.searchParams.set('client_id', config.clientId);
    u.searchParams.set('logout_uri', config.redirectUri);
    location.assign(u.toString());
  } else {
    location.hash = '#/';
    location.reload();
  }
}

export interface DemoUser {
  id: string;
  name: string;
  title: string;
  roles: string[];
}

export async function localUsers(): Promise<DemoUser[]> {
  const res = await fetch('local/users');
  if (!res.ok) throw new Error(`local/users: ${res.status}`);
  return ((await res.json()) as { users: DemoUser[] }).users;
}

/**
 * The demo users, asked for at start-up beside config.json when the page is on this machine
 * (local sign-in answers only on loopback), so the sign-in list costs no extra round trip.
 */
export function prefetchLocalUsers(): Promise<DemoUser[]> | undefined {
  if (!['localhost', '127.0.0.1', '[::1]'].includes(location.hostname) || currentToken()) return undefined;
  const users = localUsers();
  users.catch(() => undefined);
  return users;
}

export async function localSignIn(userId: string): Promise<void> {
  const res = await fetch('local/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!res.ok) throw new Error('sign-in failed');
  setToken(((await res.json()) as { token: string }).token);
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: b64url(digest) };
}

export async function startOidc(config: Extract<WebConfig, { mode: 'oidc' }>) {
  const { verifier, challenge } = await pkcePair();
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, back: location.hash }));
  const u = new URL(config.authorizeUrl);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', config.clientId);
  u.searchParams.set('redirect_uri', config.redirectUri);
  u.searchParams.set('scope', config.scope ?? 'openid email profile');
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  u.searchParams.set('state', state);
  location.assign(u.toString());
}

/** Finishes the code flow when the issuer sends the browser back; removes the code from the URL. */
export async function finishOidc(config: Extract<WebConfig, { mode: 'oidc' }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE) ?? '{}') as { verifier?: string; state?: string; back?: string };
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', location.pathname + (saved.back ?? ''));
  if (!saved.verifier || params.get('state') !== saved.state) return false;
  const res = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: saved.verifier,
    }),
  });
  if (!res.ok) return false;
  // The ID token carries the unit and the role groups that the API's authorizer reads.
  const tokens = (await res.json()) as { id_token?: string };
  if (!tokens.id_token) return false;
  setToken(tokens.id_token);
  return true;
}
