/**
 * Compilations (汇编): one workbook of every ledger of a unit for a period, made on demand or by
 * the monthly schedule. This module holds the rules (who may compile, which dates a compilation
 * covers, which periods the monthly job makes, when it fires) and the interfaces of the stores it
 * needs; the writing lives in functions/ledger/, the storage in functions/store/.
 */
import type { Readable } from 'node:stream';
import { validationError, forbidden } from '../errors.js';
import type { ContentProvider } from './content.js';
import {
  formatPeriod,
  parseCalendarDate,
  parsePeriod,
  periodBounds,
  periodOf,
  previousPeriod,
  shanghaiDate,
  type Period,
} from '../periods.js';
import type { Caller, Deps } from '../types.js';

export type Trigger = 'scheduled' | 'on-demand';
export type CompilationStatus = 'running' | 'done' | 'failed';

export interface SheetCount {
  name: string;
  /** The form template of a ledger sheet; absent for the cover, assessment and summary. */
  templateId?: string;
  rows: number;
}

/** One compilation's metadata, as kept in the table and returned by the API. */
export interface Compilation {
  /** `<period>.<ulid>`, e.g. `2026-11.01KB…`: the period is part of the key. */
  id: string;
  unit: string;
  period: string;
  /** The last day counted (`YYYY-MM-DD`): the period's end, or the day it was compiled. */
  asOf: string;
  trigger: Trigger;
  by: string;
  byName: string;
  status: CompilationStatus;
  startedAt: string;
  completedAt?: string;
  sheets?: SheetCount[];
  size?: number;
  sha256?: string;
  /** Where the file is kept in the blob store. */
  blobKey: string;
  filename: string;
  error?: string;
  /** The compilation this one replaced as current, if any. */
  supersedes?: string;
  /** Set on an older compilation once a newer one became current for its period. */
  supersededBy?: string;
}

export interface CompilationStore {
  /** Records a compilation as running; overwrites only an unfinished run of the same id (a job's retry). */
  start(c: Compilation): Promise<void>;
  /** Marks a running compilation done with its sheets, size and hash. */
  finish(c: Compilation): Promise<void>;
  /** Marks a running compilation failed (best effort: a crash leaves it running, shown as failed later). */
  fail(unit: string, id: string, error: string, at: string): Promise<void>;
  get(unit: string, id: string): Promise<Compilation | undefined>;
  /** Newest first: periods that end later first, then newest within a period. */
  list(unit: string, period?: string, limit?: number): Promise<Compilation[]>;
  /** The current compilation's id by period: every period of the unit, or just the one given. */
  currents(unit: string, period?: string): Promise<Map<string, string>>;
  /**
   * Points the period's "current" at this finished compilation unless a run counting up to a later
   * day, or the same day but started later, already holds it.
   * `current` says whether it moved; `other` is the run it replaced (then recorded as `supersedes`)
   * or the newer run that stays current.
   */
  makeCurrent(c: Compilation): Promise<{ current: boolean; other?: string }>;
  /** Records on an older run which run superseded it (informational: the pointer is what counts). */
  markSuperseded(unit: string, older: string, newer: string): Promise<void>;
}

/** What a stored file must be, and what the browser should call it. */
export interface StoredFile {
  filename: string;
  /** An ASCII name for clients that cannot read the encoded one. */
  fallback: string;
  size: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  /** What the download is served as; a workbook when absent (an archive is a zip). */
  contentType?: string;
}

/** Where compiled files are kept: a directory locally, S3 in the cloud; both hand out signed links. */
export interface BlobStore {
  put(key: string, file: string, contentType: string, sha256?: string): Promise<void>;
  /** The bytes as a stream; undefined when there is no such blob. */
  stream(key: string): Promise<Readable | undefined>;
  /**
   * A short-lived download link, made only if the stored object still has the recorded size (and,
   * where the store keeps it, checksum); the local blob server checks the SHA-256 again before the
   * first byte. `missing` or `damaged` otherwise.
   */
  link(key: string, file: StoredFile): Promise<{ url: string } | 'missing' | 'damaged'>;
}

