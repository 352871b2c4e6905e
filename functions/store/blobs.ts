/**
 * Where compiled workbooks are kept, behind one small interface: a directory locally (`.data/
 * compilations`), S3 in the cloud. Both hand out short-lived signed download links, so functions/
 * sees one contract: S3 presigns a GET after checking the object's head; the local store signs a
 * grant that the runner's blob server (infra/local/blob-server.ts) checks and streams.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore } from '../core/ledger/compilation.js';
import { blobUrlPath, signGrant } from './blob-signing.js';
import { contentDisposition, XLSX_TYPE } from '../core/ledger/compilation.js';

export type { BlobStore };

/** How long a download link lives. */
export const URL_SECONDS = 300;

/** Blobs as files under `root`; a key never reaches outside it. `signingKey` signs download grants. */
export function localBlobStore(root: string, signingKey?: string, now: () => Date = () => new Date()): BlobStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    const rel = relative(base, path);
    if (!rel || rel.startsWith('..') || rel.split(sep).includes('..')) throw new Error(`blob key outside the store: ${key}`);
    return path;
  };
  return {
    async put(key, file) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Copy beside the target, then rename: a reader never sees half a file.
      const part = `${path}.part`;
      try {
        await copyFile(file, part);
        await rename(part, path);
      } catch (err) {
        await rm(part, { force: true });
        throw err;
      }
    },
    async stream(key) {
      const path = pathOf(key);
      try {
        if (!(await stat(path)).isFile()) return undefined;
      } catch {
        return undefined;
      }
      return createReadStream(path);
    },
    async link(key, file) {
      if (!signingKey) throw new Error('configuration: BLOB_SIGNING_KEY (set by the local runner) is required to hand out downloads');
      let size: number;
      try {
        const st = await stat(pathOf(key));
        if (!st.isFile()) return 'missing';
        size = st.size;
      } catch {
        return 'missing';
      }
      // A file cut short or grown on disk is refused here; the blob server checks its SHA-256 too.
      if (size !== file.size) return 'damaged';
      const token = signGrant(signingKey, {
        op: 'get',
        key,
        exp: Math.floor(now().getTime() / 1000) + URL_SECONDS,
        size: file.size,
        sha256: file.sha256,
        filename: file.filename,
        fallback: file.fallback,
        contentType: file.contentType ?? XLSX_TYPE,
      });
      return { url: `${blobUrlPath(key)}?t=${token}` };
    },
  };
}

export interface S3Options {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (tests, MinIO); path-style addressing then. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Blobs in an S3 bucket; `url` presigns a GET that names the file for the browser. */
export function s3BlobStore(options: S3Options): BlobStore {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // We send our own SHA-256 for the whole file; the SDK's default streaming checksum would use
    // aws-chunked uploads, which S3-compatible servers do not all understand.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  return {
    async put(key, file, contentType, sha256) {
      const { size } = await stat(file);
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
          ...(sha256 ? { ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') } : {}),
        }),
      );
    },
    async stream(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return out.Body as Readable;
      } catch (err) {
        if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async link(key, file) {
      let head;
      try {
        head = await client.send(new HeadObjectCommand({ Bucket, Key: key, ChecksumMode: 'ENABLED' }));
      } catch (err) {
        if ((err as Error).name === 'NotFound' || (err as Error).name === 'NoSuchKey') return 'missing';
        throw err;
      }
      // The workbook is uploaded whole with its SHA-256, so S3 keeps the full-object checksum.
      const expected = Buffer.from(file.sha256, 'hex').toString('base64');
      if (head.ContentLength !== file.size || (head.ChecksumSHA256 !== undefined && head.ChecksumSHA256 !== expected)) return 'damaged';
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          // The version checked above, so a later overwrite cannot slip in between.
          ...(head.VersionId ? { VersionId: head.VersionId } : {}),
          ResponseContentDisposition: contentDisposition(file.filename, file.fallback),
          ResponseContentType: file.contentType ?? XLSX_TYPE,
        }),
        { expiresIn: URL_SECONDS },
      );
      return { url };
    },
  };
}
