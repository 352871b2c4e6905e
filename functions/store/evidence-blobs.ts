/**
 * Where evidence bytes live, behind one small interface: a signed form POST straight from the
 * browser into `uploads/…`, then a finalise step that checks what arrived and moves it to
 * `evidence/…`, where records, downloads and the archive read it. S3 here; a local store that
 * honours the same form POST implements the same interface (the local blob server).
 *
 * Keys name the unit and the record, so every grant and lifecycle rule can be written by prefix:
 *   uploads/<unit>/<record>/<attachment>   not yet checked; expires if never finalised
 *   evidence/<unit>/<record>/<attachment>  checked and kept
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkStored, detectEvidence, megabytes, type EvidenceLimits, type EvidenceType, type PlannedUpload } from '../core/evidence/index.js';
import { AppError, conflict, tooLarge } from '../core/errors.js';
import { contentDisposition } from '../core/ledger/compilation.js';

/** How long a download link lives. */
export const DOWNLOAD_SECONDS = 300;
/**
 * How late after its signature expired an upload may still be stored. S3 checks the policy when
 * the upload starts; a slow upload finishes later, and clocks differ a little.
 */
export const UPLOAD_GRACE_SECONDS = 300;

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const segment = (value: string, what: string) => {
  if (!SEGMENT.test(value)) throw new Error(`evidence key: bad ${what} ${JSON.stringify(value)}`);
  return value;
};

/** Every evidence object key, built here and nowhere else. */
export const evidenceKeys = {
  uploadsPrefix: 'uploads/',
  keptPrefix: 'evidence/',
  /** A record's own prefix under either root: what one signing may touch. */
  recordPrefix: (root: 'uploads/' | 'evidence/', unit: string, record: string) => `${root}${segment(unit, 'unit')}/${segment(record, 'record')}/`,
  upload: (unit: string, record: string, attachment: string) => `${evidenceKeys.recordPrefix('uploads/', unit, record)}${segment(attachment, 'attachment')}`,
  kept: (unit: string, record: string, attachment: string) => `${evidenceKeys.recordPrefix('evidence/', unit, record)}${segment(attachment, 'attachment')}`,
} as const;

/** The browser posts `fields` and then the file, as multipart/form-data, to `url`. */
export interface SignedUpload {
  url: string;
  fields: Record<string, string>;
  /** When the signature stops being accepted (ISO-8601 UTC). */
  expiresAt: string;
}

export interface BlobHead {
  size: number;
  contentType?: string;
  lastModified?: Date;
  /** The store's own SHA-256 of the whole object (hex), where it keeps one. */
  sha256?: string;
}

/** The blob operations evidence needs; S3 below, the local blob server beside it. */
export interface EvidenceBlobStore {
  /** A form POST that stores exactly `size` bytes of `mime` at `key`, usable for `seconds`. */
  signUpload(key: string, upload: { mime: string; size: number }, seconds: number): Promise<SignedUpload>;
  head(key: string): Promise<BlobHead | undefined>;
  /** The bytes, as a stream; undefined when there is no such object. */
  open(key: string): Promise<Readable | undefined>;
  /** Copies a checked upload to where it is kept, recording its SHA-256 where the store can. */
  copy(from: string, to: string): Promise<void>;
  /** Removes an object; no error if it is already gone. */
  remove(key: string): Promise<void>;
  /**
   * A short-lived link that downloads the object under its Chinese name, never inline. `file` is
   * what was recorded at finalise; the local store checks the bytes against it before sending.
   */
  downloadUrl?(key: string, filename: string, mime: string, file?: { size: number; sha256: string }): Promise<string>;
}

/** An upload signed earlier and now to be finalised: where it went and what it was signed for. */
export interface PendingUpload {
  uploadKey: string;
  keptKey: string;
  planned: PlannedUpload;
  expiresAt: string;
}

export interface FinalisedBlob {
  type: EvidenceType;
  size: number;
  sha256: string;
}

/**
 * Checks what arrived at the upload key against what was signed: present, on time, the exact
 * size, the signed Content-Type, content of the kind the name says, and its SHA-256. On any
 * refusal the upload is removed before the error is thrown; on success it is moved to its kept key.
 */
export async function finaliseUpload(blobs: EvidenceBlobStore, pending: PendingUpload, limits: EvidenceLimits): Promise<FinalisedBlob> {
  const head = await blobs.head(pending.uploadKey);
  if (!head) throw conflict(NOT_RECEIVED);
  try {
    const latest = Date.parse(pending.expiresAt) + UPLOAD_GRACE_SECONDS * 1000;
    if (head.lastModified && head.lastModified.getTime() > latest) throw conflict('上传链接已过期，请重新上传');
    // Size and type from the head first, so an oversized object is never read.
    checkStored(pending.planned, { size: head.size, contentType: head.contentType }, { ok: true, type: pending.planned.type }, limits);
    const bytes = await readWhole(blobs, pending.uploadKey, limits.maxFileBytes);
    if (!bytes) throw conflict(NOT_RECEIVED);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const type = checkStored(pending.planned, { size: bytes.length, contentType: head.contentType }, await detectEvidence(bytes), limits);
    if (head.sha256 && head.sha256 !== sha256) throw conflict('文件在存储中校验不一致，请重新上传');
    await blobs.copy(pending.uploadKey, pending.keptKey);
    await blobs.remove(pending.uploadKey);
    return { type, size: bytes.length, sha256 };
  } catch (err) {
    // A refusal removes what was uploaded; a failure of the store itself leaves it for a retry.
    if (err instanceof AppError) await blobs.remove(pending.uploadKey);
    throw err;
  }
}

