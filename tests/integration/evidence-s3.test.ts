/**
 * Evidence uploads against a real S3-compatible server (s3rver, on a free loopback port): the
 * signed form POST made the way a browser makes it (multipart/form-data, the fields then the
 * file), then finalise. s3rver stores a form POST without checking its policy (no signature,
 * expiry, content-length-range or Content-Type check: lib/controllers/object.js marks `policy`
 * unimplemented), so these tests show that finalise refuses each bad upload on its own and
 * leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUpload, type EvidenceLimits } from '../../functions/core/evidence/index.js';
import { AppError } from '../../functions/core/errors.js';
import {
  evidenceKeys,
  finaliseUpload,
  recordUploadPolicy,
  s3EvidenceStore,
  UPLOAD_GRACE_SECONDS,
  type EvidenceBlobStore,
  type PendingUpload,
  type SignedUpload,
} from '../../functions/store/evidence-blobs.js';
import { EXE, fixture, goodFiles, HTML, SVG } from '../helpers/evidence.js';

const BUCKET = 'taizhang-evidence';
const UNIT = 'example-bureau';
const RECORD = ulid();
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** Small limits so "one byte over" is a small file; the rules are the same at 20 MB. */
const LIMITS: EvidenceLimits = { maxFileBytes: 64 * 1024, maxFilesPerRecord: 30, uploadSeconds: 600 };

const dir = mkdtempSync(join(tmpdir(), 's3rver-evidence-'));
let server: S3rver;
let endpoint: string;
let store: EvidenceBlobStore;
let s3: S3Client;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  store = s3EvidenceStore({ bucket: BUCKET, region: 'cn-northwest-1', endpoint, credentials: CREDENTIALS });
  s3 = new S3Client({ region: 'cn-northwest-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every key in the bucket under a prefix. */
async function keysUnder(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

/** Signs an upload for `name` of `size` bytes, as the attachment route will. */
async function sign(name: string, size: number, signer = store): Promise<{ pending: PendingUpload; upload: SignedUpload }> {
  const planned = planUpload({ name, size }, LIMITS, 0);
  const id = ulid();
  const uploadKey = evidenceKeys.upload(UNIT, RECORD, id);
  const upload = await signer.signUpload(uploadKey, { mime: planned.type.mime, size }, LIMITS.uploadSeconds);
  return { pending: { uploadKey, keptKey: evidenceKeys.kept(UNIT, RECORD, id), planned, expiresAt: upload.expiresAt }, upload };
}

/** The browser's form POST: every signed field, then the file (S3 wants it last). */
async function post(upload: SignedUpload, bytes: Buffer, name: string, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.fields, ...fields })) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(upload.url, { method: 'POST', body: form });
}

/** The refusal finalise throws. */
async function refused(pending: PendingUpload): Promise<AppError> {
  const err = await finaliseUpload(store, pending, LIMITS).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a signed upload', () => {
  it('is a form POST bound to one key, the exact size, the type from the name, for the configured time', async () => {
    const { pending, upload } = await sign('签到表.jpg', 1578);
    expect(upload.url).toBe(`${endpoint}/${BUCKET}`);
    expect(pending.uploadKey).toMatch(new RegExp(`^uploads/${UNIT}/${RECORD}/[0-9A-Z]{26}$`));
    const policy = JSON.parse(Buffer.from(upload.fields.Policy!, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1578, 1578],
        { 'Content-Type': 'image/jpeg' },
        { 'Content-Disposition': 'attachment' },
        { bucket: BUCKET },
        { key: pending.uploadKey },
      ]),
    );
    expect(Date.parse(policy.expiration)).toBe(Math.floor(Date.parse(upload.expiresAt) / 1000) * 1000);
    const lifetime = Date.parse(upload.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan((LIMITS.uploadSeconds - 10) * 1000);
    expect(lifetime).toBeLessThanOrEqual(LIMITS.uploadSeconds * 1000);
    expect(upload.fields).toMatchObject({ key: pending.uploadKey, 'Content-Type': 'image/jpeg', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
  });
});

