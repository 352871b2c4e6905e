/**
 * Writes one compilation workbook with exceljs's streaming writer, row by row, in the order the
 * sheets appear: cover, one ledger per form, assessment, monthly summary (notes/EXCEL.md: a sheet
 * created early and filled late makes every later sheet buffer in memory). Records arrive page by
 * page and each row is committed at once; every few rows the writer waits for the zip stream to
 * drain, so memory stays flat however many records a period holds.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { SheetCount, Trigger } from '../core/ledger/compilation.js';
import { isStatusCell, type CompilationContent, type TableSheet, type TableValue } from '../core/ledger/content.js';
import {
  chineseDate,
  chineseDateTime,
  cleanText,
  excelDate,
  ledgerColumns,
  ledgerSheetTitle,
  rangeLabel,
  rowFormatter,
  rowHeight,
  sheetNamer,
  workbookTitle,
  type LedgerColumn,
} from '../core/ledger/layout.js';
import { FONTS, FORMATS, STATUS, STATUS_KEYS, TITLE_HEIGHT, type StatusKey } from '../core/ledger/style.js';
import { shanghaiDate, type Period } from '../core/periods.js';
import type { RecordState } from '../core/records/record.js';
import type { FormTemplate, Organisation } from '../core/templates/templates.js';

type Worksheet = ExcelJS.Worksheet;
type Style = Partial<ExcelJS.Style>;

export interface LedgerSource {
  form: FormTemplate;
  /** The form's records in the compilation's range, oldest first. */
  records(): AsyncIterable<RecordState>;
}

export interface WorkbookSpec {
  org: Organisation;
  period: Period;
  /** The last day counted, `YYYY-MM-DD`. */
  asOf: string;
  compiledAt: Date;
  compiledBy: string;
  trigger: Trigger;
  content: CompilationContent;
  ledgers: LedgerSource[];
  /** Called now and then with the number of ledger rows written so far. */
  onProgress?(rows: number): void;
}

export interface WorkbookResult {
  sheets: SheetCount[];
  size: number;
  sha256: string;
  /** The most bytes seen waiting at the zip stream's door: the back-pressure check's witness. */
  maxBuffered: number;
}

/**
 * How many rows between looks at the zip stream, and how much may wait there. Measured (bench/):
 * waiting only past half a megabyte keeps memory flat and costs nothing measurable; yielding to
 * the event loop more often did not make it faster.
 */
const DRAIN_EVERY = 64;
const DRAIN_ABOVE = 512 * 1024;

const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** One style object per kind of cell, shared by every such cell: exceljs then resolves it once. */
function makeStyles() {
  const body = (align: 'left' | 'center' | 'right', wrap: boolean, numFmt?: string): Style => ({
    font: { ...FONTS.body },
    border: BORDER,
    alignment: { horizontal: align, vertical: 'middle', wrapText: wrap },
    ...(numFmt ? { numFmt } : {}),
  });
  const status = Object.fromEntries(
    STATUS_KEYS.map((k) => [
      k,
      {
        font: { ...FONTS.body, color: { argb: STATUS[k].text } },
        border: BORDER,
        alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
        fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: STATUS[k].argb } },
      } satisfies Style,
    ]),
  ) as Record<StatusKey, Style>;
  return {
    title: { font: { ...FONTS.title }, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true } } as Style,
    subLeft: { font: { ...FONTS.subtitle }, alignment: { horizontal: 'left', vertical: 'middle' } } as Style,
    subRight: { font: { ...FONTS.subtitle }, alignment: { horizontal: 'right', vertical: 'middle' } } as Style,
    section: { font: { ...FONTS.header, size: 12 }, alignment: { horizontal: 'left', vertical: 'middle' } } as Style,
    header: {
      font: { ...FONTS.header },
      border: BORDER,
      alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
    } as Style,
    label: { ...body('center', true), font: { ...FONTS.header } } as Style,
    note: { font: { ...FONTS.body }, alignment: { horizontal: 'left', vertical: 'top', wrapText: true } } as Style,
    body,
    status,
  };
}
type Styles = ReturnType<typeof makeStyles>;

function columnStyle(styles: Styles, col: LedgerColumn): Style {
  switch (col.kind) {
    case 'index':
      return styles.body('center', false, FORMATS.integer);
    case 'date':
      return styles.body('center', false, FORMATS.date);
    case 'datetime':
      return styles.body('center', false, FORMATS.dateTime);
    case 'integer':
      return styles.body('right', false, FORMATS.integer);
    case 'number':
      return styles.body('right', false, FORMATS.number);
    default:
      return styles.body(col.align, col.wrap);
  }
}

