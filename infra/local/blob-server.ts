/**
 * The local blob server: what S3 is to a presigned URL, this is to a grant signed by the local
 * blob store (functions/store/blob-signing.ts). A download is checked before its first byte: the
 * file's size and SHA-256 must be what the grant recorded (a mismatch is a 500, one log line with
 * the metric, never the damaged bytes), then it is streamed, so memory stays flat per download.
 * Uploads are the very multipart form POST S3's presigned POST takes (the fields, then the file),
 * to `/blobs/`, checked against an `op: 'post'` grant: the key, the type and the exact size.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import busboy from 'busboy';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentDisposition } from '../../functions/core/ledger/compilation.js';
import { countFailure } from '../../functions/http/metrics.js';
import { SECURITY_HEADERS } from '../../functions/http/middleware.js';
import { BLOB_PATH, verifyGrant } from '../../functions/store/blob-signing.js';
import { GRANT_FIELD } from '../../functions/store/local-evidence.js';

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
        if (req.method === 'POST' && url.pathname === BLOB_PATH) return await receiveUpload(req, res, base, options.signingKey, now());
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

class Refused extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string) {
    super(detail);
  }
}

/**
 * One signed form POST, read as a stream with busboy: the grant and the fields must come before
 * the file (as S3 wants), the file is written beside its key and renamed only when exactly the
 * signed number of bytes arrived, so a cut or oversized upload leaves nothing at the key.
 */
async function receiveUpload(req: IncomingMessage, res: ServerResponse, base: string, signingKey: string, now: Date): Promise<void> {
  if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) return problem(res, 400, 'Bad Request', '上传应为 multipart/form-data 表单');
  const fields: Record<string, string> = {};
  let part: string | undefined;
  const done = new Promise<void>((ok, fail) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 8 * 1024, parts: 21 } });
    } catch {
      return fail(new Refused(400, 'Bad Request', '上传表单格式有误'));
    }
    let file: Promise<void> | undefined;
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      file = (async () => {
        if (name !== 'file') throw new Refused(400, 'Bad Request', '表单中的文件字段应名为 file');
        // As S3 answers a POST whose policy does not hold: 403, nothing stored.
        const grant = verifyGrant(signingKey, fields[GRANT_FIELD] ?? '', now);
        if (!grant || grant.op !== 'post' || fields.key !== grant.key)
          throw new Refused(403, 'Forbidden', '上传链接无效或已过期，请回到页面重新上传');
        if (fields['Content-Type'] !== grant.contentType) throw new Refused(403, 'Forbidden', '上传的文件类型与申请时不符，请重新上传');
        const path = resolve(base, grant.key);
        const rel = relative(base, path);
        if (!rel || rel.startsWith('..') || rel.split(sep).includes('..')) throw new Refused(403, 'Forbidden', '上传链接无效');
        await mkdir(dirname(path), { recursive: true });
        part = `${path}.${process.pid}.${Date.now()}.part`;
        let size = 0;
        const count = new Transform({
          transform(chunk: Buffer, _enc, next) {
            size += chunk.length;
            if (size > grant.size) return next(new Refused(400, 'Bad Request', '上传的文件比申请时大，请重新上传'));
            next(null, chunk);
          },
        });
        await pipeline(stream, count, createWriteStream(part));
        if (size !== grant.size) throw new Refused(400, 'Bad Request', '上传的文件不完整（大小与申请时不符），请重新上传');
        await rename(part, path);
        part = undefined;
      })();
      file.catch((err: unknown) => {
        stream.resume();
        fail(err);
      });
    });
    bb.on('error', () => fail(new Refused(400, 'Bad Request', '上传表单格式有误')));
    // 'close' comes once the form is read, which may be before the file is renamed into place.
    bb.on('close', () => (file ? file.then(ok, fail) : fail(new Refused(400, 'Bad Request', '表单中没有文件'))));
    req.pipe(bb);
  });
  try {
    await done;
    // S3's answer to a form POST without success_action_status.
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
  } catch (err) {
    if (part) await rm(part, { force: true });
    req.unpipe();
    req.resume();
    if (err instanceof Refused) return problem(res, err.status, err.title, err.detail);
    throw err;
  }
}
