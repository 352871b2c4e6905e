/**
 * The HTTP middlewares every entry shares: security headers, the one place errors become
 * problem+json, the caller from the JWT claims, and the JSON body.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { AppError, handlerTimeout, storeUnavailable, throttled, tooLarge, unauthenticated, unsupportedMediaType, validationError } from '../core/errors.js';
import type { Caller } from '../core/types.js';
import { isHandlerTimeout, isStoreBusy, isStoreUnavailable } from '../store/client.js';
import { countFailure } from './metrics.js';

export type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
export type Result = APIGatewayProxyStructuredResultV2;
/** The Lambda context, carrying what the middlewares found for the handler. */
export type AppContext = Context & { caller?: Caller; body?: unknown };
type Middleware = middy.MiddlewareObj<Event, Result, Error, AppContext>;

/** Request bodies are form records; a quarter of a megabyte is far beyond any real one. */
export const MAX_BODY_BYTES = 256 * 1024;

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

export function securityHeaders(): Middleware {
  const add = (request: middy.Request<Event, Result, Error, AppContext>) => {
    if (request.response) request.response.headers = { ...SECURITY_HEADERS, ...request.response.headers };
  };
  return { after: add, onError: add };
}

function problem(err: AppError, requestId: string): Result {
  return {
    statusCode: err.status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...err.headers },
    body: JSON.stringify({
      type: 'about:blank',
      title: err.title,
      status: err.status,
      detail: err.detail,
      ...(err.errors ? { errors: err.errors } : {}),
      ...err.extra,
      requestId,
    }),
  };
}

/** Maps every error to problem+json; an unknown one is a 500 with one log line, never a stack in the body. */
export function problemErrors(): Middleware {
  return {
    onError: (request) => {
      const err = request.error;
      const requestId = request.context.awsRequestId ?? request.event.requestContext?.requestId ?? '';
      if (err instanceof AppError) {
        request.response = problem(err, requestId);
        // A 500 the code chose (a stored file that fails its check) is a failure to alarm on too.
        if (err.status >= 500 && err.status !== 503) countFailure('ApiFailures', { requestId, msg: err.title, detail: err.detail });
      } else if (isHandlerTimeout(err)) {
        console.error(JSON.stringify({ level: 'error', requestId, msg: 'handler timed out' }));
        request.response = problem(handlerTimeout(), requestId);
      } else if (isStoreBusy(err)) {
        console.warn(JSON.stringify({ level: 'warn', requestId, msg: 'store busy', error: err?.name }));
        request.response = problem(throttled(), requestId);
      } else if (isStoreUnavailable(err)) {
        console.warn(JSON.stringify({ level: 'warn', requestId, msg: 'store unavailable', error: err?.name }));
        request.response = problem(storeUnavailable(), requestId);
      } else {
        countFailure('ApiFailures', { requestId, msg: 'unhandled', error: err?.name, message: err?.message });
        request.response = problem(new AppError(500, 'Internal Server Error', '服务器内部错误，请稍后重试'), requestId);
      }
    },
  };
}

/** The longest `sub` accepted: Cognito's are 36 characters, OIDC allows 255. */
const MAX_CLAIM = 255;

/**
 * Who the token says is calling: its issuer and subject, and nothing else. Both must be plain
 * strings. A flattened array ("[a b]", how API Gateway passes an array claim) or an object is a
 * malformed token, 401; nothing is split or guessed. Roles and unit in a token are ignored: they come
 * from the roster.
 */
export function identityFromClaims(claims: Record<string, unknown> | undefined): { issuer: string; subject: string } {
  const usable = (v: unknown): v is string =>
    typeof v === 'string' && v !== '' && v.length <= MAX_CLAIM && v.trim() === v && !/^\[.*\]$|^\{|^\[object /.test(v) && !/[\u0000-\u001f]/.test(v);
  const issuer = claims?.iss;
  const subject = claims?.sub;
  if (!usable(issuer) || !usable(subject)) throw unauthenticated();
  return { issuer, subject };
}

/** The caller: identity from the verified token, then unit and roles from the roster (403 when unknown). */
export function authenticate(resolve: (identity: { issuer: string; subject: string }) => Promise<Caller>): Middleware {
  return {
    before: async (request) => {
      request.context.caller = await resolve(identityFromClaims(request.event.requestContext?.authorizer?.jwt?.claims));
    },
  };
}

export function header(event: Event, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The charset a Content-Type declares, lower-cased, or undefined when it declares none. */
function declaredCharset(type: string): string | undefined {
  for (const param of type.split(';').slice(1)) {
    const [name, ...rest] = param.split('=');
    if (name?.trim().toLowerCase() === 'charset') return rest.join('=').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

/**
 * Parses a JSON body: wrong type, malformed JSON or bytes that are not UTF-8 → 400; a charset
 * other than UTF-8 → 415 (JSON is UTF-8, RFC 8259, and decoding it as anything else would store
 * the wrong characters); over the limit → 413.
 */
export function jsonBody(): Middleware {
  return {
    before: (request) => {
      const { event } = request;
      const type = header(event, 'content-type') ?? '';
      if (!/^application\/json\s*(;.*)?$/i.test(type))
        throw validationError('请求内容须为 JSON（Content-Type: application/json）', [
          { path: 'Content-Type', message: '应为 application/json' },
        ]);
      const charset = declaredCharset(type);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
        throw unsupportedMediaType(`不支持的字符编码 ${charset.slice(0, 40)}，请求内容须为 UTF-8 编码的 JSON`, 'Content-Type', '字符编码应为 UTF-8');
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
      if (raw.length > MAX_BODY_BYTES) throw tooLarge(`请求内容过大（${raw.length} 字节），上限为 ${MAX_BODY_BYTES} 字节`);
      let text: string;
      try {
        text = UTF8.decode(raw);
      } catch {
        throw validationError('请求内容不是合法的 UTF-8 编码', [{ path: '', message: `第 ${firstInvalidByte(raw)} 个字节起不是合法的 UTF-8` }]);
      }
      try {
        request.context.body = JSON.parse(text);
      } catch {
        throw validationError('请求内容不是合法的 JSON', [{ path: '', message: 'JSON 格式错误' }]);
      }
    },
  };
}

/** The 1-based offset of the first byte that does not decode as UTF-8 (for the message). */
function firstInvalidByte(raw: Buffer): number {
  let lo = 0;
  let hi = raw.length;
  // The longest valid prefix, by halving: a prefix cut inside a character also fails, so back off 3.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      UTF8.decode(raw.subarray(0, mid));
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo + 1;
}
