/** Every key format of the table, built here and nowhere else. */
import { parsePeriod, periodBounds } from '../core/periods.js';

const pad = (n: number) => String(n).padStart(10, '0');

export const keys = {
  record: (id: string) => `REC#${id}`,
  head: 'HEAD',
  version: (n: number) => `V#${pad(n)}`,
  versionPrefix: 'V#',
  versionNumber: (sk: string) => Number(sk.slice(2)),
  unit: (unit: string) => `UNIT#${unit}`,
  /** The organisation as a single item, as stores made before the versioned roster kept it (read only). */
  organisation: 'ORG',
  /** One version of a unit's roster, in the unit's partition; the newest is the roster. */
  rosterVersion: (n: number) => `ROSTER#V#${pad(n)}`,
  rosterVersionPrefix: 'ROSTER#V#',
  rosterVersionNumber: (sk: string) => Number(sk.slice('ROSTER#V#'.length)),
  /** Who a token's issuer and subject are: an index into the rosters, checked against the roster on use. */
  identity: (issuer: string) => `IDENT#${issuer}`,
  identitySubject: (subject: string) => `SUB#${subject}`,
  byForm: (unit: string, templateId: string) => `UNIT#${unit}#FORM#${templateId}`,
  byOwner: (unit: string, owner: string) => `UNIT#${unit}#USER#${owner}`,
  byDivision: (unit: string, division: string) => `UNIT#${unit}#DIV#${division}`,
  /** The byUnit partition of a unit's withdrawn records (the register's 已撤回 filter). */
  withdrawn: (unit: string) => `UNIT#${unit}#WITHDRAWN`,
  /** The byReview partition of a unit's records awaiting review. */
  reviewQueue: (unit: string) => `UNIT#${unit}#REVIEW`,
  /** The counter item behind record numbers: one per unit, form and year, in the unit's partition. */
  numberCounter: (templateId: string, year: number) => `SEQ#${templateId}#${year}`,
  /** A reminder sent (the log, kept as the unit's own items), by time. */
  reminderLog: (at: string, id: string) => `REMLOG#${at}#${id}`,
  reminderLogPrefix: 'REMLOG#',
  /** A scheduled reminder's once-a-day key: claimed before sending, so a second firing sends nothing. */
  reminderSent: (person: string, obligation: string, period: string, day: string) => `REMSENT#${day}#${obligation}#${period}#${person}`,
  /** The shared index sort key: date first so a period is one range, id last for uniqueness. */
  recordSort: (date: string, id: string) => `${date}#${id}`,
  /** The recordSort bounds of an inclusive date range (either end open). */
  recordSortRange: (start = '0000-00-00', end = '9999-99-99') => ({ from: `${start}#`, to: `${end}#~` }),
  /**
   * A compilation, in its unit's partition. The period's last day leads, so reading backwards lists
   * the latest periods first; the id (`<period>.<ulid>`) orders runs of one period by start time.
   */
  compilation: (id: string) => `COMP#${periodEnd(id.split('.')[0]!)}#${id}`,
  compilationPrefix: 'COMP#',
  /** All runs of one period: its last day and the period, up to the dot before the ulid. */
  compilationsOf: (period: string) => `COMP#${periodEnd(period)}#${period}.`,
  /** The pointer to a period's current compilation (not under COMP#, so listings skip it). */
  currentCompilation: (period: string) => `CURRENT#${period}`,
  currentPrefix: 'CURRENT#',
  /** Where a compilation's workbook is kept: an S3 key in the ledger bucket, or a path under BLOB_DIR. */
  compilationFile: (unit: string, id: string) => `${unit}/${id.split('.')[0]}/${id}.xlsx`,
  /** A unit's partition of the sparse in-flight index (record heads mid-change, unfinished jobs). */
  flight: (unit: string) => `FLIGHT#${unit}`,
  /** A record head carrying a change marker: claimed at, then the record, so the oldest come first. */
  flightRecord: (at: string, id: string) => `REC#${at}#${id}`,
  flightRecordPrefix: 'REC#',
  flightJob: (kind: string, id: string) => `JOB#${kind}#${id}`,
  flightJobPrefix: 'JOB#',
  /** A job, in its unit's partition; the id says nothing about the kind, so the kind leads. */
  job: (kind: string, id: string) => `JOB#${kind}#${id}`,
  /** The lock that admits one job per unit, kind and scope (a compilation's period). */
  jobLock: (kind: string, scope: string) => `JOBLOCK#${kind}#${scope}`,
  /** One of a unit's few slots for jobs running at once. */
  jobSlot: (i: number) => `JOBSLOT#${i}`,
  /** An Idempotency-Key's job: the caller and key hashed, so the key itself is never stored. */
  jobKey: (hash: string) => `JOBKEY#${hash}`,
  /** The registry of units, one item per unit, so the monthly job can find them without a scan. */
  units: 'UNITS',
  /** An evidence archive (档案包) of a period, in its unit's partition, ordered as compilations are. */
  archive: (id: string) => `ARCH#${periodEnd(id.split('.')[0]!)}#${id}`,
  archivePrefix: 'ARCH#',
  /** Where an archive's zip is kept: beside the period's workbooks. */
  archiveFile: (unit: string, id: string) => `${unit}/${id.split('.')[0]}/${id}.zip`,
  /** A signed evidence upload not yet finalised, in its record's partition (expires by TTL). */
  pendingUpload: (attachment: string) => `UPLOAD#${attachment}`,
  unitEntry: (unit: string) => `UNIT#${unit}`,
  /** A county's units: one pointer per unit, checked against the unit's roster (its `county`) on use. */
  countyUnits: (county: string) => `COUNTY#${county}`,
  /** The registry of counties (the monthly roll-up finds them here); counties are not in `units`. */
  counties: 'COUNTIES',
  /** A county read of a unit, in the unit's partition, by time: the unit's access log. */
  accessLog: (at: string, id: string) => `ACCESS#${at}#${id}`,
  accessLogPrefix: 'ACCESS#',
  /** A unit's snapshot of one period (DESIGN §14), and the unit's change counter that orders recomputes. */
  snapshot: (period: string) => `SNAP#${period}`,
  snapshotPrefix: 'SNAP#',
  snapshotCounter: 'SNAPCOUNT',
} as const;

function periodEnd(period: string): string {
  const p = parsePeriod(period);
  if (!p) throw new RangeError(`not a period: ${period}`);
  return periodBounds(p).end;
}

/** A list cursor is the last sort key seen; anything else is refused. */
export const CURSOR_RE = /^\d{4}-\d{2}-\d{2}#[A-Za-z0-9]{10,40}$/;

/** Assessment score entries: append-only, one item each, under the unit. */
export const scoreKeys = {
  prefix: (period: string) => `SCORE#${period}#`,
  entry: (period: string, at: string, id: string) => `SCORE#${period}#${at}#${id}`,
} as const;
