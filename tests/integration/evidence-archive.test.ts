/**
 * The period's archive (档案包), written for real: a compiled workbook and 120 attachments of 50
 * records, read back with yauzl, `unzip` and exceljs; ZIP64 forced and found in the bytes; and a
 * blob failing mid-stream, locally and into an S3 multipart upload on s3rver, leaving nothing.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePaths, typeOfMime } from '../../functions/core/evidence/index.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { AttachmentRef, RecordState } from '../../functions/core/records/record.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { EvidenceIntegrityError, fileSink, writeArchive, type ArchiveItem, type ArchiveSpec } from '../../functions/ledger/archive.js';
import { writeWorkbook } from '../../functions/ledger/workbook.js';
import { s3ArchiveSink, PART_BYTES } from '../../functions/store/archive-sink.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { goodFiles } from '../helpers/evidence.js';
import { fixedContent, openWorkbook } from '../helpers/ledger.js';

const catalog = readCatalog(TEMPLATES_DIR);
const study = catalog.form('study-session')!;
const org = catalog.exampleOrganisation;
const dir = mkdtempSync(join(tmpdir(), 'evidence-archive-'));
const blobDir = join(dir, 'blobs');
const WORKBOOK = '2026年11月意识形态工作台账.xlsx';
const DATE = new Date('2026-12-01T01:00:00+08:00');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Fixture {
  records: RecordState[];
  /** Each attachment's archive path and bytes, as the index sheet would list them. */
  expected: Map<string, Buffer>;
  workbookFile: string;
}
let fx: Fixture;

/** 50 records of the study-session ledger with 120 attachments between them (0 to 4 each, some names repeated). */
async function makeFixture(): Promise<Fixture> {
  mkdirSync(blobDir, { recursive: true });
  const kinds = await goodFiles();
  const records: RecordState[] = [];
  const expected = new Map<string, Buffer>();
  let n = 0;
  for (let i = 1; i <= 50; i++) {
    const count = i <= 20 ? 4 : i <= 40 ? 2 : 0;
    const attachments: AttachmentRef[] = [];
    for (let j = 0; j < count; j++, n++) {
      const repeated = j === 1 && i % 5 === 0; // a repeated name (and kind) now and then
      const kind = kinds[(repeated ? n - 1 : n) % kinds.length]!;
      // The real file plus bytes of its own, so no two attachments hash alike.
      const bytes = Buffer.concat([kind.bytes, randomBytes(100 + (n % 7) * 1000)]);
      const id = `ATT${String(n).padStart(23, '0')}`;
      writeFileSync(join(blobDir, id), bytes);
      attachments.push({ id, name: kind.name, type: typeOfMime(kindMime(kind.name))!.mime, size: bytes.length, sha256: sha(bytes), addedAt: '2026-11-20T02:00:00.000Z', addedBy: 'sun-li' });
    }
    const number = `学习-2026-${String(i).padStart(3, '0')}`;
    archivePaths(study.title, number, attachments.map((a) => a.name)).forEach((p, k) => expected.set(p, readFileSync(join(blobDir, attachments[k]!.id))));
    records.push(record(i, number, attachments));
  }
  expect(n).toBe(120);
  const workbookFile = join(dir, 'ledger.xlsx');
  await writeWorkbook(
    {
      org,
      period: parsePeriod('2026-11')!,
      asOf: '2026-11-30',
      compiledAt: DATE,
      compiledBy: '孙丽（示例）',
      trigger: 'on-demand',
      content: fixedContent(),
      ledgers: catalog.forms.map((form) => ({ form, records: () => fromArray(form.id === study.id ? records : []) })),
    },
    workbookFile,
  );
  return { records, expected, workbookFile };
}

const kindMime = (name: string) => ({ jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic', pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', doc: 'application/msword', xls: 'application/vnd.ms-excel', ofd: 'application/ofd' })[name.slice(name.lastIndexOf('.') + 1).toLowerCase()]!;