describe('finalising', () => {
  it('takes a good file of every accepted kind, moves it to its kept key, and downloads it under its Chinese name', async () => {
    for (const f of await goodFiles()) {
      const { pending, upload } = await sign(f.name, f.bytes.length);
      expect((await post(upload, f.bytes, f.name)).status, f.name).toBe(204);
      const done = await finaliseUpload(store, pending, LIMITS);
      expect({ kind: done.type.kind, size: done.size, sha256: done.sha256 }, f.name).toEqual({ kind: f.kind, size: f.bytes.length, sha256: sha(f.bytes) });
      expect(await store.head(pending.uploadKey), f.name).toBeUndefined();
      const res = await fetch(await store.downloadUrl!(pending.keptKey, f.name, done.type.mime));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(done.type.mime);
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(f.name)}`);
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(f.bytes));
    }
    expect(await keysUnder(evidenceKeys.uploadsPrefix)).toEqual([]);
    expect(await keysUnder(evidenceKeys.recordPrefix('evidence/', UNIT, RECORD))).toHaveLength(10);
  });

  it('refuses a .jpg that is HTML, an SVG named .png and an EXE renamed .pdf (415), and removes each', async () => {
    const cases = [
      { name: '照片.jpg', bytes: HTML, says: '网页' },
      { name: '图标.png', bytes: SVG, says: '网页、SVG' },
      { name: '通知.pdf', bytes: EXE, says: '可执行程序' },
    ];
    for (const c of cases) {
      const { pending, upload } = await sign(c.name, c.bytes.length);
      expect((await post(upload, c.bytes, c.name)).status).toBe(204);
      const err = await refused(pending);
      expect([err.status, err.detail], c.name).toEqual([415, expect.stringContaining(c.says)]);
      expect(await keysUnder(pending.uploadKey)).toEqual([]);
      expect(await keysUnder(pending.keptKey)).toEqual([]);
    }
  });

  it('refuses a real file under another kind\'s name (a JPEG named .pdf)', async () => {
    const jpeg = fixture('photo.jpg');
    const { pending, upload } = await sign('纪要.pdf', jpeg.length);
    await post(upload, jpeg, '纪要.pdf');
    expect((await refused(pending)).detail).toBe('纪要.pdf：文件内容是JPEG 图片，与文件名不符；请使用正确的扩展名（.jpg）');
    expect(await keysUnder(pending.uploadKey)).toEqual([]);
  });

  it('refuses zero bytes and one byte over the limit, which s3rver stores despite content-length-range', async () => {
    const empty = await sign('空.pdf', 1);
    expect((await post(empty.upload, Buffer.alloc(0), '空.pdf')).status).toBe(204);
    expect([(await refused(empty.pending)).status, (await refused(empty.pending).catch((e) => e)).status]).toEqual([400, 409]);
    const pdf = fixture('minutes.pdf').subarray(0, LIMITS.maxFileBytes);
    const over = await sign('大.pdf', LIMITS.maxFileBytes);
    expect((await post(over.upload, Buffer.concat([pdf, Buffer.alloc(LIMITS.maxFileBytes + 1 - pdf.length)]), '大.pdf')).status).toBe(204);
    expect((await store.head(over.pending.uploadKey))?.size).toBe(LIMITS.maxFileBytes + 1);
    const err = await refused(over.pending);
    expect([err.status, err.detail]).toEqual([413, '文件过大（0.1 MB），每个文件最大 0.1 MB']);
    expect(await keysUnder(evidenceKeys.uploadsPrefix)).toEqual([]);
  });

  it('refuses a size other than the one signed, and a Content-Type other than the signed one', async () => {
    const jpeg = fixture('photo.jpg');
    const short = await sign('照片.jpg', jpeg.length + 10);
    await post(short.upload, jpeg, '照片.jpg');
    expect((await refused(short.pending)).detail).toContain('大小');
    const retyped = await sign('照片.jpg', jpeg.length);
    await post(retyped.upload, jpeg, '照片.jpg', { 'Content-Type': 'text/html' });
    expect((await refused(retyped.pending)).detail).toContain('text/html');
    expect(await keysUnder(evidenceKeys.uploadsPrefix)).toEqual([]);
  });

  it('refuses an upload made after its signature expired', async () => {
    // Signed as if the clock were well past the upload window and its grace, so the policy has expired.
    const late = s3EvidenceStore({
      bucket: BUCKET,
      region: 'cn-northwest-1',
      endpoint,
      credentials: CREDENTIALS,
      clockOffsetMs: -(LIMITS.uploadSeconds + UPLOAD_GRACE_SECONDS + 60) * 1000,
    });
    const jpeg = fixture('photo.jpg');
    const { pending, upload } = await sign('照片.jpg', jpeg.length, late);
    expect(Date.parse(JSON.parse(Buffer.from(upload.fields.Policy!, 'base64').toString()).expiration)).toBeLessThan(Date.now());
    expect((await post(upload, jpeg, '照片.jpg')).status).toBe(204);
    const err = await refused(pending);
    expect([err.status, err.detail]).toEqual([409, '上传链接已过期，请重新上传']);
    expect(await keysUnder(pending.uploadKey)).toEqual([]);
  });

  it('answers 409 for an object never uploaded, and again once it was finalised, creating nothing', async () => {
    const { pending } = await sign('从未上传.pdf', 100);
    expect([(await refused(pending)).status, (await refused(pending)).detail]).toEqual([409, '还没有收到这个文件（上传未完成或已过期），请重新上传']);
    expect(await keysUnder(pending.keptKey)).toEqual([]);
    const pdf = fixture('minutes.pdf');
    const twice = await sign('纪要.pdf', pdf.length);
    await post(twice.upload, pdf, '纪要.pdf');
    await finaliseUpload(store, twice.pending, LIMITS);
    expect((await refused(twice.pending)).status).toBe(409);
    expect(await keysUnder(twice.pending.keptKey)).toEqual([twice.pending.keptKey]);
  });
});

describe('signing under the record\'s own prefix', () => {
  it('signs with the credentials given for the record\'s upload prefix, whose session policy allows nothing else', async () => {
    const asked: string[] = [];
    const scoped = s3EvidenceStore({
      bucket: BUCKET,
      region: 'cn-northwest-1',
      endpoint,
      credentials: CREDENTIALS,
      signingCredentials: async (prefix) => {
        asked.push(prefix);
        return { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'session-for-one-record' };
      },
    });
    const jpeg = fixture('photo.jpg');
    const { pending, upload } = await sign('照片.jpg', jpeg.length, scoped);
    expect(asked).toEqual([`uploads/${UNIT}/${RECORD}/`]);
    expect(upload.fields['X-Amz-Security-Token']).toBe('session-for-one-record');
    expect((await post(upload, jpeg, '照片.jpg')).status).toBe(204);
    expect((await finaliseUpload(store, pending, LIMITS)).type.kind).toBe('jpeg');
    expect(JSON.parse(recordUploadPolicy('aws-cn', BUCKET, asked[0]!))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws-cn:s3:::${BUCKET}/uploads/${UNIT}/${RECORD}/*` }],
    });
    for (const bad of ['uploads/', 'evidence/u/r/', `uploads/${UNIT}/../x/`, `uploads/${UNIT}/${RECORD}`]) expect(() => recordUploadPolicy('aws', BUCKET, bad), bad).toThrow();
  });
});

describe('evidence keys', () => {
  it('refuse segments that could leave the record\'s prefix', () => {
    for (const bad of ['..', '../x', 'a/b', '', '.hidden', 'a b']) expect(() => evidenceKeys.upload(UNIT, bad, 'x'), bad).toThrow(/bad record/);
  });
});
