/**
 * Where compiled workbooks are kept, behind one small interface: a directory locally (`.data/
 * compilations`), S3 in the cloud. Only the S3 side can hand out a short-lived download URL.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobStore } from '../core/ledger/compilation.js';
import { contentDisposition, XLSX_TYPE } from '../core/ledger/compilation.js';

export type { BlobStore };

/** How long a download link lives. */
export const URL_SECONDS = 300;

/** Blobs as files under `root`; a key never reaches outside it. */
export function localBlobStore(root: string): BlobStore {
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
    url(key, filename) {
      const fallback = key.split('/').pop() ?? 'ledger.xlsx';
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ResponseContentDisposition: contentDisposition(filename, fallback),
          ResponseContentType: XLSX_TYPE,
        }),
        { expiresIn: URL_SECONDS },
      );
    },
  };
}
