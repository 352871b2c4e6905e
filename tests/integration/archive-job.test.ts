/**
 * The period's archive (档案包) as a job, end to end through the HTTP adapter: records with
 * evidence attached through the real upload path, the ledger compiled, POST /api/archives → 202,
 * the local worker writes the zip, the file downloaded through its signed link; its entries, names
 * and SHA-256 match the records, and `unzip -l` shows the Chinese names. Then the same at the
 * issue's scale (50 records, 120 attachments), with the workbook inside the zip opened in LibreOffice.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePaths } from '../../functions/core/evidence/index.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { startTestApi, TEMPLATES_DIR, type TestApi } from '../helpers/api.js';
import { fixture, goodFiles } from '../helpers/evidence.js';
import { openWorkbook } from '../helpers/ledger.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'archive-job-'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function attach(id: string, as: string, name: string, bytes: Buffer) {
  const signed = await api.call('POST', `/api/submissions/${id}/attachments`, { as, body: { name, size: bytes.length } });
  expect(signed.status, JSON.stringify(signed.body)).toBe(201);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed.body.upload.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  expect((await fetch(new URL(signed.body.upload.url, api.url), { method: 'POST', body: form })).status).toBe(204);
  const fin = await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as });
  expect(fin.status, JSON.stringify(fin.body)).toBe(200);
  return { attachmentId: signed.body.attachmentId as string };
}

function readZip(file: string): Promise<{ name: string; bytes: Buffer; utf8: boolean }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: { name: string; bytes: Buffer; utf8: boolean }[] = [];
      zip.on('entry', (e: yauzl.Entry) =>
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          buffer(stream).then((bytes) => {
            out.push({ name: e.fileName, bytes, utf8: (e.generalPurposeBitFlag & 0x800) !== 0 });
            zip.readEntry();
          }, reject);
        }),
      );
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The workbook's 佐证材料目录 sheet as archive path → SHA-256, for every file it lists. */
async function indexSheet(workbook: Buffer): Promise<Map<string, string>> {
  const index = (await openWorkbook(workbook)).worksheets.find((w) => w.name === '佐证材料目录')!;
  let header: string[] = [];
  index.eachRow((row) => {
    const values = (row.values as unknown[]).map(String);
    if (!header.length && values.includes('档案包中的位置')) header = values;
  });
  const at = (h: string) => header.indexOf(h);
  const indexed = new Map<string, string>();
  index.eachRow((row) => {
    const path = row.getCell(at('档案包中的位置')).value;
    if (typeof path === 'string' && path.startsWith('佐证材料/')) indexed.set(path, String(row.getCell(at('SHA-256')).value));
  });
  return indexed;
}

