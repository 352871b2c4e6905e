/**
 * Evidence on records through the HTTP adapter `npm start` uses: the signed upload, the very form
 * POST S3 takes sent to the local blob server, finalise, download, removal; every bad input of
 * issue #15 a clear 4xx with nothing half-attached; and the same path against S3 (s3rver).
 * Limits are set small here from configuration (64 KB a file, 3 files a record), so "one byte
 * over" and "one file too many" are cheap; the rules are those of the defaults.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDeps } from '../../functions/deps.js';
import { evidenceLimits, readConfig } from '../../functions/config.js';
import { attachmentLink, finaliseAttachment, requestUpload, type EvidenceDeps } from '../../functions/evidence/attachments.js';
import { signGrant, verifyGrant } from '../../functions/store/blob-signing.js';
import { s3EvidenceStore } from '../../functions/store/evidence-blobs.js';
import { GRANT_FIELD, sweepLocalUploads } from '../../functions/store/local-evidence.js';
import { dynamoPendingUploads } from '../../functions/store/uploads.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { EXE, fixture, HTML, SVG } from '../helpers/evidence.js';
import { memberReport } from '../helpers/fixtures.js';

const MAX_BYTES = 64 * 1024;
const MAX_FILES = 3;
const JPG = fixture('photo.jpg');
const PDF = fixture('minutes.pdf');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { EVIDENCE_MAX_FILE_MB: String(MAX_BYTES / 1024 / 1024), EVIDENCE_MAX_FILES: String(MAX_FILES) } });
});
afterAll(() => api.close());

async function newRecord(as = 'li-na'): Promise<string> {
  const res = await api.call('POST', '/api/submissions', { as, body: memberReport() });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** The browser's form POST: every signed field, then the file, to the signed URL. */
async function postForm(upload: { url: string; fields: Record<string, string> }, bytes: Buffer, name: string, extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.fields, ...extra })) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(new URL(upload.url, api.url), { method: 'POST', body: form });
}

async function sign(id: string, name: string, size: number, as = 'li-na', type?: string) {
  return api.call('POST', `/api/submissions/${id}/attachments`, { as, body: { name, size, ...(type ? { type } : {}) } });
}

/** Signs, uploads and finalises one file; returns the finalise answer. */
async function attach(id: string, name: string, bytes: Buffer, as = 'li-na') {
  const signed = await sign(id, name, bytes.length, as);
  expect(signed.status, JSON.stringify(signed.body)).toBe(201);
  const posted = await postForm(signed.body.upload, bytes, name);
  expect(posted.status).toBe(204);
  const fin = await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as });
  return { ...fin, attachmentId: signed.body.attachmentId as string };
}

/** A refusal as the page receives it: problem+json, the status, a Chinese detail. */
function expectProblem(res: { status: number; body: any; headers: Headers }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
}

/** Every file the local evidence store holds for a record, uploads and kept. */
function filesOf(id: string): string[] {
  const out: string[] = [];
  for (const root of ['uploads', 'evidence']) {
    const dir = join(api.blobDir, root, 'example-bureau', id);
    if (existsSync(dir)) out.push(...readdirSync(dir).map((f) => `${root}/${f}`));
  }
  return out;
}

async function current(id: string) {
  return (await api.call('GET', `/api/submissions/${id}`, { as: 'li-na' })).body;
}