/** Printing: A4 landscape, all columns on one page width, the header row on every page, page numbers. */
function sheetOptions(headerRow: number | undefined): Partial<ExcelJS.AddWorksheetOptions> {
  // Settings that exceljs writes at the top of the sheet must be given here; set later they are lost.
  return {
    views: headerRow
      ? [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}`, activeCell: `A${headerRow + 1}` }]
      : [{ state: 'normal' }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.7, header: 0.3, footer: 0.3 },
      ...(headerRow ? { printTitlesRow: `${headerRow}:${headerRow}` } : {}),
    },
    headerFooter: { oddFooter: '&L填表人：          审核人：&C第 &P 页，共 &N 页' },
  };
}

/**
 * Waits for the zip stream when too much is queued for it. exceljs pipes each sheet into the zip
 * through a PassThrough and never waits for it; that stream's state is an internal of the pinned
 * exceljs 4.4.0 (with archiver 5), checked here so that a change fails loudly rather than
 * letting memory grow.
 */
function zipBackPressure(ws: Worksheet, witness: { max: number }): () => Promise<void> {
  const sink = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as
    | { _writableState?: { length: number }; once(event: string, cb: () => void): void }
    | undefined;
  const state = sink?._writableState;
  if (!sink || !state || typeof state.length !== 'number')
    throw new Error('exceljs internals changed: no zip stream behind the worksheet (pinned to exceljs 4.4.0)');
  return async () => {
    if (state.length > witness.max) witness.max = state.length;
    if (state.length > DRAIN_ABOVE) await new Promise<void>((resolve) => sink.once('drain', resolve));
  };
}

/** Counts and hashes the bytes on their way to the file. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
}

function setRow(ws: Worksheet, n: number, values: readonly unknown[], styles: readonly Style[] | Style, height?: number) {
  const row = ws.getRow(n);
  for (let c = 0; c < values.length; c++) {
    const cell = row.getCell(c + 1);
    const v = values[c];
    if (v !== null && v !== undefined) cell.value = v as ExcelJS.CellValue;
    cell.style = Array.isArray(styles) ? styles[c]! : (styles as Style);
  }
  if (height) row.height = height;
  return row;
}

/** Row 1: the merged title; row 2: 填报单位 on the left, 填报时间 on the right. */
function writeHead(ws: Worksheet, n: number, title: string, unitName: string, today: string, styles: Styles) {
  const r1 = ws.getRow(1);
  r1.getCell(1).value = cleanText(title);
  r1.getCell(1).style = styles.title;
  r1.height = TITLE_HEIGHT;
  ws.mergeCells(1, 1, 1, n);
  r1.commit();
  const half = Math.max(1, Math.ceil(n / 2));
  const r2 = ws.getRow(2);
  r2.getCell(1).value = cleanText(`填报单位：${unitName}`);
  r2.getCell(1).style = styles.subLeft;
  r2.getCell(half + 1 > n ? n : half + 1).value = `填报时间：${chineseDate(today)}`;
  r2.getCell(half + 1 > n ? n : half + 1).style = styles.subRight;
  r2.height = 20;
  if (half > 1) ws.mergeCells(2, 1, 2, half);
  if (n - half > 1) ws.mergeCells(2, half + 1, 2, n);
  r2.commit();
}

function tableValue(v: TableValue, kind: string | undefined, styles: Styles, plain: Style): [unknown, Style] {
  if (isStatusCell(v)) return [cleanText(v.text), styles.status[v.status] ?? plain];
  if (v === null) return [null, plain];
  if (kind === 'date' && typeof v === 'string') return [excelDate(v) ?? cleanText(v), plain];
  if (typeof v === 'number') return [Number.isFinite(v) ? v : null, plain];
  return [cleanText(v), plain];
}

function tableColumnStyles(table: TableSheet, styles: Styles): Style[] {
  return table.columns.map((c) =>
    c.kind === 'date'
      ? styles.body('center', false, FORMATS.date)
      : c.kind === 'number'
        ? styles.body('right', false, FORMATS.number)
        : c.kind === 'status'
          ? styles.body('center', true)
          : styles.body('left', true),
  );
}

/** Writes a table's header and rows from row `start`; returns the next free row. */
async function writeTable(ws: Worksheet, table: TableSheet, start: number, styles: Styles, drain: () => Promise<void>) {
  const widths = table.columns.map((c) => ({ width: c.width, wrap: true }));
  const headers = table.columns.map((c) => cleanText(c.header));
  setRow(ws, start, headers, styles.header, rowHeight(headers, widths)).commit();
  const plain = tableColumnStyles(table, styles);
  let n = start + 1;
  for (const values of table.rows) {
    const cells = table.columns.map((c, i) => tableValue(values[i] ?? null, c.kind, styles, plain[i]!));
    const shown = cells.map(([v]) => v);
    setRow(ws, n, shown, cells.map(([, s]) => s), rowHeight(shown, widths)).commit();
    n++;
    if (n % DRAIN_EVERY === 0) await drain();
  }
  return n;
}

function writeNotes(ws: Worksheet, notes: readonly string[] | undefined, from: number, widths: readonly number[], styles: Styles) {
  const n = widths.length;
  const width = widths.reduce((a, b) => a + b, 0);
  let row = from;
  for (const note of notes ?? []) {
    const text = cleanText(note);
    const r = ws.getRow(row);
    r.getCell(1).value = text;
    r.getCell(1).style = styles.note;
    if (n > 1) ws.mergeCells(row, 1, row, n);
    const height = rowHeight([text], [{ width, wrap: true }]);
    if (height) r.height = height;
    r.commit();
    row++;
  }
  return row;
}

const setWidths = (ws: Worksheet, widths: number[]) => {
  ws.columns = widths.map((width) => ({ width: width === 9 ? 9.01 : width }));
};

async function writeCover(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, spec: WorkbookSpec, label: string, styles: Styles, witness: { max: number }) {
  const { matrix, facts } = spec.content.cover;
  const n = Math.max(matrix.columns.length, 4);
  const widths = Array.from({ length: n }, (_, i) => matrix.columns[i]?.width ?? 14);
  widths[0] = Math.max(widths[0]!, 14);
  const ws = wb.addWorksheet(name, sheetOptions(undefined));
  setWidths(ws, widths);
  const drain = zipBackPressure(ws, witness);
  const r1 = ws.getRow(1);
  r1.getCell(1).value = cleanText(workbookTitle(spec.org.unit.shortName, label));
  r1.getCell(1).style = styles.title;
  r1.height = TITLE_HEIGHT * 1.2;
  ws.mergeCells(1, 1, 1, n);
  r1.commit();
  const lines: [string, string][] = [
    ['填报单位', spec.org.unit.name],
    ['汇编期间', label],
    ['统计截至', chineseDate(spec.asOf)],
    ['汇编时间', chineseDateTime(spec.compiledAt)],
    ['汇编人', spec.compiledBy],
    ['汇编方式', spec.trigger === 'scheduled' ? '每月定时汇编' : '手动汇编'],
    ...facts,
  ];
  let row = 3;
  for (const [k, v] of lines) {
    const r = ws.getRow(row);
    r.getCell(1).value = cleanText(k);
    r.getCell(1).style = styles.label;
    r.getCell(2).value = cleanText(v);
    r.getCell(2).style = styles.body('left', true);
    for (let c = 3; c <= n; c++) r.getCell(c).style = styles.body('left', true);
    ws.mergeCells(row, 2, row, n);
    r.commit();
    row++;
  }
  row++;
  const heading = ws.getRow(row);
  heading.getCell(1).value = cleanText(matrix.title);
  heading.getCell(1).style = styles.section;
  ws.mergeCells(row, 1, row, n);
  heading.height = 22;
  heading.commit();
  row = await writeTable(ws, matrix, row + 1, styles, drain);
  row++;
  const legend = ws.getRow(row);
  legend.getCell(1).value = '图例';
  legend.getCell(1).style = styles.section;
  legend.commit();
  row++;
  for (const key of STATUS_KEYS) {
    const r = ws.getRow(row);
    r.getCell(1).value = STATUS[key].label;
    r.getCell(1).style = styles.status[key];
    r.getCell(2).value = STATUS[key].hint;
    r.getCell(2).style = styles.note;
    if (n > 2) ws.mergeCells(row, 2, row, n);
    r.commit();
    row++;
  }
  writeNotes(ws, matrix.notes, row + 1, widths, styles);
  ws.commit();
  return { name, rows: matrix.rows.length };
}

async function writeTableSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, table: TableSheet, spec: WorkbookSpec, styles: Styles, witness: { max: number }) {
  const n = Math.max(table.columns.length, 1);
  const ws = wb.addWorksheet(name, sheetOptions(3));
  const widths = table.columns.map((c) => c.width);
  setWidths(ws, widths);
  const drain = zipBackPressure(ws, witness);
  writeHead(ws, n, table.title, spec.org.unit.name, shanghaiDate(spec.compiledAt), styles);
  const next = await writeTable(ws, table, 3, styles, drain);
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: next - 1, column: n } };
  writeNotes(ws, table.notes, next + 1, widths, styles);
  ws.commit();
  return { name, rows: table.rows.length };
}

async function writeLedger(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  source: LedgerSource,
  spec: WorkbookSpec,
  label: string,
  styles: Styles,
  witness: { max: number },
  progress: { rows: number },
) {
  const columns = ledgerColumns(source.form);
  const n = columns.length;
  const ws = wb.addWorksheet(name, sheetOptions(3));
  // Widths before the first row is committed: they are written with it.
  setWidths(ws, columns.map((c) => c.width));
  const drain = zipBackPressure(ws, witness);
  writeHead(ws, n, ledgerSheetTitle(spec.org.unit.shortName, label, source.form), spec.org.unit.name, shanghaiDate(spec.compiledAt), styles);
  const headers = columns.map((c) => c.header);
  setRow(ws, 3, headers, styles.header, rowHeight(headers, columns.map((c) => ({ width: c.width, wrap: true })))).commit();

  const cellStyles = columns.map((c) => columnStyle(styles, c));
  const format = rowFormatter(source.form, spec.org);
  let count = 0;
  for await (const record of source.records()) {
    count++;
    const values = format(record, count);
    const row = ws.getRow(3 + count);
    for (let c = 0; c < n; c++) {
      const cell = row.getCell(c + 1);
      const v = values[c];
      if (v !== null && v !== undefined) cell.value = v;
      cell.style = cellStyles[c]!;
    }
    const height = rowHeight(values, columns);
    if (height) row.height = height;
    row.commit();
    if (count % DRAIN_EVERY === 0) {
      progress.rows += DRAIN_EVERY;
      spec.onProgress?.(progress.rows);
      await drain();
    }
  }
  progress.rows += count % DRAIN_EVERY;
  spec.onProgress?.(progress.rows);
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3 + count, column: n } };
  ws.commit();
  return { name, templateId: source.form.id, rows: count };
}

/** Writes the workbook to `file`; returns the row count of every sheet, the size and the SHA-256. */
export async function writeWorkbook(spec: WorkbookSpec, file: string): Promise<WorkbookResult> {
  const digest = new Digest();
  const done = pipeline(digest, createWriteStream(file));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: digest, useStyles: true, useSharedStrings: false });
  wb.creator = '台账 Taizhang';
  wb.created = spec.compiledAt;
  wb.modified = spec.compiledAt;
  const styles = makeStyles();
  const witness = { max: 0 };
  const progress = { rows: 0 };
  const label = rangeLabel(spec.period, spec.asOf);
  const name = sheetNamer();
  // Every sheet name is decided first, so the cover could list them; sheets are then written in order.
  const coverName = name('封面');
  const ledgerNames = spec.ledgers.map((l) => name(l.form.title));
  const assessmentName = name(spec.content.assessment.name || '考核评分');
  const monthlyName = name(spec.content.monthly.name || '月度汇总');

  const sheets: SheetCount[] = [];
  try {
    sheets.push(await writeCover(wb, coverName, spec, label, styles, witness));
    for (let i = 0; i < spec.ledgers.length; i++)
      sheets.push(await writeLedger(wb, ledgerNames[i]!, spec.ledgers[i]!, spec, label, styles, witness, progress));
    sheets.push(await writeTableSheet(wb, assessmentName, spec.content.assessment, spec, styles, witness));
    sheets.push(await writeTableSheet(wb, monthlyName, spec.content.monthly, spec, styles, witness));
    await wb.commit();
  } catch (err) {
    digest.destroy(err as Error);
    await done.catch(() => {});
    throw err;
  }
  await done;
  return { sheets, size: digest.size, sha256: digest.hash.digest('hex'), maxBuffered: witness.max };
}
