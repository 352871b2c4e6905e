/**
 * The period's archive (档案包): one zip with the compiled workbook at its root and every
 * attachment under `佐证材料/<台账名称>/<记录编号>_<文件名>`, written as a stream: each blob is
 * opened only when its turn comes, checked against its recorded size and SHA-256 on the way
 * through, and the zip flows out to a sink (a file locally, an S3 multipart upload in the cloud)
 * at the pace the sink takes it, so memory stays flat whatever the total.
 *
 * yazl writes it: every name flagged UTF-8 (general purpose bit 11, so Windows' own unzip shows
 * Chinese), ZIP64 records wherever an offset or size passes 4 GB (or everywhere, when forced),
 * and per entry stored or deflated: already-compressed kinds are stored.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { archivePrefix, typeOfMime, uniqueName } from '../core/evidence/index.js';
import type { AttachmentRef } from '../core/records/record.js';

/** One attachment of one record, with the way to read its bytes. */
export interface ArchiveItem {
  /** The record's number (研判-2026-003), its folder-free name part. */
  recordNumber: string;
  /** The ledger (台账) the record belongs to: its folder. */
  ledgerName: string;
  attachment: AttachmentRef;
  /** The blob's bytes; undefined if the store has no such object. */
  open(): Promise<Readable | undefined>;
}

export interface ArchiveSpec {
  /** The compiled workbook, at the archive's root under `name`. */
  workbook: { name: string; open(): Promise<Readable | undefined> };
  /** Every attachment, a record's attachments together and in the record's order. */
  items: AsyncIterable<ArchiveItem> | Iterable<ArchiveItem>;
  /** Entry times; the compilation's time, so two runs of the same period differ only in content. */
  date: Date;
  /** ZIP64 records on every entry and the end record even under 4 GB (tests, and the cautious). */
  forceZip64?: boolean;
}

/** Where the zip goes: `stream` is written; `finish` resolves once it is durably kept; `abort` leaves nothing. */
export interface ArchiveSink {
  stream: Writable;
  finish(): Promise<void>;
  abort(reason: Error): Promise<void>;
}

export interface ArchiveResult {
  /** Entries in the zip: the workbook and each attachment. */
  entries: number;
  size: number;
  sha256: string;
}

/** A stored object whose bytes are not what the record says: the archive refuses to carry it. */
export class EvidenceIntegrityError extends Error {
  override name = 'EvidenceIntegrityError';
}

/** Writes the archive to `sink`. On any failure the sink is aborted and the first error rethrown. */
export async function writeArchive(spec: ArchiveSpec, sink: ArchiveSink): Promise<ArchiveResult> {
  const zip = new yazl.ZipFile();
  let fail!: (err: Error) => void;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  zip.on('error', (err: Error) => fail(err));

  const whole = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      whole.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(zip.outputStream as Readable, measure, sink.stream);
  written.catch((err: Error) => fail(err));

  const zip64 = spec.forceZip64 === true;
  let entries = 0;
  /** Adds one entry and resolves once yazl starts on it, so at most one entry waits ahead of the one streaming. */
  const add = (path: string, compress: boolean, open: () => Promise<Readable | undefined>, expected?: AttachmentRef) =>
    new Promise<void>((started) => {
      entries++;
      zip.addReadStreamLazy(path, { mtime: spec.date, compress, forceZip64Format: zip64 }, (cb) => {
        started();
        open()
          .then((source) => {
            if (!source) throw new EvidenceIntegrityError(`档案包缺少文件：${path}（存储中没有）`);
            source.on('error', (err: Error) => fail(err));
            const checked = expected ? source.pipe(verify(expected, path)) : source;
            checked.on('error', (err: Error) => fail(err));
            cb(null, checked);
          })
          .catch((err: Error) => fail(err));
      });
    });

  try {
    await Promise.race([add(spec.workbook.name, false, spec.workbook.open), failure]);
    // Names made unique per record, in the record's order, exactly as archivePaths does for the ledger's index.
    const taken = new Map<string, Set<string>>();
    for await (const item of spec.items) {
      const prefix = archivePrefix(item.ledgerName, item.recordNumber);
      let names = taken.get(prefix);
      if (!names) taken.set(prefix, (names = new Set()));
      const path = prefix + uniqueName(item.attachment.name, names);
      const compressed = typeOfMime(item.attachment.type)?.compressed ?? false;
      await Promise.race([add(path, !compressed, item.open, item.attachment), failure]);
    }
    zip.end({ forceZip64Format: zip64, comment: '' });
    await Promise.race([written, failure]);
    await Promise.race([sink.finish(), failure]);
    return { entries, size, sha256: whole.digest('hex') };
  } catch (err) {
    (zip.outputStream as Readable).destroy();
    await sink.abort(err as Error).catch(() => undefined);
    throw err;
  }
}

/** Passes the bytes through and fails at the end unless their size and SHA-256 are the recorded ones. */
function verify(expected: AttachmentRef, path: string): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      if (size > expected.size) return done(new EvidenceIntegrityError(`档案包中的文件与记录不符：${path}（大小超出）`));
      done(null, chunk);
    },
    flush(done) {
      const sha256 = hash.digest('hex');
      if (size !== expected.size || sha256 !== expected.sha256)
        return done(new EvidenceIntegrityError(`档案包中的文件与记录不符：${path}（大小或 SHA-256 不一致）`));
      done();
    },
  });
}

/** A local file, written beside its final name and renamed at the end: a reader never sees half a zip. */
export function fileSink(path: string): ArchiveSink {
  const part = `${path}.part`;
  const stream = createWriteStream(part);
  return {
    stream,
    finish: () => rename(part, path),
    async abort() {
      stream.destroy();
      await rm(part, { force: true });
    },
  };
}