describe('evidence on a record, through the local blob store', () => {
  it('uploads by form POST, finalises into a new version, downloads under its Chinese name, and removes in another version', async () => {
    const id = await newRecord();
    const fin = await attach(id, '学习现场照片.jpg', JPG);
    expect(fin.status, JSON.stringify(fin.body)).toBe(200);
    expect(fin.body.attachment).toMatchObject({ name: '学习现场照片.jpg', type: 'image/jpeg', size: JPG.length, sha256: sha(JPG), addedBy: 'li-na' });
    expect(fin.body.record.version).toBe(2);
    expect(filesOf(id)).toEqual([`evidence/${fin.attachmentId}`]);

    const link = await api.call('GET', `/api/submissions/${id}/attachments/${fin.attachmentId}?link=1`, { as: 'li-na' });
    expect(link.status).toBe(200);
    const redirect = await fetch(`${api.url}/api/submissions/${id}/attachments/${fin.attachmentId}`, {
      headers: { authorization: `Bearer ${await api.token('li-na')}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const file = await fetch(new URL(redirect.headers.get('location')!, api.url));
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(JPG)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="evidence.jpg"; filename*=UTF-8''${encodeURIComponent('学习现场照片.jpg')}`,
    );

    const removed = await api.call('DELETE', `/api/submissions/${id}/attachments/${fin.attachmentId}?version=2`, { as: 'li-na' });
    expect(removed.status).toBe(200);
    expect(removed.body.attachments).toEqual([]);
    expectProblem(await api.call('GET', `/api/submissions/${id}/attachments/${fin.attachmentId}`, { as: 'li-na' }), 404);

    const history = await api.call('GET', `/api/submissions/${id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: any) => [h.version, h.change, h.by])).toEqual([
      [1, 'create', 'li-na'],
      [2, 'attach', 'li-na'],
      [3, 'detach', 'li-na'],
    ]);
    expect(history.body.items[1].changes).toEqual([{ field: 'attachments', before: [], after: ['学习现场照片.jpg'] }]);
    expect(history.body.items[2].at).toBeTruthy();
  });

  it('lets the office attach to a record, and a withdrawn record keeps its evidence but takes no more', async () => {
    const id = await newRecord();
    const fin = await attach(id, '会议纪要.pdf', PDF, 'sun-li');
    expect(fin.status).toBe(200);
    expect((await api.call('DELETE', `/api/submissions/${id}?version=2`, { as: 'li-na' })).status).toBe(204);
    const rec = await current(id);
    expect(rec.status).toBe('withdrawn');
    expect(rec.attachments.map((a: any) => a.name)).toEqual(['会议纪要.pdf']);
    const link = await api.call('GET', `/api/submissions/${id}/attachments/${fin.attachmentId}?link=1`, { as: 'li-na' });
    expect(link.status).toBe(200);
    expect(Buffer.from(await (await fetch(new URL(link.body.url, api.url))).arrayBuffer()).equals(PDF)).toBe(true);
    expectProblem(await sign(id, '照片.jpg', JPG.length), 409);
    expectProblem(await api.call('DELETE', `/api/submissions/${id}/attachments/${fin.attachmentId}`, { as: 'li-na' }), 409);
  });
});

describe('bad evidence: each a clear 4xx, nothing half-attached', () => {
  /** Signs and uploads `bytes` as `name`, finalises, and checks the refusal left the record and the store as they were. */
  async function refusedAtFinalise(name: string, bytes: Buffer, status: number) {
    const id = await newRecord();
    const signed = await sign(id, name, bytes.length);
    expect(signed.status).toBe(201);
    expect((await postForm(signed.body.upload, bytes, name)).status).toBe(204);
    expect(filesOf(id)).toEqual([`uploads/${signed.body.attachmentId}`]);
    const fin = await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'li-na' });
    expectProblem(fin, status);
    expect(filesOf(id)).toEqual([]);
    const rec = await current(id);
    expect([rec.version, rec.attachments ?? []]).toEqual([1, []]);
    return fin;
  }

  it('refuses a type that is not evidence, before signing', async () => {
    const id = await newRecord();
    for (const name of ['说明.txt', '页面.html', '图标.svg', '安装.exe', '材料.zip']) expectProblem(await sign(id, name, 100), 415);
    expectProblem(await sign(id, '照片.jpg', 100, 'li-na', 'text/html'), 415);
    expect(filesOf(id)).toEqual([]);
    expect((await current(id)).version).toBe(1);
  });

  it('refuses a .jpg that is HTML, an SVG named .png and an EXE renamed .pdf, and removes each', async () => {
    const html = await refusedAtFinalise('照片.jpg', HTML, 415);
    expect(html.body.detail).toContain('网页');
    await refusedAtFinalise('图.png', SVG, 415);
    const exe = await refusedAtFinalise('报告.pdf', EXE, 415);
    expect(exe.body.detail).toContain('可执行');
  });

  it('refuses zero bytes and one byte over the limit, at signing and at the form POST', async () => {
    const id = await newRecord();
    expectProblem(await sign(id, '空.jpg', 0), 400);
    expectProblem(await sign(id, '大.jpg', MAX_BYTES + 1), 413);
    // A form signed for n bytes that carries n + 1 (or fewer) is refused by the blob store, nothing kept.
    const signed = await sign(id, '照片.jpg', JPG.length);
    const over = await postForm(signed.body.upload, Buffer.concat([JPG, Buffer.from([0])]), '照片.jpg');
    expect(over.status).toBe(400);
    expect((await over.json()).detail).toMatch(/[\u4e00-\u9fff]/);
    const short = await postForm(signed.body.upload, JPG.subarray(1), '照片.jpg');
    expect(short.status).toBe(400);
    expect(filesOf(id)).toEqual([]);
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'li-na' }), 409);
  });

  it(`refuses file ${MAX_FILES + 1} of a record`, async () => {
    const id = await newRecord();
    for (let i = 1; i <= MAX_FILES; i++) expect((await attach(id, `照片${i}.jpg`, JPG)).status).toBe(200);
    expectProblem(await sign(id, '多一张.jpg', JPG.length), 409);
    const rec = await current(id);
    expect([rec.version, rec.attachments.length]).toEqual([MAX_FILES + 1, MAX_FILES]);
  });

  it('refuses to sign more than the limit even with uploads signed before it was reached', async () => {
    const id = await newRecord();
    const early = await sign(id, '早签.jpg', JPG.length);
    expect(early.status).toBe(201);
    for (let i = 1; i <= MAX_FILES; i++) expect((await attach(id, `照片${i}.jpg`, JPG)).status).toBe(200);
    expect((await postForm(early.body.upload, JPG, '早签.jpg')).status).toBe(204);
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments/${early.body.attachmentId}/finalise`, { as: 'li-na' }), 409);
    expect(filesOf(id).filter((f) => f.startsWith('uploads/'))).toEqual([]);
    expect((await current(id)).attachments.length).toBe(MAX_FILES);
  });

  it('refuses to finalise an object never uploaded, and to finalise twice', async () => {
    const id = await newRecord();
    const signed = await sign(id, '照片.jpg', JPG.length);
    const finalise = () => api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'li-na' });
    expectProblem(await finalise(), 409);
    expect((await current(id)).version).toBe(1);
    expect((await postForm(signed.body.upload, JPG, '照片.jpg')).status).toBe(204);
    expect((await finalise()).status).toBe(200);
    expectProblem(await finalise(), 409);
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments/01ARZ3NDEKTSV4RRFFQ69G5FAV/finalise`, { as: 'li-na' }), 404);
    const rec = await current(id);
    expect([rec.version, rec.attachments.length]).toEqual([2, 1]);
  });

  it("refuses someone else's record: 404 to who cannot see it, 403 to who can see but not change it", async () => {
    const id = await newRecord();
    const done = await attach(id, '照片.jpg', JPG);
    for (const as of ['wang-qiang', 'other-office']) {
      expectProblem(await sign(id, '照片.jpg', JPG.length, as), 404);
      expectProblem(await api.call('GET', `/api/submissions/${id}/attachments/${done.attachmentId}`, { as }), 404);
      expectProblem(await api.call('DELETE', `/api/submissions/${id}/attachments/${done.attachmentId}`, { as }), 404);
    }
    // The secretary sees the whole unit but changes only their own records.
    expectProblem(await sign(id, '照片.jpg', JPG.length, 'zhang-wei'), 403);
    expectProblem(await api.call('DELETE', `/api/submissions/${id}/attachments/${done.attachmentId}`, { as: 'zhang-wei' }), 403);
    expect((await api.call('GET', `/api/submissions/${id}/attachments/${done.attachmentId}?link=1`, { as: 'zhang-wei' })).status).toBe(200);
    // Another's signed upload cannot be finalised by someone who may not change the record.
    const signed = await sign(id, '照片2.jpg', JPG.length);
    expect((await postForm(signed.body.upload, JPG, '照片2.jpg')).status).toBe(204);
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'zhang-wei' }), 403);
    expect((await current(id)).attachments.length).toBe(1);
  });

  it('refuses a signed upload once it has expired, and a form whose fields were changed', async () => {
    const id = await newRecord();
    const signed = await sign(id, '照片.jpg', JPG.length);
    const fields = signed.body.upload.fields as Record<string, string>;
    const grant = verifyGrant(process.env.BLOB_SIGNING_KEY!, fields[GRANT_FIELD]!, new Date())!;
    // The same grant, signed with the runner's key, but past its time: as S3 answers an expired policy.
    const expired = signGrant(process.env.BLOB_SIGNING_KEY!, { ...grant, exp: Math.floor(Date.now() / 1000) - 1 });
    const late = await postForm(signed.body.upload, JPG, '照片.jpg', { [GRANT_FIELD]: expired });
    expect(late.status).toBe(403);
    expect((await late.json()).detail).toContain('过期');
    expect((await postForm(signed.body.upload, JPG, '照片.jpg', { key: `${fields.key}x` })).status).toBe(403);
    expect((await postForm(signed.body.upload, JPG, '照片.jpg', { 'Content-Type': 'text/html' })).status).toBe(403);
    expect(filesOf(id)).toEqual([]);
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as: 'li-na' }), 409);
  });

  it("refuses a file name with '../', control characters or 300 characters", async () => {
    const id = await newRecord();
    for (const name of ['../../etc/照片.jpg', '照片\u0000.jpg', '照片\u202egpj.exe', `${'长'.repeat(296)}.jpg`]) {
      const res = await sign(id, name, JPG.length);
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toBe('name');
    }
    expect((await current(id)).version).toBe(1);
  });

  it('sweeps uploads never finalised once their signature and grace have passed', async () => {
    const id = await newRecord();
    const signed = await sign(id, '照片.jpg', JPG.length);
    expect((await postForm(signed.body.upload, JPG, '照片.jpg')).status).toBe(204);
    const { uploadSeconds } = evidenceLimits(readConfig());
    expect(await sweepLocalUploads(api.blobDir, uploadSeconds)).toBe(0);
    expect(filesOf(id)).toHaveLength(1);
    expect(await sweepLocalUploads(api.blobDir, uploadSeconds, new Date(Date.now() + (uploadSeconds + 301) * 1000))).toBeGreaterThanOrEqual(1);
    expect(filesOf(id)).toEqual([]);
  });
});

describe('image previews: made by the page, kept beside the original, not evidence of their own', () => {
  /** Signs, uploads and finalises a preview of `original`; returns the sign and finalise answers. */
  async function preview(id: string, original: string, bytes: Buffer, as = 'li-na', type = 'image/jpeg') {
    const signed = await api.call('POST', `/api/submissions/${id}/attachments`, { as, body: { previewOf: original, size: bytes.length, type } });
    if (signed.status !== 201) return { signed, fin: undefined };
    expect((await postForm(signed.body.upload, bytes, 'preview.jpg')).status).toBe(204);
    const fin = await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as });
    return { signed, fin };
  }

  it('keeps a JPEG preview of a photo under the record, on its AttachmentRef, served through the same checked GET, past the file limit', async () => {
    const id = await newRecord();
    const photo = await attach(id, '学习现场照片.jpg', JPG);
    await attach(id, '会议纪要.pdf', PDF);
    await attach(id, '签到表.png', fixture('photo.png'));
    // The record is at its limit of files; a preview is not one of them.
    const thumb = fixture('photo.jpg');
    const { signed, fin } = await preview(id, photo.attachmentId, thumb);
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(fin!.status, JSON.stringify(fin!.body)).toBe(200);
    const previewId = signed.body.attachmentId as string;
    expect(fin!.body.record.version).toBe(5);
    expect(fin!.body.record.attachments).toHaveLength(MAX_FILES);
    expect(fin!.body.attachment).toMatchObject({ id: photo.attachmentId, preview: { id: previewId, type: 'image/jpeg', size: thumb.length, sha256: sha(thumb) } });
    expect(filesOf(id).sort()).toContain(`evidence/${previewId}`);
    expect(filesOf(id).filter((f) => f.startsWith('uploads/'))).toEqual([]);

    const res = await fetch(`${api.url}/api/submissions/${id}/attachments/${photo.attachmentId}?preview=1`, {
      headers: { authorization: `Bearer ${await api.token('li-na')}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const file = await fetch(new URL(res.headers.get('location')!, api.url));
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(thumb)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toContain(encodeURIComponent('学习现场照片_预览.jpg'));
    // The original is still the original.
    const orig = await api.call('GET', `/api/submissions/${id}/attachments/${photo.attachmentId}?link=1`, { as: 'li-na' });
    expect(Buffer.from(await (await fetch(new URL(orig.body.url, api.url))).arrayBuffer()).equals(JPG)).toBe(true);
    // Access is the record's: who may not see the record gets 404 for its preview too.
    expectProblem(await api.call('GET', `/api/submissions/${id}/attachments/${photo.attachmentId}?preview=1&link=1`, { as: 'other-office' }), 404);

    // One preview an image: a second is refused before anything is signed.
    const again = await preview(id, photo.attachmentId, thumb);
    expectProblem(again.signed, 409);
    // The history shows no new file: the evidence list is unchanged by a preview.
    const history = await api.call('GET', `/api/submissions/${id}/history`, { as: 'li-na' });
    expect(history.body.items.at(-1)).toMatchObject({ version: 5, change: 'attach' });
    expect(history.body.items.at(-1).changes ?? []).toEqual([]);
  });

  it('refuses a preview of a file that is not an image, of nothing, that is not a JPEG, or too big, leaving the record as it was', async () => {
    const id = await newRecord();
    const pdf = await attach(id, '会议纪要.pdf', PDF);
    const photo = await attach(id, '学习现场照片.jpg', JPG);
    const before = await current(id);

    expectProblem((await preview(id, pdf.attachmentId, JPG)).signed, 415);
    expectProblem((await preview(id, '01ARZ3NDEKTSV4RRFFQ69G5FAV', JPG)).signed, 404);
    expectProblem((await preview(id, '../x', JPG)).signed, 400);
    expectProblem((await preview(id, photo.attachmentId, fixture('photo.png'), 'li-na', 'image/png')).signed, 415);
    expectProblem((await preview(id, photo.attachmentId, Buffer.alloc(512 * 1024 + 1, 0xff))).signed, 413);
    // Declared a JPEG, but HTML arrives: refused at finalise and removed.
    const html = await preview(id, photo.attachmentId, HTML);
    expect(html.signed.status).toBe(201);
    expectProblem(html.fin!, 415);
    // Someone who can see the record but not change it.
    expectProblem((await preview(id, photo.attachmentId, JPG, 'zhang-wei')).signed, 403);

    const after = await current(id);
    expect(after.version).toBe(before.version);
    expect(after.attachments).toEqual(before.attachments);
    expect(filesOf(id).sort()).toEqual([`evidence/${pdf.attachmentId}`, `evidence/${photo.attachmentId}`].sort());
    expectProblem(await api.call('GET', `/api/submissions/${id}/attachments/${photo.attachmentId}?preview=1`, { as: 'li-na' }), 404);
  });
});

