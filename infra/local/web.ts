/**
 * Serves the built web app and, only on a laptop, the demo sign-in: the users of the example
 * organisation and a token for the one picked. The cloud serves the same files from S3.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { findPerson, rolesOn } from '../../functions/core/roster/organisation.js';
import type { Organisation } from '../../functions/core/templates/templates.js';
import { SECURITY_HEADERS } from '../../functions/http/middleware.js';
import type { LocalKeys } from './jwt.js';
import { claimsFor } from './users.js';

/** The page may load only its own files and talk only to its own origin. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Security-Policy': WEB_CSP, 'Content-Type': type, ...extra });
  res.end(body);
}

export function webServer(options: { distDir: string; keys: LocalKeys; org: Organisation; today: () => string }) {
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/config.json') return send(res, 200, TYPES['.json']!, JSON.stringify({ mode: 'local' }));
      if (url.pathname === '/local/users' && req.method === 'GET') {
        const users = options.org.people
          .map((p) => ({ id: p.id, name: p.name, title: p.title, roles: rolesOn(p, options.today()) }))
          .filter((u) => u.roles.length);
        return send(res, 200, TYPES['.json']!, JSON.stringify({ users }));
      }
      if (url.pathname === '/local/token' && req.method === 'POST') {
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
        const person = typeof userId === 'string' ? findPerson(options.org, userId) : undefined;
        if (!person) return send(res, 400, TYPES['.json']!, JSON.stringify({ detail: '没有这个示例用户' }));
        return send(res, 200, TYPES['.json']!, JSON.stringify({ token: await options.keys.sign(claimsFor(options.org, person, options.today())) }));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed');
      const name = url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      if (name.includes('..') || !TYPES[extname(name)]) return send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      try {
        const file = await readFile(join(options.distDir, name));
        send(res, 200, TYPES[extname(name)]!, file, { 'Cache-Control': 'no-cache' });
      } catch {
        send(res, 404, 'text/plain; charset=utf-8', 'Not Found');
      }
    })();
  };
}