const NOT_RECEIVED = '还没有收到这个文件（上传未完成或已过期），请重新上传';

/**
 * The whole object in memory, at most `max` bytes (the per-file limit): the container formats
 * (DOC/XLS directories, ZIP central directories) are read from anywhere in the file, and the
 * SHA-256 needs every byte anyway.
 */
async function readWhole(blobs: EvidenceBlobStore, key: string, max: number): Promise<Buffer | undefined> {
  const stream = await blobs.open(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw tooLarge(`文件过大，每个文件最大 ${megabytes(max)}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export interface S3EvidenceOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (tests, MinIO); path-style addressing then. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Only tests set it: signs as if the clock were this many milliseconds off. */
  clockOffsetMs?: number;
  /**
   * Credentials to sign an upload with, allowed to write only under the given record prefix
   * (recordScopedSigner in the cloud). Without it the store's own credentials sign.
   */
  signingCredentials?: (recordPrefix: string) => Promise<SigningCredentials>;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const isMissing = (err: unknown) => err instanceof NoSuchKey || err instanceof NotFound || ['NoSuchKey', 'NotFound'].includes((err as Error).name);

/** Evidence in an S3 bucket (EVIDENCE_BUCKET). */
export function s3EvidenceStore(options: S3EvidenceOptions): EvidenceBlobStore {
  const config = (credentials = options.credentials) =>
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(credentials ? { credentials } : {}),
      ...(options.clockOffsetMs ? { systemClockOffset: options.clockOffsetMs } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const client = config();
  const Bucket = options.bucket;
  return {
    async signUpload(key, { mime, size }, seconds) {
      // Signed with credentials that can write only under this record's prefix, so even a key
      // built wrongly could not be signed for another record.
      const signer = options.signingCredentials ? config(await options.signingCredentials(key.slice(0, key.lastIndexOf('/') + 1))) : client;
      const { url, fields } = await createPresignedPost(signer, {
        Bucket,
        Key: key,
        // Exactly the size announced, of the type the name says, stored to download, never to render.
        Conditions: [['content-length-range', size, size], { 'Content-Type': mime }, { 'Content-Disposition': 'attachment' }],
        Fields: { 'Content-Type': mime, 'Content-Disposition': 'attachment' },
        Expires: seconds,
      });
      const signedAt = Date.now() + (options.clockOffsetMs ?? 0);
      return { url, fields, expiresAt: new Date(signedAt + seconds * 1000).toISOString() };
    },
    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: key, ChecksumMode: 'ENABLED' }));
        // A composite checksum (multipart) is a checksum of part checksums, not of the file.
        const sha256 = out.ChecksumSHA256 && out.ChecksumType !== 'COMPOSITE' ? Buffer.from(out.ChecksumSHA256, 'base64').toString('hex') : undefined;
        return { size: out.ContentLength ?? 0, contentType: out.ContentType, lastModified: out.LastModified, sha256 };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async open(key) {
      try {
        return (await client.send(new GetObjectCommand({ Bucket, Key: key }))).Body as Readable;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async copy(from, to) {
      await client.send(
        new CopyObjectCommand({
          Bucket,
          Key: to,
          CopySource: `${Bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'COPY',
          // S3 then keeps the kept object's SHA-256, which a download can be checked against.
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    downloadUrl(key, filename, mime) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ResponseContentDisposition: contentDisposition(filename, `evidence${filename.slice(filename.lastIndexOf('.'))}`),
          ResponseContentType: mime,
        }),
        { expiresIn: DOWNLOAD_SECONDS },
      );
    },
  };
}

/** At least this long (STS's minimum), and never shorter than an upload's signature. */
export const SIGNING_SESSION_SECONDS = 900;

/** The session policy of one signing: PutObject under one record's upload prefix, nothing else. */
export function recordUploadPolicy(partition: string, bucket: string, recordPrefix: string): string {
  const [root, unit, record, rest] = recordPrefix.split('/');
  if (`${root}/` !== evidenceKeys.uploadsPrefix || !SEGMENT.test(unit ?? '') || !SEGMENT.test(record ?? '') || rest !== '')
    throw new Error(`evidence: not a record's upload prefix: ${recordPrefix}`);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:${partition}:s3:::${bucket}/${recordPrefix}*` }],
  });
}

/**
 * Credentials for signing uploads under one record's prefix: the upload-signer role
 * (EVIDENCE_UPLOAD_ROLE_ARN, allowed PutObject on uploads/*) assumed with a session policy that
 * narrows it to `uploads/<unit>/<record>/*`. S3 checks the signer's rights when the form arrives.
 */
export function recordScopedSigner(sts: STSClient, roleArn: string, bucket: string, seconds = SIGNING_SESSION_SECONDS) {
  const partition = roleArn.split(':')[1]!;
  return async (recordPrefix: string): Promise<SigningCredentials> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `evidence-upload-${Date.now()}`,
        Policy: recordUploadPolicy(partition, bucket, recordPrefix),
        DurationSeconds: Math.max(SIGNING_SESSION_SECONDS, seconds),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('evidence: STS returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  };
}
