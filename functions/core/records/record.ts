/** A record (记录): one filled-in form, as the API returns it and as each version keeps it. */

export type RecordStatus = 'active' | 'withdrawn';

/** 审核 (DESIGN §10): 待审核, 已审核, 已退回. */
export type ReviewState = 'pending' | 'approved' | 'returned';

export interface ReviewInfo {
  state: ReviewState;
  /** Who approved or returned it, and when (absent while pending). */
  by?: string;
  at?: string;
  /** Required when returned. */
  reason?: string;
}

/** One piece of evidence (佐证材料) kept with a record (DESIGN §11). */
export interface AttachmentRef {
  id: string;
  /** The file name as uploaded, e.g. 签到表.jpg. */
  name: string;
  /** The detected MIME type. */
  type: string;
  size: number;
  sha256: string;
  addedAt: string;
  addedBy: string;
  /**
   * A small JPEG of an image, made in the browser at upload time and kept beside the original
   * under the record's prefix; not evidence of its own (not counted, listed or archived).
   */
  preview?: AttachmentPreview;
}

/** The stored preview of an image attachment: its own key id, and what finalise found in it. */
export interface AttachmentPreview {
  id: string;
  type: string;
  size: number;
  sha256: string;
}
/** `attach` and `detach` add or remove one piece of evidence (DESIGN §11); `transition` is a step of a rectification item (§15). */
export type ChangeKind = 'create' | 'update' | 'withdraw' | 'review' | 'restore' | 'attach' | 'detach' | 'transition';

export interface RecordState {
  id: string;
  unit: string;
  templateId: string;
  version: number;
  status: RecordStatus;
  /** The activity date (the template's dateField), `YYYY-MM-DD` in China Standard Time. */
  date: string;
  /** The record's own period under its template, e.g. `2026-H2` for a half-year report. */
  period: string;
  /** Who submitted it; their own records are theirs to edit. */
  owner: string;
  /** The submitter's division when it was submitted, if they belong to one. */
  division?: string;
  data: Record<string, unknown>;
  /** The human number, e.g. 研判-2026-003, unique in its unit, form and year (DESIGN §10). */
  number?: string;
  /** Whom the record is about where its template names a subject field; `createdBy` is the filer. */
  subject?: string;
  /** The subject's and the filer's names as they were at filing time (the roster may change later). */
  subjectName?: string;
  createdByName?: string;
  /** 代填: the office filed it on the subject's behalf (filer and subject differ). */
  proxy?: true;
  /** Present on records of reviewed forms. */
  review?: ReviewInfo;
  attachments?: AttachmentRef[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** One immutable version: the whole state after a change, and what the change was. */
export interface VersionEntry extends RecordState {
  change: ChangeKind;
  /** Why the change was made, where one is required (a return, a restore) or given. */
  reason?: string;
}

export interface HistoryEntry {
  version: number;
  change: ChangeKind;
  at: string;
  by: string;
  /** Fields whose values changed, with the value before and after (undefined when absent). */
  changes: { field: string; before?: unknown; after?: unknown }[];
  status: RecordStatus;
  reason?: string;
  /** The review state after this version, on reviewed forms. */
  review?: ReviewInfo;
  proxy?: true;
}

/** Turns a record's versions (oldest first) into who changed what, field by field. */
export function toHistory(versions: VersionEntry[]): HistoryEntry[] {
  return versions.map((v, i) => {
    const before = i > 0 ? versions[i - 1]!.data : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(v.data)])];
    const changes = keys
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(v.data[k]))
      .map((field): HistoryEntry['changes'][number] => ({ field, before: before[field], after: v.data[field] }));
    // Evidence is part of the record: its history names the files before and after.
    const names = (r?: RecordState) => (r?.attachments ?? []).map((a) => a.name);
    const [was, now] = [names(versions[i - 1]), names(v)];
    if (JSON.stringify(was) !== JSON.stringify(now)) changes.push({ field: 'attachments', before: was, after: now });
    return {
      version: v.version,
      change: v.change,
      at: v.updatedAt,
      by: v.updatedBy,
      changes,
      status: v.status,
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
      ...(v.review ? { review: v.review } : {}),
      ...(v.proxy ? { proxy: v.proxy } : {}),
    };
  });
}

export type ListScope = { kind: 'unit' } | { kind: 'owner'; owner: string } | { kind: 'division'; division: string };

export interface ListQuery {
  unit: string;
  scope: ListScope;
  templateId?: string;
  /** Withdrawn records only (they are kept in an index of their own); active ones otherwise. */
  withdrawn?: boolean;
  /** Checked on each record read after the index's own keys (person, review state, keyword). */
  filter?: (r: RecordState) => boolean;
  /** At most this many index items read per call; the page then ends early with a cursor. */
  readBudget?: number;
  /** Inclusive calendar-date range of the activity date. */
  start?: string;
  end?: string;
  limit: number;
  cursor?: string;
}

export interface RecordPage {
  items: RecordState[];
  nextCursor?: string;
  /** Index items read to answer (the register's bound is on this). */
  read?: number;
  /** Set when the read budget ran out before the page filled: the search reached back to this date. */
  searchedTo?: string;
}

export type CreateOutcome = { outcome: 'created' | 'replayed' | 'mismatch'; record: RecordState };

export interface RecordStore {
  /** Writes version 1. Meeting an existing version 1 with the same request hash is a replay. */
  create(state: RecordState, requestHash: string): Promise<CreateOutcome>;
  /** The newest state, or undefined; repairs a head left behind by an interrupted write. */
  get(id: string): Promise<RecordState | undefined>;
  /** Writes `next` as version `next.version`; returns false if another writer claimed it first. */
  append(next: RecordState, change: ChangeKind, reason?: string): Promise<boolean>;
  /**
   * The next number in the unit's, form's and year's sequence, from one atomic counter item:
   * never handed out twice; a number taken by a create that then fails is a gap, never reused.
   */
  nextNumber(unit: string, templateId: string, year: number): Promise<number>;
  /** Pending records of reviewed forms in the unit, oldest activity date first (a sparse index). */
  reviewQueue(unit: string, limit: number): Promise<RecordState[]>;
  /** Every version, oldest first. */
  versions(id: string): Promise<VersionEntry[]>;
  list(query: ListQuery): Promise<RecordPage>;
  /** Active records of one form in a date range, oldest first, page by page (compilation, compliance). */
  iterateByForm(
    unit: string,
    templateId: string,
    start: string,
    end: string,
    pageSize?: number,
    /** Read only these fields of `data` (plus the record's own attributes): a counting pass needs few. */
    dataFields?: string[],
  ): AsyncGenerator<RecordState>;
  /** How many records iterateByForm would yield (for a progress bar); optional for test doubles. */
  countByForm?(unit: string, templateId: string, start: string, end: string): Promise<number>;
  /**
   * Rolls forward every head of the unit that an interrupted change left behind its newest version,
   * and clears markers of changes that never wrote one once older than `olderThanMs` (0 when nothing
   * else can be writing, as at a local start). Returns how many marked heads it looked at.
   */
  repairInFlight?(unit: string, options?: { olderThanMs?: number }): Promise<number>;
}

/** A list cursor that this API did not hand out. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}


/** A record number, e.g. 研判-2026-003: the template's code, the activity date's year, the sequence. */
export function formatNumber(code: string, year: number, seq: number): string {
  return `${code}-${year}-${String(seq).padStart(3, '0')}`;
}
