/** The API client: bearer token, JSON in and out, problem+json errors as ApiError. */

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
  current?: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
  get status() {
    return this.problem.status;
  }
}

interface Session {
  base: string;
  token: () => string | undefined;
  onUnauthorized: () => void;
}

let session: Session = { base: '', token: () => undefined, onUnauthorized: () => undefined };

export function configureApi(s: Session) {
  session = s;
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  const token = session.token();
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(session.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError({ status: 0, title: 'Network Error', detail: '网络连接失败，请检查网络后重试' });
  }
  if (res.status === 401) session.onUnauthorized();
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const p = (json ?? {}) as Partial<Problem>;
    throw new ApiError({ status: res.status, title: p.title ?? res.statusText, detail: p.detail ?? `请求失败（${res.status}）`, errors: p.errors, current: p.current });
  }
  return json as T;
}

/** Downloads a file through the API: the bytes (locally), or a short-lived link to go to (cloud). */
export async function download(path: string, fallbackName: string): Promise<Blob | undefined> {
  const token = session.token();
  const res = await fetch(`${session.base}${path}?link=1`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new ApiError({ status: res.status, title: res.statusText, detail: `下载失败（${res.status}）` });
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) {
    location.assign(((await res.json()) as { url: string }).url);
    return undefined;
  }
  return save(res, fallbackName);
}

/**
 * Posts a JSON body and saves the file the answer carries (the register's export): a refusal is an
 * ApiError with the server's problem, as api() gives.
 */
export async function downloadPost(path: string, body: unknown, fallbackName: string): Promise<Blob> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  const token = session.token();
  if (token) h.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(session.base + path, { method: 'POST', headers: h, body: JSON.stringify(body) });
  } catch {
    throw new ApiError({ status: 0, title: 'Network Error', detail: '网络连接失败，请检查网络后重试' });
  }
  if (res.status === 401) session.onUnauthorized();
  if (!res.ok) {
    const p = ((await res.json().catch(() => undefined)) ?? {}) as Partial<Problem>;
    throw new ApiError({ status: res.status, title: p.title ?? res.statusText, detail: p.detail ?? `下载失败（${res.status}）`, errors: p.errors });
  }
  return save(res, fallbackName);
}

/** Saves a response's bytes under the name its Content-Disposition gives. */
async function save(res: Response, fallbackName: string): Promise<Blob> {
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = m ? decodeURIComponent(m[1]!) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob;
}