export interface CompilationDeps extends Deps {
  compilations: CompilationStore;
  blobs: BlobStore;
  /** Cover matrix, assessment and monthly summary (see ledger-content.ts). */
  content: ContentProvider;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A running compilation older than this has crashed (Lambda's ceiling is 15 minutes). */
export const RUN_LIMIT_MS = 15 * 60 * 1000;

const ID_RE = /^(\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?)\.([0-9A-HJKMNP-TV-Z]{26})$/;

export function compilationId(period: string, ulid: string): string {
  return `${period}.${ulid}`;
}

/** The period of a compilation id, or undefined when the text is not one. */
export function periodOfId(id: string): string | undefined {
  const m = ID_RE.exec(id);
  return m && parsePeriod(m[1]!) ? m[1] : undefined;
}

export const seesWholeUnit = (c: Caller) => c.roles.includes('office') || c.roles.includes('secretary');

/** Only the office and the secretary compile and download: a workbook holds the whole unit's records. */
export function assertMayCompile(caller: Caller): void {
  if (!seesWholeUnit(caller)) throw forbidden('只有办公室和党组书记可以汇编和下载台账');
}

/** A period string from user input, or a 400 naming where it came from. */
export function requirePeriod(text: unknown, path: string): Period {
  const p = typeof text === 'string' ? parsePeriod(text) : undefined;
  if (!p)
    throw validationError('期间格式有误', [{ path, message: '应为 2026、2026-H1、2026-Q3 或 2026-11 这样的期间' }]);
  return p;
}

/**
 * The dates a compilation made today covers: the whole period once it has ended, otherwise up to
 * today. A period that has not started yet is refused.
 */
export function compilationRange(period: Period, today: string, path = 'period'): { start: string; end: string } {
  const { start, end } = periodBounds(period);
  if (start > today)
    throw validationError('期间尚未开始，不能汇编', [{ path, message: `期间从 ${start} 开始，今天是 ${today}` }]);
  return { start, end: end < today ? end : today };
}

/**
 * What the monthly job compiles when it fires at `instant`: the month that has just ended in
 * Shanghai, and the year to date up to that month's last day, whatever time zone the event uses.
 */
export function scheduledTargets(instant: Date): { period: string; asOf: string }[] {
  const month = previousPeriod(periodOf(shanghaiDate(instant), 'month'));
  const asOf = periodBounds(month).end;
  return [
    { period: formatPeriod(month), asOf },
    { period: String(month.year), asOf },
  ];
}

/** The first 01:00 on the 1st of a month in Shanghai strictly after `after`. */
export function nextMonthlyRun(after: Date): Date {
  const today = parseCalendarDate(shanghaiDate(after))!;
  // 01:00 Shanghai is 17:00 UTC the day before.
  const thisMonth = new Date(Date.UTC(today.year, today.month - 1, 1, 1 - 8));
  if (thisMonth.getTime() > after.getTime()) return thisMonth;
  return new Date(Date.UTC(today.year, today.month, 1, 1 - 8));
}

/** What a listing shows: running ones past the time limit are failed, and which one is current. */
export function presentCompilation(c: Compilation, currentId: string | undefined, now: Date) {
  const crashed = c.status === 'running' && now.getTime() - Date.parse(c.startedAt) > RUN_LIMIT_MS;
  const status: CompilationStatus = crashed ? 'failed' : c.status;
  const { blobKey: _blobKey, ...rest } = c;
  return {
    ...rest,
    status,
    ...(crashed ? { error: '汇编中断（超时未完成）' } : {}),
    current: c.id === currentId,
    superseded: status === 'done' && c.id !== currentId,
    file: status === 'done' ? `/api/compilations/${encodeURIComponent(c.id)}/file` : undefined,
  };
}

/**
 * A Content-Disposition header for a Chinese file name: an ASCII fallback for old clients and the
 * real name RFC 5987-encoded (filename*=UTF-8''…).
 */
export function contentDisposition(filename: string, fallback: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}
