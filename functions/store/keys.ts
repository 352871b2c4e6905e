/** Every key format of the table, built here and nowhere else. */

const pad = (n: number) => String(n).padStart(10, '0');

export const keys = {
  record: (id: string) => `REC#${id}`,
  head: 'HEAD',
  version: (n: number) => `V#${pad(n)}`,
  versionPrefix: 'V#',
  versionNumber: (sk: string) => Number(sk.slice(2)),
  unit: (unit: string) => `UNIT#${unit}`,
  organisation: 'ORG',
  byForm: (unit: string, templateId: string) => `UNIT#${unit}#FORM#${templateId}`,
  byOwner: (unit: string, owner: string) => `UNIT#${unit}#USER#${owner}`,
  byDivision: (unit: string, division: string) => `UNIT#${unit}#DIV#${division}`,
  /** The shared index sort key: date first so a period is one range, id last for uniqueness. */
  recordSort: (date: string, id: string) => `${date}#${id}`,
} as const;

/** A list cursor is the last sort key seen; anything else is refused. */
export const CURSOR_RE = /^\d{4}-\d{2}-\d{2}#[A-Za-z0-9]{10,40}$/;

/** Assessment score entries: append-only, one item each, under the unit. */
export const scoreKeys = {
  prefix: (period: string) => `SCORE#${period}#`,
  entry: (period: string, at: string, id: string) => `SCORE#${period}#${at}#${id}`,
} as const;