/** Runs `task` over `items` with at most `limit` in flight, so the API sees load a phone crowd would make, not a flood. */
async function inPool<T>(items: T[], limit: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

describe('the archive job', () => {
  it('refuses a period whose ledger is not compiled, and those who may not compile', async () => {
    const res = await api.call('POST', '/api/archives', { as: 'sun-li', body: { period: '2026-10' } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('汇编');
    expect((await api.call('POST', '/api/archives', { as: 'li-na', body: { period: '2026-11' } })).status).toBe(403);
    expect((await api.call('POST', '/api/archives', { as: 'sun-li', body: { period: '十一月' } })).status).toBe(400);
    expect((await api.call('GET', '/api/archives/2026-11.01ARZ3NDEKTSV4RRFFQ69G5FAV', { as: 'sun-li' })).status).toBe(404);
  });

  it('writes the period into one zip: the workbook and every attachment under 佐证材料/<台账>/<记录编号>_<文件名>', async () => {
    const files = await goodFiles();
    const report = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const study = await api.call('POST', '/api/submissions', { as: 'zhang-wei', body: studySession({ date: '2026-11-10' }) });
    // A record outside the period, whose evidence must stay out.
    const other = await api.call('POST', '/api/submissions', { as: 'zhang-wei', body: studySession({ date: '2026-10-10' }) });
    for (const f of files.slice(0, 6)) await attach(report.body.id, 'li-na', f.name, f.bytes);
    for (const f of files.slice(6)) await attach(study.body.id, 'zhang-wei', f.name, f.bytes);
    const photo = await attach(study.body.id, 'zhang-wei', '学习现场照片.jpg', fixture('photo.jpg'));
    // The photo's preview (bytes unlike every file above) belongs to it and stays out of the archive.
    const thumb = Buffer.concat([fixture('photo.jpg'), Buffer.from('preview')]);
    const signedPreview = await api.call('POST', `/api/submissions/${study.body.id}/attachments`, {
      as: 'zhang-wei',
      body: { previewOf: photo.attachmentId, size: thumb.length, type: 'image/jpeg' },
    });
    expect(signedPreview.status, JSON.stringify(signedPreview.body)).toBe(201);
    const previewForm = new FormData();
    for (const [k, v] of Object.entries(signedPreview.body.upload.fields as Record<string, string>)) previewForm.append(k, v);
    previewForm.append('file', new Blob([new Uint8Array(thumb)]), 'preview.jpg');
    expect((await fetch(new URL(signedPreview.body.upload.url, api.url), { method: 'POST', body: previewForm })).status).toBe(204);
    const previewed = await api.call('POST', `/api/submissions/${study.body.id}/attachments/${signedPreview.body.attachmentId}/finalise`, { as: 'zhang-wei' });
    expect(previewed.status, JSON.stringify(previewed.body)).toBe(200);
    await attach(other.body.id, 'zhang-wei', '十月照片.jpg', fixture('photo.jpg'));

    const { job: compiled } = await api.compileWorkbook('sun-li', { period: '2026-11' });
    const started = await api.call('POST', '/api/archives', { as: 'sun-li', body: { period: '2026-11' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await api.waitForJob(started.headers.get('location')!, 'sun-li');
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.archive).toMatchObject({ status: 'done', attachments: 11, entries: 12 });
    expect(job.progress).toEqual({ done: 11, total: 11 });

    const link = await api.call('GET', `${job.archive.file}?link=1`, { as: 'sun-li' });
    expect(link.status).toBe(200);
    const res = await fetch(new URL(link.body.url, api.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(job.archive.filename)}`);
    const zipBytes = Buffer.from(await res.arrayBuffer());
    expect(sha(zipBytes)).toBe(job.archive.sha256);
    const file = join(dir, 'archive.zip');
    writeFileSync(file, zipBytes);

    const catalog = readCatalog(TEMPLATES_DIR);
    const rec = async (id: string) => (await api.call('GET', `/api/submissions/${id}`, { as: 'sun-li' })).body;
    const expected = new Map<string, string>();
    for (const r of [await rec(report.body.id), await rec(study.body.id)]) {
      expect(r.number).toMatch(/^\S+-2026-\d{3}$/);
      const paths = archivePaths(catalog.form(r.templateId)!.ledgerTitle, r.number, r.attachments.map((a: any) => a.name));
      r.attachments.forEach((a: any, i: number) => expected.set(paths[i]!, a.sha256));
    }
    const entries = await readZip(file);
    expect(entries[0]!.name).toBe(compiled.compilation.filename);
    const attached = new Map(entries.slice(1).map((e) => [e.name, sha(e.bytes)]));
    expect(attached).toEqual(expected);
    // The workbook inside lists the same files at the same paths with the same SHA-256 (佐证材料目录).
    expect(await indexSheet(entries[0]!.bytes)).toEqual(expected);
    expect(entries.every((e) => e.utf8)).toBe(true);
    expect([...attached.keys()].some((n) => n.includes('十月'))).toBe(false);
    expect(entries.some((e) => sha(e.bytes) === sha(thumb) || e.name.includes('预览'))).toBe(false);

    const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
    for (const name of expected.keys()) expect(listing).toContain(name);
    expect(listing).toContain('佐证材料/');

    const listed = await api.call('GET', '/api/archives?period=2026-11', { as: 'sun-li' });
    expect(listed.body.items.map((a: any) => [a.id, a.status])).toEqual([[job.id, 'done']]);
  });

  it('archives a period at the issue\'s scale: 50 records and 120 attachments, listed alike in the zip and the index sheet, the workbook opening in LibreOffice', async () => {
    const files = await goodFiles();
    // 50 records of two forms by two people in 2026-09 (a period the other tests leave alone);
    // the first 20 carry three files and the other 30 two: 120 in all, every accepted kind.
    const records = Array.from({ length: 50 }, (_, i) => {
      const day = String((i % 28) + 1).padStart(2, '0');
      return i % 2
        ? { as: 'li-na', body: memberReport({ reportDate: `2026-09-${day}`, summary: `九月第${i + 1}份分管领域意识形态工作汇报。` }) }
        : { as: 'zhang-wei', body: studySession({ date: `2026-09-${day}`, topic: `意识形态工作专题学习（第${i + 1}次）` }) };
    });
    const ids: string[] = [];
    await inPool(records, 4, async (r, i) => {
      const res = await api.call('POST', '/api/submissions', { as: r.as, body: r.body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids[i] = res.body.id;
    });
    let attachedCount = 0;
    await inPool(ids, 4, async (id, i) => {
      const count = i < 20 ? 3 : 2;
      // Attachments of one record go one after another: each is a new version of that record.
      for (let k = 0; k < count; k++) {
        const f = files[(i * 3 + k) % files.length]!;
        await attach(id, records[i]!.as, f.name, f.bytes);
        attachedCount++;
      }
    });
    expect(attachedCount).toBe(120);

    await api.compileWorkbook('sun-li', { period: '2026-09' });
    const started = await api.call('POST', '/api/archives', { as: 'sun-li', body: { period: '2026-09' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await api.waitForJob(started.headers.get('location')!, 'sun-li');
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.archive).toMatchObject({ status: 'done', attachments: 120, entries: 121 });
    const link = await api.call('GET', `${job.archive.file}?link=1`, { as: 'sun-li' });
    const zipBytes = Buffer.from(await (await fetch(new URL(link.body.url, api.url))).arrayBuffer());
    expect(sha(zipBytes)).toBe(job.archive.sha256);
    const scale = join(dir, 'scale');
    mkdirSync(scale);
    const file = join(scale, 'archive.zip');
    writeFileSync(file, zipBytes);

    // What the records say they carry, at the paths the archive promises.
    const catalog = readCatalog(TEMPLATES_DIR);
    const expected = new Map<string, string>();
    for (const id of ids) {
      const r = (await api.call('GET', `/api/submissions/${id}`, { as: 'sun-li' })).body;
      const paths = archivePaths(catalog.form(r.templateId)!.ledgerTitle, r.number, r.attachments.map((a: any) => a.name));
      r.attachments.forEach((a: any, i: number) => expected.set(paths[i]!, a.sha256));
    }
    expect(expected.size).toBe(120);
    const entries = await readZip(file);
    expect(entries).toHaveLength(121);
    expect(entries.every((e) => e.utf8)).toBe(true);
    expect(new Map(entries.slice(1).map((e) => [e.name, sha(e.bytes)]))).toEqual(expected);
    expect(await indexSheet(entries[0]!.bytes)).toEqual(expected);

    const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
    for (const name of expected.keys()) expect(listing).toContain(name);
    expect(listing).toMatch(/121 files/);

    // The workbook as it sits in the zip, taken out by unzip itself, opens in LibreOffice and prints.
    const xlsx = join(scale, 'ledger.xlsx');
    writeFileSync(xlsx, execFileSync('unzip', ['-p', file, entries[0]!.name], { maxBuffer: 64 * 1024 * 1024 }));
    expect(readFileSync(xlsx).equals(entries[0]!.bytes)).toBe(true);
    await promisify(execFile)(
      'soffice',
      [`-env:UserInstallation=file://${join(scale, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', scale, xlsx],
      { timeout: 120_000 },
    );
    const pdf = readFileSync(join(scale, 'ledger.pdf')).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThan(1);
  }, 180_000);
});
