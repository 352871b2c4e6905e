/**
 * Serves the built web app and, only on a laptop, the local sign-in: the people of the rosters
 * in the store and a token for the one picked. The cloud serves the same files from S3 through
 * CloudFront, with the same caching: hashed assets for good (`immutable`), the page and
 * config.json revalidated every time (`no-cache` with an ETag, so an unchanged page is a 304),
 * and brotli or gzip as the browser accepts.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rolesOn } from '../../functions/core/roster/organisation.js';
import { personOn } from '../../functions/core/roster/roster.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { SECURITY_HEADERS } from '../../functions/http/middleware.js';
import type { LocalKeys } from './jwt.js';
import { claimsFor } from './users.js';

/** Where web/build.ts puts the hashed assets under web/dist. */
export const ASSETS_DIR = 'assets';

/** The page may load only its own files and talk only to its own origin. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** Hashed, never-changing assets (web/build.ts names them by content). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page and config.json: always revalidated, a 304 when unchanged. */
export const REVALIDATE = 'no-cache';

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Security-Policy': WEB_CSP, 'Content-Type': type, ...extra });
  res.end(body);
}

/** The best encoding the request accepts: brotli, then gzip (as CloudFront chooses), else none. */
function encodingFor(req: IncomingMessage): 'br' | 'gzip' | undefined {
  const accepted = String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .map((p) => p.trim().split(';'))
    .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
    .map(([e]) => e!.toLowerCase());
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return undefined;
}

interface Entity {
  body: Buffer;
  etag: string;
  encoded: Map<string, Buffer>;
}

/**
 * Answers a file or generated body: a strong ETag from its bytes, 304 to a matching
 * If-None-Match, compressed once per content and encoding and kept (a file's cache entry goes
 * when the file changes).
 */
function sendEntity(req: IncomingMessage, res: ServerResponse, type: string, entity: Entity, cacheControl: string) {
  const headers: Record<string, string> = { 'Cache-Control': cacheControl, ETag: entity.etag, Vary: 'Accept-Encoding' };
  const match = String(req.headers['if-none-match'] ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''));
  if (match.includes(entity.etag) || match.includes('*')) return send(res, 304, type, '', headers);
  const encoding = entity.body.length > 256 ? encodingFor(req) : undefined;
  let body = entity.body;
  if (encoding) {
    body = entity.encoded.get(encoding) ?? (encoding === 'br'
      ? brotliCompressSync(entity.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: entity.body.length } })
      : gzipSync(entity.body, { level: 9 }));
    entity.encoded.set(encoding, body);
    headers['Content-Encoding'] = encoding;
  }
  headers['Content-Length'] = String(body.length);
  send(res, 200, type, req.method === 'HEAD' ? '' : body, headers);
}

const entityOf = (body: Buffer): Entity => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, encoded: new Map() });

/** A loopback name or address (`localhost`, 127.x.y.z, ::1). */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return n === 'localhost' || n === '::1' || /^127(\.\d{1,3}){3}$/.test(n);
}

/** A loopback name, with or without a port: what a `Host` header must say for local sign-in to answer. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(:\d{1,5})?$/.exec(host);
  return m !== null && isLoopbackName(m[1]!);
}

/** Only a page of this very origin may ask for a token (a page elsewhere reaching us by DNS rebinding is refused). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && origin === `http://${req.headers.host}`;
}

/**
 * `rosters` gives every unit's roster as the store has it now, so a person the office has just added
 * can sign in.
 */
export function webServer(options: { distDir: string; keys: LocalKeys; rosters: () => Promise<Organisation[]>; today: () => string }) {
  const config = entityOf(Buffer.from(JSON.stringify({ mode: 'local' })));
  const files = new Map<string, { mtimeMs: number; size: number; entity: Entity }>();
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/config.json') return sendEntity(req, res, TYPES['.json']!, config, REVALIDATE);
      if (url.pathname.startsWith('/local/')) {
        // Local sign-in hands out tokens: only to this machine, by a loopback name (DESIGN §8).
        if (!isLoopbackHost(req.headers.host)) return send(res, 403, TYPES['.json']!, JSON.stringify({ detail: '本机登录只接受本机地址（localhost）的访问' }));
        if (url.pathname === '/local/users' && req.method === 'GET') {
          const day = options.today();
          const users = (await options.rosters()).flatMap((org) =>
            org.people
              .filter((p) => personOn(org, p.id, day))
              .map((p) => ({ id: p.id, name: p.name, title: p.title, unit: org.unit.shortName, roles: rolesOn(p, day) }))
              .filter((u) => u.roles.length),
          );
          return send(res, 200, TYPES['.json']!, JSON.stringify({ users }));
        }
        if (url.pathname === '/local/token' && req.method === 'POST') {
          if (!sameOrigin(req)) return send(res, 403, TYPES['.json']!, JSON.stringify({ detail: '只接受本页面发出的登录请求' }));
          let body = '';
          for await (const chunk of req) {
            body += chunk;
            if (body.length > 1000) return send(res, 413, TYPES['.json']!, '{}');
          }
          let userId: unknown;
          try {
            userId = (JSON.parse(body) as { userId?: unknown }).userId;
          } catch {
            userId = undefined;
          }
          const day = options.today();
          const person =
            typeof userId === 'string' ? (await options.rosters()).map((org) => personOn(org, userId, day)).find((p) => p !== undefined) : undefined;
          if (!person) return send(res, 400, TYPES['.json']!, JSON.stringify({ detail: '名册中没有这个人员' }));
          return send(res, 200, TYPES['.json']!, JSON.stringify({ token: await options.keys.sign(claimsFor(person)) }));
        }
        return send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed');
      let name: string;
      try {
        name = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      } catch {
        return send(res, 400, 'text/plain; charset=utf-8', 'Bad Request');
      }
      const hidden = name.split(/[/\\]/).some((part) => part.startsWith('.'));
      if (hidden || !TYPES[extname(name)]) return send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      const path = join(options.distDir, name);
      try {
        const s = await stat(path);
        let cached = files.get(path);
        if (!cached || cached.mtimeMs !== s.mtimeMs || cached.size !== s.size) {
          cached = { mtimeMs: s.mtimeMs, size: s.size, entity: entityOf(await readFile(path)) };
          files.set(path, cached);
        }
        sendEntity(req, res, TYPES[extname(name)]!, cached.entity, name.startsWith(`${ASSETS_DIR}/`) ? IMMUTABLE : REVALIDATE);
      } catch {
        send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      }
    })();
  };
}
