/**
 * The local stand-in for API Gateway's HTTP API: matches a route, checks the bearer token the
 * way the JWT authorizer does, builds the same v2 event, calls the very handler Lambda would
 * call, and writes its result back. Nothing in functions/ knows the difference.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { MAX_BODY_BYTES, SECURITY_HEADERS } from '../../functions/http/middleware.js';
import { ROUTES, type RouteDef } from '../../functions/routes.js';
import type { LocalKeys } from './jwt.js';

type LambdaHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute extends RouteDef {
  pattern: RegExp;
  names: string[];
  handler: LambdaHandler;
}

/** Anything larger is refused before it is read into memory (API Gateway's own cap is 10 MB). */
const READ_LIMIT = 4 * MAX_BODY_BYTES;

export async function loadRoutes(): Promise<CompiledRoute[]> {
  return Promise.all(
    ROUTES.map(async (r) => {
      const names: string[] = [];
      const pattern = new RegExp(
        `^${r.path.replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        })}$`,
      );
      const mod = (await import(`../../functions/${r.entry}.ts`)) as { handler: LambdaHandler };
      return { ...r, pattern, names, handler: mod.handler };
    }),
  );
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer = '') {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function problem(res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, string> = {}) {
  send(
    res,
    status,
    { 'Content-Type': 'application/problem+json; charset=utf-8', ...extra },
    JSON.stringify({ type: 'about:blank', title, status, detail }),
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > READ_LIMIT) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > READ_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway hands claims to Lambda as strings, arrays flattened to "[a b]". */
function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === null || v === undefined) continue;
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
  }
  return out;
}

export interface ApiOptions {
  keys: LocalKeys;
  /** Serves anything outside /api (the web page); 404 when absent. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
  log?: (line: string) => void;
}

export async function createApiServer(options: ApiOptions): Promise<Server> {
  const routes = await loadRoutes();
  const log = options.log ?? ((line: string) => console.log(line));
  return createServer((req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    res.on('finish', () => log(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Date.now() - started}ms ${requestId}`));
    handle(req, res, requestId).catch((err: unknown) => {
      console.error(JSON.stringify({ level: 'error', requestId, msg: 'adapter', error: (err as Error)?.name }));
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', '服务器内部错误，请稍后重试');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/') && options.fallback) return options.fallback(req, res);
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    const route = candidates.find((r) => r.method === req.method);
    if (!route) {
      req.resume();
      if (candidates.length) return problem(res, 405, 'Method Not Allowed', '不支持该请求方法');
      return problem(res, 404, 'Not Found', '找不到该接口');
    }
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(auth)?.[1];
    let claims: Record<string, string>;
    try {
      if (!token) throw new Error('no token');
      claims = flattenClaims((await options.keys.verify(token)) as Record<string, unknown>);
    } catch {
      req.resume();
      return problem(res, 401, 'Unauthorized', '未登录或登录已失效，请重新登录', { 'WWW-Authenticate': 'Bearer' });
    }
    const body = await readBody(req);
    if (!body) return problem(res, 413, 'Content Too Large', `请求内容过大，上限为 ${MAX_BODY_BYTES} 字节`, { Connection: 'close' });
    const match = route.pattern.exec(url.pathname)!;
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    } catch {
      return problem(res, 400, 'Bad Request', '请求路径的编码有误');
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: route.names.length ? pathParameters : undefined,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: route.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: req.headers['user-agent'] ?? '' },
        requestId,
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
        authorizer: { jwt: { claims, scopes: null } },
      },
      // Bytes that are not UTF-8 travel base64-encoded, as API Gateway sends a body it cannot pass as
      // text, so the handler sees them as they came (and refuses them) rather than U+FFFD.
      body: body.length ? (isUtf8(body) ? body.toString('utf8') : body.toString('base64')) : undefined,
      isBase64Encoded: body.length > 0 && !isUtf8(body),
    };
    const context = {
      awsRequestId: requestId,
      functionName: route.entry,
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;
    const result = await route.handler(event, context);
    const out = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    send(res, result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>, out);
  }
}
