import { describe, expect, it } from 'vitest';
import {
  ACCEPT,
  archivePaths,
  checkStored,
  cleanFileName,
  detectEvidence,
  EVIDENCE_TYPES,
  evidenceType,
  MAX_NAME_CHARS,
  planUpload,
  typeOfName,
  uniqueName,
  type EvidenceLimits,
} from '../../functions/core/evidence/index.js';
import { AppError } from '../../functions/core/errors.js';
import { evidenceLimits, readConfig } from '../../functions/config.js';
import { EXE, fixture, goodFiles, HTML, SVG, zipOf } from '../helpers/evidence.js';

const LIMITS: EvidenceLimits = { maxFileBytes: 20 * 1024 * 1024, maxFilesPerRecord: 30, uploadSeconds: 600 };

/** The AppError a call throws, so a test can read its status, detail and field errors. */
function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('file names', () => {
  it('keeps Chinese names, full-width punctuation and spaces as they are', () => {
    expect(cleanFileName('2026年11月 理论学习（第三次）签到表.jpg')).toEqual({ ok: true, name: '2026年11月 理论学习（第三次）签到表.jpg' });
    expect(cleanFileName('𠮷野家.pdf')).toEqual({ ok: true, name: '𠮷野家.pdf' });
  });

  it('refuses a path, whether with ../ or a Windows backslash', () => {
    for (const name of ['../../etc/passwd.jpg', '..\\..\\boot.ini.pdf', 'a/b.jpg', '/tmp/x.png']) {
      const r = cleanFileName(name);
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.message).toContain('路径');
    }
  });

  it('refuses control characters, bidirectional overrides and lone surrogates', () => {
    for (const name of ['签到\u0000表.jpg', '签到\n表.jpg', '\u007f.jpg', '照片\u202egpj.exe', 'a\u200b.jpg', 'x\ud800.jpg']) {
      const r = cleanFileName(name);
      expect(r.ok, JSON.stringify(name)).toBe(false);
      if (!r.ok) expect(r.message).toContain('控制字符');
    }
  });

  it(`refuses names over ${MAX_NAME_CHARS} characters and takes one of exactly ${MAX_NAME_CHARS}`, () => {
    expect(cleanFileName(`${'长'.repeat(296)}.jpg`)).toMatchObject({ ok: false, message: expect.stringContaining('过长') });
    expect(cleanFileName(`${'长'.repeat(MAX_NAME_CHARS - 4)}.jpg`)).toMatchObject({ ok: true });
    expect(cleanFileName(`${'长'.repeat(MAX_NAME_CHARS - 3)}.jpg`)).toMatchObject({ ok: false });
  });

  it('cleans what Windows would refuse: reserved characters, trailing dots and spaces, device names', () => {
    expect(cleanFileName('会议: 纪要?.pdf')).toEqual({ ok: true, name: '会议_ 纪要_.pdf' });
    expect(cleanFileName('纪要.pdf. . ')).toEqual({ ok: true, name: '纪要.pdf' });
    expect(cleanFileName('CON.jpg')).toEqual({ ok: true, name: '_CON.jpg' });
    expect(cleanFileName('lpt1.tar.pdf')).toEqual({ ok: true, name: '_lpt1.tar.pdf' });
    expect(cleanFileName('console.jpg')).toEqual({ ok: true, name: 'console.jpg' });
    expect(cleanFileName('  签到表\u3000\u3000.jpg  ')).toEqual({ ok: true, name: '签到表 .jpg' });
  });

  it('refuses an empty name or one that is only an extension', () => {
    for (const name of ['', '   ', '.jpg', undefined, 42]) expect(cleanFileName(name).ok, String(name)).toBe(false);
  });

  it('makes names unique within a record, as Windows compares them (without case)', () => {
    const taken = new Set<string>();
    expect(['照片.jpg', '照片.JPG', '照片.jpg', '纪要'].map((n) => uniqueName(n, taken))).toEqual(['照片.jpg', '照片 (2).JPG', '照片 (3).jpg', '纪要']);
  });
});

describe('accepted types', () => {
  it('are named once, each extension to one type', () => {
    const exts = EVIDENCE_TYPES.flatMap((t) => t.extensions);
    expect(new Set(exts).size).toBe(exts.length);
    expect(typeOfName('IMG_0001.HEIC')?.kind).toBe('heic');
    expect(typeOfName('a.jpeg')?.kind).toBe('jpeg');
    expect(typeOfName('a.svg')).toBeUndefined();
    expect(typeOfName('jpg')).toBeUndefined();
    expect(ACCEPT.split(',')).toContain('.ofd');
  });
});