describe('the same attachment path against S3 (s3rver) and the local store', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-attachments-'));
  let server: S3rver;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, finalises and downloads one file through each, with the same bytes and SHA-256', async () => {
    // Local: through the HTTP adapter.
    const id = await newRecord();
    const local = await attach(id, '签到表.pdf', PDF);
    expect(local.status).toBe(200);
    const localLink = (await api.call('GET', `/api/submissions/${id}/attachments/${local.attachmentId}?link=1`, { as: 'li-na' })).body.url;
    const localBytes = Buffer.from(await (await fetch(new URL(localLink, api.url))).arrayBuffer());

    // S3: the same core calls with the S3 store, on the same table, the browser's form POST to s3rver.
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'evidence' }] });
    const { port } = await server.run();
    const doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
    const config = readConfig();
    const deps: EvidenceDeps = {
      ...getDeps(),
      evidence: {
        blobs: s3EvidenceStore({ bucket: 'evidence', region: 'cn-northwest-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
        uploads: dynamoPendingUploads(doc, config.TABLE_NAME),
        limits: evidenceLimits(config),
      },
    };
    const caller = { id: 'li-na', unit: 'example-bureau', roles: ['leader' as const] };
    const signed = await requestUpload(deps, caller, id, { name: '签到表.pdf', size: PDF.length });
    expect(signed.upload.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/evidence/);
    const posted = await postForm(signed.upload, PDF, '签到表.pdf');
    expect(posted.status).toBeLessThan(300);
    const fin = await finaliseAttachment(deps, caller, id, signed.attachmentId);
    expect(fin.record.attachments!.map((a) => a.sha256)).toEqual([sha(PDF), sha(PDF)]);
    const s3Res = await fetch(await attachmentLink(deps, caller, id, signed.attachmentId));
    expect(s3Res.status).toBe(200);
    const s3Bytes = Buffer.from(await s3Res.arrayBuffer());
    expect(s3Res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('签到表.pdf')}`);
    doc.destroy();

    expect([sha(localBytes), sha(s3Bytes)]).toEqual([sha(PDF), sha(PDF)]);
    const history = await api.call('GET', `/api/submissions/${id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: any) => h.change)).toEqual(['create', 'attach', 'attach']);
  });
});
