/**
 * POST /api/submissions/export: the register's current filters as a workbook in the ledgers'
 * style (writeRecordList), answered in the response itself. It reads the list through the same
 * resolver as GET /api/submissions, so a caller exports exactly what they may see.
 *
 * Why a direct download and not a 202 job like a compilation: the register is a person's working
 * view of a filtered list, and one answer is simpler to use and to test than a job to poll. The
 * price is a bound: a Lambda response carries at most 6 MB, so the export stops at
 * EXPORT_MAX_RECORDS records and EXPORT_MAX_BYTES of workbook (config.ts; measured in the README),
 * answering 413 with a Chinese detail asking to narrow the filters. Nothing is stored either way;
 * the whole period's ledger is the compilation's job.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tooLarge } from '../core/errors.js';
import { planOrder } from '../core/ledger/layout.js';
import { parsePeriod, periodLabel, shanghaiDate } from '../core/periods.js';
import type { RecordState } from '../core/records/record.js';
import { resolveListFilter, type ParsedListQuery } from '../core/records/submissions.js';
import { findPerson } from '../core/roster/organisation.js';
import type { Organisation } from '../core/templates/templates.js';
import type { Caller, Deps } from '../core/types.js';
import { writeRecordList } from './workbook.js';

export interface ExportLimits {
  /** At most this many records in one export; more must be narrowed by the filters first. */
  maxRecords: number;
  /** At most this many bytes of workbook (the response carries it, base64-encoded). */
  maxBytes: number;
}
/** Index items read per store call while collecting the list (the store's own page bound). */
const READ_PER_CALL = 1000;
/** At most this many index items read in all for one export (a keyword over years of records). */
export const EXPORT_READ_LIMIT = 20_000;

const REVIEW_WORDS = { pending: '待审核', approved: '已审核', returned: '已退回' } as const;
const SCOPE_WORDS = { unit: '全单位', division: '本科室', mine: '本人' } as const;

/** The filters in words, for the cover and the titles: 2026年11月 · 理论学习 · 待审核. */
export function filterLabel(deps: Deps, org: Organisation, f: ParsedListQuery): string {
  const parts: string[] = [];
  const period = f.period ? parsePeriod(f.period) : undefined;
  parts.push(period ? periodLabel(period) : '不限期间');
  parts.push(f.templateId ? (deps.catalog.form(f.templateId)?.title ?? f.templateId) : '全部表单');
  if (f.division) parts.push(org.divisions.find((d) => d.id === f.division)?.name ?? f.division);
  else parts.push(SCOPE_WORDS[f.scope]);
  if (f.person) parts.push(findPerson(org, f.person)?.name ?? f.person);
  if (f.review) parts.push(REVIEW_WORDS[f.review]);
  if (f.withdrawn === '1') parts.push('已撤回');
  if (f.q) parts.push(`关键词“${f.q}”`);
  return parts.join(' · ');
}

const sizeWords = (bytes: number) => (bytes >= 1_000_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${Math.ceil(bytes / 1000)} KB`);

export async function exportSubmissions(deps: Deps, caller: Caller, body: unknown, limits: ExportLimits, now = new Date()): Promise<{ bytes: Buffer; filename: string; count: number }> {
  const EXPORT_LIMIT = limits.maxRecords;
  const { org, filter, query } = await resolveListFilter(deps, caller, body, 'body');
  const records: RecordState[] = [];
  let cursor: string | undefined;
  let read = 0;
  do {
    // One more than the bound tells "exactly the bound" from "too many".
    const page = await deps.records.list({ ...query, limit: Math.min(100, EXPORT_LIMIT + 1 - records.length), cursor, readBudget: READ_PER_CALL });
    records.push(...page.items);
    read += page.read ?? page.items.length;
    cursor = page.nextCursor;
    if (records.length > EXPORT_LIMIT) throw tooLarge(`符合条件的记录超过 ${EXPORT_LIMIT} 条，请缩小筛选范围（如按期间或表单）后再导出`);
    if (cursor && read >= EXPORT_READ_LIMIT) throw tooLarge(`需要查找的记录超过 ${EXPORT_READ_LIMIT} 条，请缩小筛选范围（如按期间或表单）后再导出`);
  } while (cursor);
  // The register is newest first; a ledger reads oldest first, as the compilations print it.
  records.reverse();
  const person = findPerson(org, caller.id);
  const label = filterLabel(deps, org, filter);
  const dir = await mkdtemp(join(tmpdir(), 'taizhang-export-'));
  try {
    const file = join(dir, 'export.xlsx');
    await writeRecordList(
      { org, forms: planOrder(deps.catalog.forms, deps.catalog.obligations.obligations), records, filterLabel: label, exportedAt: now, exportedBy: person?.name ?? caller.id },
      file,
    );
    const bytes = await readFile(file);
    if (bytes.length > limits.maxBytes)
      throw tooLarge(`导出的工作簿超过 ${sizeWords(limits.maxBytes)}（${records.length} 条记录），请缩小筛选范围（如按期间或表单）后分次导出`);
    return { bytes, filename: `${org.unit.shortName}记录导出-${shanghaiDate(now)}.xlsx`, count: records.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