describe('detection from the bytes', () => {
  it('recognises a real file of every accepted kind', async () => {
    const files = await goodFiles();
    expect(new Set(files.map((f) => f.kind))).toEqual(new Set(EVIDENCE_TYPES.map((t) => t.kind)));
    for (const f of files) expect((await detectEvidence(f.bytes)), f.name).toEqual({ ok: true, type: evidenceType(f.kind) });
  });

  it('refuses HTML, SVG and other markup, an executable, an archive, empty and unknown bytes', async () => {
    expect(await detectEvidence(HTML)).toEqual({ ok: false, reason: 'markup' });
    expect(await detectEvidence(SVG)).toMatchObject({ ok: false, reason: 'markup' });
    expect(await detectEvidence(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatchObject({ ok: false, reason: 'markup' });
    expect(await detectEvidence(Buffer.from('\ufeff  <html></html>'))).toMatchObject({ ok: false, reason: 'markup' });
    expect(await detectEvidence(EXE)).toEqual({ ok: false, reason: 'executable', found: 'exe' });
    expect(await detectEvidence(await zipOf({ '照片.jpg': fixture('photo.jpg') }))).toEqual({ ok: false, reason: 'archive', found: 'zip' });
    expect(await detectEvidence(new Uint8Array(0))).toEqual({ ok: false, reason: 'empty' });
    expect(await detectEvidence(Buffer.from('#!/bin/sh\nrm -rf /\n'))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('tells a Word 97 file from an Excel 97 file by the streams inside the compound file', async () => {
    expect(await detectEvidence(fixture('minutes.doc'))).toMatchObject({ ok: true, type: { kind: 'doc' } });
    expect(await detectEvidence(fixture('sign-in.xls'))).toMatchObject({ ok: true, type: { kind: 'xls' } });
  });

  it('recognises OOXML from the central directory when its content types come last', async () => {
    // A minimal workbook whose [Content_Types].xml is the last entry, as exceljs writes it.
    const bytes = await zipOf({ 'xl/workbook.xml': '<workbook/>', '_rels/.rels': '<Relationships/>', '[Content_Types].xml': '<Types/>' });
    expect(await detectEvidence(bytes)).toMatchObject({ ok: true, type: { kind: 'xlsx' } });
  });

  it('takes a ZIP as OFD only with OFD.xml at its root', async () => {
    expect(await detectEvidence(await zipOf({ 'Doc_0/OFD.xml': '<x/>' }))).toMatchObject({ ok: false, reason: 'archive' });
  });
});

describe('before signing an upload', () => {
  it('gives the cleaned name, the type from the extension and the exact size', () => {
    expect(planUpload({ name: '签到表.JPG', size: 1000, type: 'image/jpeg' }, LIMITS, 0)).toEqual({ name: '签到表.JPG', type: evidenceType('jpeg'), size: 1000 });
    // Phones and Windows often send no type for HEIC and OFD: the name decides.
    expect(planUpload({ name: 'IMG_1.heic', size: 5, type: '' }, LIMITS, 0).type.kind).toBe('heic');
    expect(planUpload({ name: '材料.ofd', size: 5, type: 'application/octet-stream' }, LIMITS, 0).type.kind).toBe('ofd');
  });

  it('refuses a type the product does not take (415), naming what it does take', () => {
    for (const name of ['页面.html', '图标.svg', '脚本.js', 'setup.exe', '材料.zip', '材料.rar', '无扩展名']) {
      const e = refusal(() => planUpload({ name, size: 10 }, LIMITS, 0));
      expect(e.status, name).toBe(415);
      expect(e.detail).toContain('JPG、PNG、WEBP、HEIC、PDF、DOCX、XLSX、DOC、XLS、OFD');
    }
  });

  it('refuses a declared type that contradicts the name', () => {
    const e = refusal(() => planUpload({ name: '照片.jpg', size: 10, type: 'text/html' }, LIMITS, 0));
    expect(e.status).toBe(415);
    expect(e.errors).toEqual([{ path: 'type', message: '文件类型（text/html）与文件名（照片.jpg）不符' }]);
  });

  it('refuses zero bytes (400), one byte over the limit (413), and the file after the last allowed (409)', () => {
    expect(refusal(() => planUpload({ name: 'a.pdf', size: 0 }, LIMITS, 0)).status).toBe(400);
    expect(planUpload({ name: 'a.pdf', size: LIMITS.maxFileBytes }, LIMITS, 0).size).toBe(LIMITS.maxFileBytes);
    const over = refusal(() => planUpload({ name: 'a.pdf', size: LIMITS.maxFileBytes + 1 }, LIMITS, 0));
    expect([over.status, over.detail]).toEqual([413, '文件过大（20 MB），每个文件最大 20 MB']);
    expect(planUpload({ name: 'a.pdf', size: 1 }, LIMITS, 29).name).toBe('a.pdf');
    const full = refusal(() => planUpload({ name: 'a.pdf', size: 1 }, LIMITS, 30));
    expect([full.status, full.detail]).toEqual([409, '每条记录最多 30 个佐证材料，已达上限']);
  });

  it('refuses bad names with the field path, and malformed requests with each field', () => {
    const e = refusal(() => planUpload({ name: '../x.pdf', size: 1 }, LIMITS, 0));
    expect([e.status, e.errors?.[0]?.path]).toEqual([400, 'name']);
    const bad = refusal(() => planUpload({ name: 3, size: -1, extra: true }, LIMITS, 0));
    expect(bad.status).toBe(400);
    expect(bad.errors?.map((x) => x.path).sort()).toEqual(['extra', 'name', 'size']);
  });
});

describe('after the bytes are stored', () => {
  const planned = planUpload({ name: '会议纪要.pdf', size: 100 }, LIMITS, 0);
  const pdf = { ok: true as const, type: evidenceType('pdf') };

  it('accepts the planned size, type and content', () => {
    expect(checkStored(planned, { size: 100, contentType: 'application/pdf' }, pdf, LIMITS)).toBe(evidenceType('pdf'));
  });

  it('refuses a size other than the one signed, or over the limit, or zero', () => {
    expect(refusal(() => checkStored(planned, { size: 101 }, pdf, LIMITS)).status).toBe(400);
    expect(refusal(() => checkStored(planned, { size: LIMITS.maxFileBytes + 1 }, pdf, LIMITS)).status).toBe(413);
    expect(refusal(() => checkStored(planned, { size: 0 }, pdf, LIMITS)).detail).toBe('文件是空的（0 字节）');
  });

  it('refuses a stored Content-Type other than the signed one', () => {
    expect(refusal(() => checkStored(planned, { size: 100, contentType: 'text/html' }, pdf, LIMITS)).status).toBe(415);
  });

  it('refuses content that is not what the name says, with the reason in Chinese', async () => {
    const exe = refusal(() => checkStored(planned, { size: 100 }, { ok: false, reason: 'executable', found: 'exe' }, LIMITS));
    expect([exe.status, exe.detail]).toEqual([415, '会议纪要.pdf：这是可执行程序或安装包，不能作为佐证材料']);
    const jpg = refusal(() => checkStored(planned, { size: 100 }, { ok: true, type: evidenceType('jpeg') }, LIMITS));
    expect(jpg.detail).toBe('会议纪要.pdf：文件内容是JPEG 图片，与文件名不符；请使用正确的扩展名（.jpg）');
    const html = planUpload({ name: '照片.jpg', size: HTML.length }, LIMITS, 0);
    expect(refusal(() => checkStored(html, { size: HTML.length }, { ok: false, reason: 'markup' }, LIMITS)).detail).toContain('网页');
  });
});

describe('configuration', () => {
  it('takes the example limits by default and the unit\'s own when set', () => {
    expect(evidenceLimits(readConfig({ TABLE_NAME: 'abc' }))).toEqual({ maxFileBytes: 20 * 1024 * 1024, maxFilesPerRecord: 30, uploadSeconds: 600 });
    expect(evidenceLimits(readConfig({ TABLE_NAME: 'abc', EVIDENCE_MAX_FILE_MB: '5.5', EVIDENCE_MAX_FILES: '10', EVIDENCE_UPLOAD_SECONDS: '300' }))).toEqual({
      maxFileBytes: 5.5 * 1024 * 1024,
      maxFilesPerRecord: 10,
      uploadSeconds: 300,
    });
    expect(() => readConfig({ TABLE_NAME: 'abc', EVIDENCE_MAX_FILE_MB: '500' })).toThrow(/EVIDENCE_MAX_FILE_MB/);
    expect(() => readConfig({ TABLE_NAME: 'abc', EVIDENCE_MAX_FILES: 'many' })).toThrow(/EVIDENCE_MAX_FILES/);
  });
});

describe('archive paths', () => {
  it('put each file under 佐证材料/<台账名称>/<记录编号>_<文件名>, repeated names made unique', () => {
    expect(archivePaths('理论学习记录', '学习-2026-003', ['签到表.jpg', '照片.jpg', '照片.jpg'])).toEqual([
      '佐证材料/理论学习记录/学习-2026-003_签到表.jpg',
      '佐证材料/理论学习记录/学习-2026-003_照片.jpg',
      '佐证材料/理论学习记录/学习-2026-003_照片 (2).jpg',
    ]);
  });

  it('keep a ledger title or record number from making folders of its own', () => {
    expect(archivePaths('意识形态/舆情: 研判.', '研判\\2026\u0000', ['a.pdf'])).toEqual(['佐证材料/意识形态_舆情_ 研判/研判_2026__a.pdf']);
  });
});
