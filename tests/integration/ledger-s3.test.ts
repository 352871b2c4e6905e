/**
 * The S3 side against a real S3-compatible server (s3rver, offline, on a free loopback port):
 * upload with our own SHA-256, read back, and a presigned link that names the file in Chinese; then
 * the whole API with BUCKET_NAME set, where the file route answers with a redirect.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3BlobStore } from '../../functions/store/blobs.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';
import { SIGNATURE } from '../../functions/ledger/workbook.js';
import { openWorkbook } from '../helpers/ledger.js';

const BUCKET = 'taizhang-test';
const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
let server: S3rver;
let endpoint: string;
let api: TestApi;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  // s3rver checks signatures against its well-known test key.
  api = await startTestApi({
    env: { BUCKET_NAME: BUCKET, S3_ENDPOINT: endpoint, BLOB_DIR: '', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  });
});
afterAll(async () => {
  await api?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const filename = '2026年11月意识形态工作台账.xlsx';

describe('the S3 blob store', () => {
  const store = () =>
    s3BlobStore({ bucket: BUCKET, region: 'us-east-1', endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

  it('uploads a file with its SHA-256 and reads the same bytes back', async () => {
    const bytes = Buffer.from('台账'.repeat(50_000));
    const file = join(dir, 'upload.bin');
    writeFileSync(file, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await store().put('compilations/u/2026-11/a.xlsx', file, 'application/octet-stream', sha);
    const chunks: Buffer[] = [];
    for await (const c of (await store().stream('compilations/u/2026-11/a.xlsx'))!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(await store().stream('compilations/u/none.xlsx')).toBeUndefined();
  });

  it('presigns a five-minute link that downloads under the Chinese file name, once the object checks out', async () => {
    const bytes = Buffer.from('台账'.repeat(50_000));
    const file = { filename, fallback: 'a.xlsx', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    expect(await store().link('compilations/u/2026-11/a.xlsx', { ...file, size: file.size - 1 })).toBe('damaged');
    expect(await store().link('compilations/u/2026-11/none.xlsx', file)).toBe('missing');
    const link = await store().link('compilations/u/2026-11/a.xlsx', file);
    if (typeof link === 'string') throw new Error(link);
    const url = link.url;
    expect(url.startsWith(`${endpoint}/${BUCKET}/compilations/u/2026-11/a.xlsx?`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="a.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((await res.arrayBuffer()).byteLength).toBe(300_000);
  });
});

describe('compilations with a bucket', () => {
  it('stores the workbook in S3 and answers the file route with a redirect to a presigned link', async () => {
    expect((await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession({ date: '2026-11-02' }) })).status).toBe(201);
    const accepted = await api.call('POST', '/api/compilations', { as: 'sun-li', body: { period: '2026-11' } });
    expect(accepted.status).toBe(202);
    const job = await api.waitForJob(accepted.headers.get('location')!, 'sun-li');
    const created = { body: job.compilation };
    const res = await fetch(api.url + created.body.file, {
      headers: { authorization: `Bearer ${await api.token('sun-li')}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${endpoint}/${BUCKET}/example-bureau/2026-11/${created.body.id}.xlsx?`)).toBe(true);
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(filename)}`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(created.body.sha256);
    const ws = (await openWorkbook(bytes)).getWorksheet('理论学习记录')!;
    expect(ws.getCell('A4').value).toBe(1);
    expect(ws.getCell('A5').value).toBe(SIGNATURE);
  });
});