function record(i: number, number: string, attachments: AttachmentRef[]): RecordState {
  const day = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`;
  return {
    id: `01TESTARCHIVE${String(i).padStart(13, '0')}`,
    unit: org.unit.id,
    templateId: study.id,
    version: 1,
    status: 'active',
    date: day,
    period: '2026-11',
    owner: 'sun-li',
    number,
    attachments,
    data: { sessionType: '意识形态专题学习', date: day, location: '局三楼会议室', format: '集中学习', topic: `第${i}次专题学习`, content: '学习', host: 'zhang-wei', speakers: ['li-na'], expected: 12, attended: 11, recorder: 'sun-li' },
    createdAt: '2026-11-20T02:00:00.000Z',
    createdBy: 'sun-li',
    updatedAt: '2026-11-20T02:00:00.000Z',
    updatedBy: 'sun-li',
  };
}

async function* fromArray<T>(list: T[]): AsyncGenerator<T> {
  for (const x of list) yield x;
}

/** The archive's items as the archive job will make them: each record's attachments, opened from the blob store. */
async function* itemsOf(records: RecordState[], open: (a: AttachmentRef) => Promise<Readable | undefined> = async (a) => createReadStream(join(blobDir, a.id))): AsyncGenerator<ArchiveItem> {
  for (const r of records) for (const a of r.attachments ?? []) yield { recordNumber: r.number!, ledgerName: study.title, attachment: a, open: () => open(a) };
}

const spec = (over: Partial<ArchiveSpec> = {}): ArchiveSpec => ({
  workbook: { name: WORKBOOK, open: async () => createReadStream(fx.workbookFile) },
  items: itemsOf(fx.records),
  date: DATE,
  ...over,
});

interface ReadEntry {
  name: string;
  bytes: Buffer;
  flags: number;
  method: number;
  extraIds: number[];
}

/** Every entry of a zip file, its bytes inflated, read with yauzl (which checks each CRC). */
function readZip(file: string): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: ReadEntry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          buffer(stream).then((bytes) => {
            out.push({ name: e.fileName, bytes, flags: e.generalPurposeBitFlag, method: e.compressionMethod, extraIds: e.extraFields.map((f) => f.id) });
            zip.readEntry();
          }, reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const listDir = (d: string) => readdirSync(d).filter((f) => f.startsWith('archive'));

beforeAll(async () => {
  fx = await makeFixture();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the archive of a period', () => {
  let file: string;
  let entries: ReadEntry[];
  let result: Awaited<ReturnType<typeof writeArchive>>;

  beforeAll(async () => {
    file = join(dir, 'archive.zip');
    result = await writeArchive(spec(), fileSink(file));
    entries = await readZip(file);
  }, 60_000);

  it('holds the workbook at its root and every attachment under its path, each with the bytes recorded', () => {
    expect(result.entries).toBe(121);
    expect(entries.map((e) => e.name)).toEqual([WORKBOOK, ...fx.expected.keys()]);
    for (const e of entries.slice(1)) expect(sha(e.bytes), e.name).toBe(sha(fx.expected.get(e.name)!));
    expect(entries.filter((e) => e.name.endsWith('(2).jpg') || / \(2\)\./.test(e.name)).length).toBeGreaterThan(0);
    const bytes = readFileSync(file);
    expect([result.size, result.sha256]).toEqual([bytes.length, sha(bytes)]);
    expect(listDir(dir)).toEqual(['archive.zip']);
  });

  it('flags every name UTF-8 (bit 11), stores the compressed kinds and deflates DOC and XLS', () => {
    for (const e of entries) expect(e.flags & 0x800, e.name).toBe(0x800);
    for (const e of entries) {
      const ext = e.name.slice(e.name.lastIndexOf('.') + 1).toLowerCase();
      expect(e.method, e.name).toBe(ext === 'doc' || ext === 'xls' ? 8 : 0);
    }
  });

  it('lists the Chinese names in unzip, which also finds every CRC right', () => {
    const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' } });
    expect(listing).toContain(WORKBOOK);
    expect(listing).toContain('佐证材料/理论学习记录/学习-2026-001_学习现场照片.jpg');
    expect(listing).toContain('121 files');
    expect(execFileSync('unzip', ['-tq', file], { encoding: 'utf8' })).toContain('No errors detected');
  });

  it('carries a workbook that exceljs opens, with the records in its ledger sheet', async () => {
    const wb = await openWorkbook(entries[0]!.bytes);
    const ws = wb.getWorksheet(study.title)!;
    expect(ws).toBeDefined();
    const cells = ws.getSheetValues().flat().map(String);
    expect(cells.some((v) => v.includes('第50次专题学习'))).toBe(true);
  });

  it('has no ZIP64 records when nothing passes 4 GB', () => {
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
    for (const e of entries) expect(e.extraIds).not.toContain(0x0001);
  });
});

describe('ZIP64', () => {
  it('when forced, writes the ZIP64 end records and every entry\'s ZIP64 extra field, and still reads back whole', async () => {
    const file = join(dir, 'archive64.zip');
    await writeArchive(spec({ forceZip64: true }), fileSink(file));
    const bytes = readFileSync(file);
    // End of central directory: the classic record, before it the ZIP64 locator, before that the ZIP64 record.
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    expect(bytes.readUInt32LE(eocd - 20)).toBe(0x07064b50);
    const zip64End = Number(bytes.readBigUInt64LE(eocd - 20 + 8));
    expect(bytes.readUInt32LE(zip64End)).toBe(0x06064b50);
    expect(Number(bytes.readBigUInt64LE(zip64End + 32))).toBe(121);
    const entries = await readZip(file);
    expect(entries).toHaveLength(121);
    for (const e of entries) expect(e.extraIds, e.name).toContain(0x0001);
    for (const e of entries.slice(1)) expect(sha(e.bytes)).toBe(sha(fx.expected.get(e.name)!));
    expect(execFileSync('unzip', ['-tq', file], { encoding: 'utf8' })).toContain('No errors detected');
    rmSync(file);
  });
});

/** A blob that sends `before` bytes and then fails, as a dropped S3 connection does. */
function failingAfter(before: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= before) return this.destroy(new Error('connection reset by the blob store'));
      const chunk = randomBytes(Math.min(64 * 1024, before - sent));
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe('a failure part-way', () => {
  it('rejects with the blob\'s error and leaves no file, not even a part', async () => {
    const broken = fx.records[10]!.attachments![1]!.id;
    const file = join(dir, 'archive-broken.zip');
    await expect(
      writeArchive(spec({ items: itemsOf(fx.records, async (a) => (a.id === broken ? failingAfter(5000) : createReadStream(join(blobDir, a.id)))) }), fileSink(file)),
    ).rejects.toThrow('connection reset by the blob store');
    expect(listDir(dir)).toEqual(['archive.zip']);
  });

  it('refuses a blob whose bytes are not the ones recorded, or that is missing', async () => {
    const changed = fx.records[3]!.attachments![0]!;
    const file = join(dir, 'archive-changed.zip');
    const tampered = spec({ items: itemsOf(fx.records, async (a) => (a.id === changed.id ? Readable.from([Buffer.alloc(changed.size, 1)]) : createReadStream(join(blobDir, a.id)))) });
    await expect(writeArchive(tampered, fileSink(file))).rejects.toThrow(EvidenceIntegrityError);
    const missing = spec({ items: itemsOf(fx.records, async (a) => (a.id === changed.id ? undefined : createReadStream(join(blobDir, a.id)))) });
    await expect(writeArchive(missing, fileSink(file))).rejects.toThrow(/档案包缺少文件：佐证材料\/理论学习记录\/学习-2026-004_/);
    expect(listDir(dir)).toEqual(['archive.zip']);
  });
});

describe('the archive into S3', () => {
  const BUCKET = 'taizhang-archives';
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  let server: S3rver;
  let client: S3Client;
  const sent: string[] = [];

  beforeAll(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: BUCKET }] });
    const { port } = await server.run();
    client = new S3Client({ region: 'cn-northwest-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    client.middlewareStack.add((next, context) => (args) => {
      sent.push(context.commandName!);
      return next(args);
    }, { step: 'initialize' });
  });
  afterAll(async () => server?.close());

  /** Big incompressible attachments first, so parts are uploaded before anything fails. */
  function bigItems(fail: boolean): AsyncGenerator<ArchiveItem> {
    const parts = [randomBytes(6 << 20), randomBytes(6 << 20)];
    const ref = (i: number, b: Buffer): AttachmentRef => ({ id: `BIG${i}`, name: `扫描件${i}.pdf`, type: 'application/pdf', size: b.length, sha256: sha(b), addedAt: DATE.toISOString(), addedBy: 'sun-li' });
    return (async function* () {
      for (const [i, b] of parts.entries()) yield { recordNumber: '学习-2026-001', ledgerName: study.title, attachment: ref(i, b), open: async () => Readable.from([b]) };
      if (fail) yield { recordNumber: '学习-2026-002', ledgerName: study.title, attachment: ref(9, Buffer.alloc(1 << 20)), open: async () => failingAfter(500_000) };
    })();
  }

  it('streams a multipart upload that reads back as the same zip', async () => {
    const result = await writeArchive(spec({ items: bigItems(false) }), s3ArchiveSink(client, BUCKET, 'example-bureau/2026-11/archive.zip'));
    expect(result.size).toBeGreaterThan(PART_BYTES);
    expect(sent).toContain('CreateMultipartUploadCommand');
    expect(sent).toContain('CompleteMultipartUploadCommand');
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'example-bureau/2026-11/archive.zip' }));
    const bytes = Buffer.from(await out.Body!.transformToByteArray());
    expect([bytes.length, sha(bytes), out.ContentType]).toEqual([result.size, result.sha256, 'application/zip']);
    const file = join(dir, 'from-s3.zip');
    writeFileSync(file, bytes);
    expect((await readZip(file)).map((e) => e.name)).toEqual([WORKBOOK, '佐证材料/理论学习记录/学习-2026-001_扫描件0.pdf', '佐证材料/理论学习记录/学习-2026-001_扫描件1.pdf']);
    rmSync(file);
  });

  it('aborts the multipart upload when a blob fails, leaving no object', async () => {
    sent.length = 0;
    const key = 'example-bureau/2026-11/broken.zip';
    await expect(writeArchive(spec({ items: bigItems(true) }), s3ArchiveSink(client, BUCKET, key))).rejects.toThrow('connection reset by the blob store');
    expect(sent).toContain('UploadPartCommand');
    // s3rver answers AbortMultipartUpload with 405 (not implemented); S3 removes the parts.
    expect(sent).toContain('AbortMultipartUploadCommand');
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(existsSync(join(dir, 's3', BUCKET, key))).toBe(false);
    expect(statSync(join(dir, 's3')).isDirectory()).toBe(true);
  });
});
