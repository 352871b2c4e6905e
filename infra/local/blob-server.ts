/**
 * The local blob server: what S3 is to a presigned URL, this is to a grant signed by the local
 * blob store (functions/store/blob-signing.ts). A download is checked before its first byte: the
 * file's size and SHA-256 must be what the grant recorded (a mismatch is a 500, one log line with
 * the metric, never the damaged bytes), then it is streamed, so memory stays flat per download.
 * Grants carry an `op`; uploads (a signed form POST, issue #15) are to be served here beside GET.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentDisposition } from '../../functions/core/ledger/compilation.js';
import { countFailure } from '../../functions/http/metrics.js';
import { SECURITY_HEADERS } from '../../functions/http/middleware.js';
import { BLOB_PATH, verifyGrant } from '../../functions/store/blob-signing.js';

function problem(res: ServerResponse, status: number, title: string, detail: string) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/problem+json; charset=utf-8' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export interface BlobServer {
  handles(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export function blobServer(options: { root: string; signingKey: string; now?: () => Date }): BlobServer {
  const base = resolve(options.root);
  const now = options.now ?? (() => new Date());
  return {
    handles: (pathname) => pathname.startsWith(BLOB_PATH),
    handle(req, res) {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'Method Not Allowed', '不支持该请求方法');
        let key: string;
        try {
          key = url.pathname.slice(BLOB_PATH.length).split('/').map(decodeURIComponent).join('/');
        } catch {
          return problem(res, 400, 'Bad Request', '下载链接有误');
        }
        const grant = verifyGrant(options.signingKey, url.searchParams.get('t') ?? '', now());
        // As S3 answers an expired or forged presigned URL: 403, nothing about the object.
        if (!grant || grant.op !== 'get' || grant.key !== key) return problem(res, 403, 'Forbidden', '下载链接无效或已过期，请回到页面重新下载');
        const path = resolve(base, key);
        const rel = relative(base, path);
        if (!rel || rel.startsWith('..') || rel.split(sep).includes('..')) return problem(res, 403, 'Forbidden', '下载链接无效');
        let size: number;
        try {
          size = (await stat(path)).size;
        } catch {
          return problem(res, 404, 'Not Found', '文件已不存在');
        }
        const sha256 = size === grant.size ? await sha256Of(path) : undefined;
        if (size !== grant.size || sha256 !== grant.sha256) {
          countFailure('ApiFailures', { msg: 'stored file does not match its record', key, size, expectedSize: grant.size, sha256Matches: false });
          return problem(res, 500, 'Internal Server Error', '文件已损坏（大小或校验值与记录不符），已停止下载，请重新汇编并联系管理员');
        }
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': grant.contentType,
          'Content-Length': String(size),
          'Content-Disposition': contentDisposition(grant.filename, grant.fallback),
        });
        if (req.method === 'HEAD') return res.end();
        // The file was checked just now and is never rewritten in place (a new run writes a new key).
        await pipeline(createReadStream(path), res).catch(() => res.destroy());
      })().catch(() => {
        if (!res.headersSent) problem(res, 500, 'Internal Server Error', '服务器内部错误，请稍后重试');
        else res.destroy();
      });
    },
  };
}
