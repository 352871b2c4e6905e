/**
 * Signed grants for the local blob store, the stand-in for S3's presigned URLs: a grant says what
 * may be done to which key until when, and is signed with HMAC-SHA256 under a key the local runner
 * makes at start. One format for every operation, so uploads (a presigned form POST, issue #15)
 * join with `op: 'post'` and their own conditions beside the download's `op: 'get'`.
 *
 * A token is `base64url(JSON of the grant).base64url(HMAC-SHA256(secret, that first part))`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where the local runner serves blobs: `/blobs/<key>?t=<token>`. */
export const BLOB_PATH = '/blobs/';

export interface DownloadGrant {
  op: 'get';
  key: string;
  /** Seconds since the epoch after which the grant is refused. */
  exp: number;
  /** What the file must be before a byte of it is sent. */
  size: number;
  sha256: string;
  /** The name the browser saves it under, and an ASCII fallback. */
  filename: string;
  fallback: string;
  contentType: string;
}

/** A form POST of exactly `size` bytes of `contentType` to `key` (the local presigned POST). */
export interface UploadGrant {
  op: 'post';
  key: string;
  exp: number;
  size: number;
  contentType: string;
}

export type BlobGrant = DownloadGrant | UploadGrant;

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function signGrant(secret: string, grant: BlobGrant): string {
  const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/** The grant a token carries if it is signed with `secret` and has not expired; else undefined. */
export function verifyGrant(secret: string, token: string, now: Date): BlobGrant | undefined {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let grant: BlobGrant;
  try {
    grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as BlobGrant;
  } catch {
    return undefined;
  }
  if (typeof grant.exp !== 'number' || grant.exp * 1000 <= now.getTime()) return undefined;
  return grant;
}

/** The URL path of a key: each segment encoded, so a Chinese or odd name survives the trip. */
export const blobUrlPath = (key: string) => BLOB_PATH + key.split('/').map(encodeURIComponent).join('/');
