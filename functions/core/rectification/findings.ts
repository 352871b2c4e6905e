/**
 * From an inspection's 问题清单 to rectification items (DESIGN §15): each row of the rows field
 * named by the rectification template becomes one record of that (internal) template, keyed by the
 * inspection record and the row's stable id, so a retry or a later edit never makes a second item.
 * Items are ordinary records: numbers, versions (who, when, why) and evidence are the records' own.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { conflict } from '../errors.js';
import { findPerson } from '../roster/organisation.js';
import { formatPeriod, periodOf } from '../periods.js';
import { formatNumber, type RecordState, type RecordStore } from '../records/record.js';
import type { Catalog } from '../templates/catalog.js';
import type { FormTemplate, Organisation } from '../templates/templates.js';

export interface FindingsDeps {
  catalog: Catalog;
  records: RecordStore;
  now(): Date;
}

type Row = Record<string, unknown> & { id?: string };

/** The rectification template whose items come from this form, if any. */
export function rectificationFormFor(catalog: Catalog, sourceForm: string): FormTemplate | undefined {
  return catalog.forms.find((f) => f.rectification?.form === sourceForm);
}

/** The rectification template of the catalog (the one that has a source). */
export function rectificationForm(catalog: Catalog): FormTemplate | undefined {
  return catalog.forms.find((f) => f.rectification);
}

/** The item's id: the same for the same inspection record and row, whoever saves it and however often. */
export function itemId(unit: string, inspectionId: string, rowId: string): string {
  return `Z${createHash('sha256').update(`${unit}\n${inspectionId}\n${rowId}`).digest('hex').slice(0, 31)}`;
}

/**
 * Gives every row without an id one, before the record is written: positional ids on a new
 * record (a replay of the same create gives the same), fresh ones for rows added by an edit, so
 * a removed row's id, whose item stays, is never handed to a different finding.
 */
export function assignRowIds(catalog: Catalog, form: FormTemplate, data: Record<string, unknown>, isNew: boolean): Record<string, unknown> {
  const target = rectificationFormFor(catalog, form.id);
  if (!target) return data;
  const rows = data[target.rectification!.field];
  if (!Array.isArray(rows) || rows.every((r: Row) => r.id !== undefined)) return data;
  const taken = new Set(rows.map((r: Row) => r.id).filter(Boolean));
  let n = 0;
  const next = () => {
    if (!isNew) return ulid().toLowerCase();
    let id: string;
    do id = `r${++n}`;
    while (taken.has(id));
    return id;
  };
  return { ...data, [target.rectification!.field]: rows.map((r: Row) => (r.id === undefined ? { id: next(), ...r } : r)) };
}

/** What an item takes from its row: every sub-field the rectification template also has, by key. */
function fromRow(target: FormTemplate, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of target.fields) if (f.key !== 'status' && row[f.key] !== undefined) out[f.key] = row[f.key];
  return out;
}

/** The fields an edit of the inspection may change on an item; the deadline changes only by extension. */
const FOLLOWS = ['description', 'division', 'person', 'severity', 'requirement'] as const;

const ATTEMPTS = 4;

/**
 * Brings the items of one inspection record in line with its rows: creates the missing ones,
 * carries edits of a row's description, division, person, severity and requirement to an open
 * item, and marks the item of a removed row (or of a withdrawn record) 来源已删除 (it stays, for
 * the office to close). `previous` is the record before this change (undefined for a create). Idempotent.
 */
export async function syncFindings(deps: FindingsDeps, org: Organisation, record: RecordState, previous?: RecordState): Promise<void> {
  const target = rectificationFormFor(deps.catalog, record.templateId);
  if (!target) return;
  const field = target.rectification!.field;
  // A withdrawn record has no rows that stand: each of its items is marked as a removed row's is.
  const rows = (record.status === 'active' && Array.isArray(record.data[field]) ? record.data[field] : []) as Row[];
  const now = deps.now().toISOString();
  const by = record.updatedBy;
  const byName = findPerson(org, by)?.name;
  for (const row of rows) {
    if (!row.id) continue;
    const id = itemId(record.unit, record.id, row.id);
    const copied = fromRow(target, row);
    const person = typeof row.person === 'string' ? findPerson(org, row.person) : undefined;
    const owner = person?.id ?? record.createdBy;
    const division = (typeof row.division === 'string' ? row.division : undefined) ?? person?.division;
    let current = await deps.records.get(id);
    if (!current) {
      const year = Number(record.date.slice(0, 4));
      const state: RecordState = {
        id,
        unit: record.unit,
        templateId: target.id,
        version: 1,
        status: 'active',
        date: record.date,
        period: formatPeriod(periodOf(record.date, target.period)),
        owner,
        ...(division ? { division } : {}),
        data: {
          [target.dateField]: record.date,
          inspection: record.id,
          ...(record.number ? { inspectionNumber: record.number } : {}),
          rowId: row.id,
          ...copied,
          status: '待整改',
        },
        number: formatNumber(target.code ?? target.id, year, await deps.records.nextNumber(record.unit, target.id, year)),
        createdAt: now,
        createdBy: by,
        ...(byName ? { createdByName: byName } : {}),
        updatedAt: now,
        updatedBy: by,
      };
      const out = await deps.records.create(state, `finding:${record.id}:${row.id}`);
      if (out.outcome === 'created') continue;
      current = out.record;
    }
    await changeItem(deps, current, (c) => {
      if (c.data.status === '已销号') return undefined;
      const changed = FOLLOWS.some((k) => JSON.stringify(c.data[k]) !== JSON.stringify(copied[k])) || c.owner !== owner || c.division !== division || c.data.sourceDeleted;
      if (!changed) return undefined;
      const data = { ...c.data };
      for (const k of FOLLOWS) {
        if (copied[k] === undefined) delete data[k];
        else data[k] = copied[k];
      }
      delete data.sourceDeleted;
      const next: RecordState = { ...c, owner, data };
      if (division) next.division = division;
      else delete next.division;
      return { next, reason: `检查记录 ${record.number ?? record.id} 的问题清单已修改` };
    }, now, by);
  }
  // Rows the edit removed: their items stay (with their history and evidence), marked for the office.
  const kept = new Set(rows.map((r) => r.id));
  const before = (Array.isArray(previous?.data[field]) ? previous!.data[field] : []) as Row[];
  for (const row of before) {
    if (!row.id || kept.has(row.id)) continue;
    const current = await deps.records.get(itemId(record.unit, record.id, row.id));
    if (!current) continue;
    await changeItem(deps, current, (c) =>
      c.data.sourceDeleted ? undefined : { next: { ...c, data: { ...c.data, sourceDeleted: true } }, reason: `检查记录 ${record.number ?? record.id}${record.status === 'active' ? ' 的问题清单中已删除这一问题' : ' 已撤回'}` },
    now, by);
  }
}

/** Appends one change to an item, re-reading when another change came first (a bounded number of times). */
async function changeItem(
  deps: FindingsDeps,
  item: RecordState,
  edit: (current: RecordState) => { next: RecordState; reason: string } | undefined,
  at: string,
  by: string,
): Promise<void> {
  let current = item;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const change = edit(current);
    if (!change) return;
    const next = { ...change.next, version: current.version + 1, updatedAt: at, updatedBy: by };
    if (await deps.records.append(next, 'update', change.reason)) return;
    const fresh = await deps.records.get(item.id);
    if (!fresh) return;
    current = fresh;
  }
  throw conflict('整改事项正在被他人办理，检查记录已保存；请稍后再保存一次检查记录以同步问题清单');
}
