/**
 * Writes one compilation workbook with exceljs's streaming writer, row by row, in the order the
 * sheets appear (DESIGN §7): cover with its 目录, one ledger per form in the plan's order, the
 * record detail (记录详情), assessment, monthly summary and the evidence index (notes/EXCEL.md: a
 * sheet created early and filled late makes every later sheet buffer in memory). Records arrive
 * page by page and each row is committed at once; every few rows the writer waits for the zip
 * stream to drain, so memory stays flat however many records a period holds. The detail reads each
 * form's records a second time rather than holding them: memory stays flat, the store is read twice.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { archivePaths } from '../core/evidence/names.js';
import { typeOfMime } from '../core/evidence/types.js';
import type { SheetCount, Trigger } from '../core/ledger/compilation.js';
import { isStatusCell, type CompilationContent, type TableSheet, type TableValue } from '../core/ledger/content.js';
import {
  chineseDate,
  chineseDateTime,
  cleanText,
  DERIVED_NUMBER_NOTE,
  detailFormatter,
  excelDate,
  ledgerColumns,
  ledgerPageSetup,
  ledgerSheetTitle,
  rangeLabel,
  recordLabel,
  rowFormatter,
  rowHeight,
  sheetNamer,
  workbookTitle,
  type LedgerColumn,
} from '../core/ledger/layout.js';
import { fitScale, linesHeight, MARGINS, paperCode, printableArea, splitForRows, type PageSetup } from '../core/ledger/print.js';
import { FONTS, FORMATS, STATUS, STATUS_KEYS, TITLE_HEIGHT, type StatusKey } from '../core/ledger/style.js';
import { shanghaiDate, type Period } from '../core/periods.js';
import type { RecordState } from '../core/records/record.js';
import type { FormTemplate, Organisation } from '../core/templates/templates.js';
import { installQuotePrefix } from './quote-prefix.js';

installQuotePrefix();

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
  /** Called now and then with the number of rows written so far: each record counts twice, its ledger row and its detail block. */
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
    signature: { font: { ...FONTS.body, size: 12 }, alignment: { horizontal: 'left', vertical: 'bottom' } } as Style,
    empty: { font: { ...FONTS.body }, border: BORDER, alignment: { horizontal: 'center', vertical: 'middle' } } as Style,
    blockHead: {
      font: { ...FONTS.header },
      border: BORDER,
      alignment: { horizontal: 'left', vertical: 'middle', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } },
    } as Style,
    detailLabel: { font: { ...FONTS.header }, border: BORDER, alignment: { horizontal: 'center', vertical: 'top', wrapText: true } } as Style,
    detailValue: { font: { ...FONTS.body }, border: BORDER, alignment: { horizontal: 'left', vertical: 'top', wrapText: true } } as Style,
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


/** Text Excel would turn into a formula (or a number sign) once the cell is edited. */
const FORMULA_LIKE = /^[=+\-@]/;
const quotedStyles = new WeakMap<Style, Style>();
/** The same style with the quote prefix (quote-prefix.ts), one object per style so exceljs shares it. */
function quoted(style: Style): Style {
  let q = quotedStyles.get(style);
  if (!q) {
    q = { ...style, quotePrefix: true } as Style;
    quotedStyles.set(style, q);
  }
  return q;
}

function setCell(cell: ExcelJS.Cell, v: unknown, style: Style) {
  if (v !== null && v !== undefined) cell.value = v as ExcelJS.CellValue;
  cell.style = typeof v === 'string' && FORMULA_LIKE.test(v) ? quoted(style) : style;
}

/** Footer of every sheet: its name and its own page number (see sheetOptions). */
const FOOTER = '&C&A　第 &P 页';

/**
 * Printing: the paper, fit to one page wide, the header row on every page, and page numbers that
 * start at 1 on each sheet. LibreOffice honours the sheet's first page number, but its &N counts
 * the pages of the whole workbook, so the footer gives no total (a one-page ledger read "第 7 页，共
 * 29 页"). Settings that exceljs writes at the top of the sheet must be given here; later they are lost.
 */
function sheetOptions(headerRow: number | undefined, setup: PageSetup, frozen = headerRow): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    views: frozen
      ? [{ state: 'frozen', xSplit: 0, ySplit: frozen, topLeftCell: `A${frozen + 1}`, activeCell: `A${frozen + 1}` }]
      : [{ state: 'normal' }],
    pageSetup: {
      paperSize: paperCode(setup.paper),
      orientation: setup.orientation,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      firstPageNumber: 1,
      margins: { ...MARGINS },
      ...(headerRow ? { printTitlesRow: `${headerRow}:${headerRow}` } : {}),
    } as Partial<ExcelJS.PageSetup>,
    headerFooter: { oddFooter: FOOTER, evenFooter: FOOTER, firstFooter: FOOTER },
  };
}

/**
 * Follows where rows fall on printed pages, as the printer will break them (fit scale, repeated
 * header), so that a detail block or the signature can be moved to the next page whole.
 */
class Pages {
  readonly height: number;
  used = 0;
  constructor(setup: PageSetup, widths: readonly number[], private readonly repeat = 0) {
    this.height = printableArea(setup).height / fitScale(widths, setup);
  }
  /** Adds a row; true when it starts a new page. */
  add(h: number): boolean {
    if (this.used > 0 && this.used + h > this.height) {
      this.used = this.repeat + h;
      return true;
    }
    this.used += h;
    return false;
  }
  fits(h: number) {
    return this.used + h <= this.height;
  }
  breakHere() {
    this.used = this.repeat;
  }
}

/** A manual page break below row `n` (exceljs writes the list when the sheet is committed). */
function breakAfter(ws: Worksheet, n: number) {
  (ws as unknown as { rowBreaks: { id: number; max: number; man: number }[] }).rowBreaks.push({ id: n, max: 16383, man: 1 });
}

function setRow(ws: Worksheet, n: number, values: readonly unknown[], styles: readonly Style[] | Style, height?: number) {
  const row = ws.getRow(n);
  for (let c = 0; c < values.length; c++) setCell(row.getCell(c + 1), values[c], Array.isArray(styles) ? styles[c]! : (styles as Style));
  if (height) row.height = height;
  return row;
}

/** A text across the whole width of the sheet in one merged row. */
function wideRow(ws: Worksheet, n: number, cols: number, text: string, style: Style, height?: number) {
  const r = ws.getRow(n);
  setCell(r.getCell(1), cleanText(text), style);
  for (let c = 2; c <= cols; c++) r.getCell(c).style = style;
  if (cols > 1) ws.mergeCells(n, 1, n, cols);
  if (height) r.height = height;
  r.commit();
}

/** Row 1: the merged title; row 2: 填报单位（盖章） on the left, the date on the right. */
function writeHead(ws: Worksheet, n: number, title: string, unitName: string, right: string, styles: Styles) {
  const r1 = ws.getRow(1);
  setCell(r1.getCell(1), cleanText(title), styles.title);
  r1.height = TITLE_HEIGHT;
  ws.mergeCells(1, 1, 1, n);
  r1.commit();
  const r2 = ws.getRow(2);
  if (n <= 2) {
    // Too few columns to split the line (the detail): both in one merged cell.
    setCell(r2.getCell(1), cleanText(`填报单位（盖章）：${unitName}　　${right}`), styles.subLeft);
    r2.height = 24;
    if (n > 1) ws.mergeCells(2, 1, 2, n);
    r2.commit();
    return;
  }
  const half = Math.max(1, Math.ceil(n / 2));
  setCell(r2.getCell(1), cleanText(`填报单位（盖章）：${unitName}`), styles.subLeft);
  setCell(r2.getCell(half + 1 > n ? n : half + 1), right, styles.subRight);
  r2.height = 24;
  if (half > 1) ws.mergeCells(2, 1, 2, half);
  if (n - half > 1) ws.mergeCells(2, half + 1, 2, n);
  r2.commit();
}

export const SIGNATURE = '填表人：　　　　　　审核人：　　　　　　负责人：　　　　　　日期：　　　　年　　月　　日';
const SIGNATURE_HEIGHT = 36;
export const NO_RECORDS = '本期无记录';

/**
 * The signature block under a table. It goes on the table's last page: when it would not fit
 * there, a break before the last row takes that row over with it.
 */
function writeSignature(ws: Worksheet, n: number, cols: number, pages: Pages, lastRowHeight: number, styles: Styles) {
  if (!pages.fits(SIGNATURE_HEIGHT) && lastRowHeight > 0 && n > 5) {
    breakAfter(ws, n - 2);
    pages.breakHere();
    pages.add(lastRowHeight);
  }
  pages.add(SIGNATURE_HEIGHT);
  wideRow(ws, n, cols, SIGNATURE, styles.signature, SIGNATURE_HEIGHT);
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

/** Writes a table's header, rows and totals from row `start`; returns the header row, the last filtered row and the next free row. */
async function writeTable(ws: Worksheet, table: TableSheet, start: number, styles: Styles, drain: () => Promise<void>, pages?: Pages) {
  const widths = table.columns.map((c) => ({ width: c.width, wrap: true }));
  const headers = table.columns.map((c) => cleanText(c.header));
  const headerHeight = rowHeight(headers, widths) ?? linesHeight(1);
  setRow(ws, start, headers, styles.header, headerHeight).commit();
  pages?.add(headerHeight);
  const plain = tableColumnStyles(table, styles);
  let n = start + 1;
  let last = 0;
  const write = async (values: TableValue[]) => {
    const cells = table.columns.map((c, i) => tableValue(values[i] ?? null, c.kind, styles, plain[i]!));
    const shown = cells.map(([v]) => v);
    last = rowHeight(shown, widths) ?? linesHeight(1);
    pages?.add(last);
    setRow(ws, n, shown, cells.map(([, s]) => s), last).commit();
    n++;
    if (n % DRAIN_EVERY === 0) await drain();
  };
  for (const values of table.rows) await write(values);
  if (table.rows.length === 0) {
    wideRow(ws, n++, table.columns.length, NO_RECORDS, styles.empty, 30);
    pages?.add(30);
  }
  const filtered = n - 1;
  for (const values of table.totals ?? []) await write(values);
  return { header: start, filtered, next: n, last };
}

function writeNotes(ws: Worksheet, notes: readonly string[] | undefined, from: number, widths: readonly number[], styles: Styles) {
  const n = widths.length;
  const width = widths.reduce((a, b) => a + b, 0);
  let row = from;
  for (const note of notes ?? []) {
    if (!note) continue;
    const text = cleanText(note);
    wideRow(ws, row, n, text, styles.note, rowHeight([text], [{ width, wrap: true }]));
    row++;
  }
  return row;
}

const setWidths = (ws: Worksheet, widths: number[]) => {
  ws.columns = widths.map((width) => ({ width: width === 9 ? 9.01 : width }));
};

type Book = ExcelJS.stream.xlsx.WorkbookWriter;
type Witness = { max: number };

/** One line of the cover's 目录. */
interface Contents {
  name: string;
  what: string;
}

const COVER_SETUP: PageSetup = { paper: 'A4', orientation: 'landscape' };

async function writeCover(wb: Book, name: string, spec: WorkbookSpec, label: string, contents: Contents[], styles: Styles, witness: Witness) {
  const { matrix, facts } = spec.content.cover;
  const n = Math.max(matrix.columns.length, 4);
  const widths = Array.from({ length: n }, (_, i) => matrix.columns[i]?.width ?? 14);
  widths[0] = Math.max(widths[0]!, 14);
  const lines: [string, string][] = [
    ['填报单位（盖章）', spec.org.unit.name],
    ['汇编期间', label],
    ['统计截至', chineseDate(spec.asOf)],
    ['汇编时间', chineseDateTime(spec.compiledAt)],
    ['汇编人', spec.compiledBy],
    ['汇编方式', spec.trigger === 'scheduled' ? '每月定时汇编' : '手动汇编'],
    ...facts,
  ];
  // Row 1 title, a blank row, the facts, a blank row, 目录's heading and lines, a blank row, the matrix's heading, its header.
  const contentsRow = 3 + lines.length + 1;
  const headingRow = contentsRow + 1 + contents.length + 1;
  const headerRow = headingRow + 1;
  // The matrix's header repeats on every page of the cover.
  const ws = wb.addWorksheet(name, sheetOptions(headerRow, COVER_SETUP, 0));
  setWidths(ws, widths);
  const drain = zipBackPressure(ws, witness);
  const r1 = ws.getRow(1);
  setCell(r1.getCell(1), cleanText(workbookTitle(spec.org.unit.shortName, label)), styles.title);
  r1.height = TITLE_HEIGHT * 1.2;
  ws.mergeCells(1, 1, 1, n);
  r1.commit();
  let row = 3;
  for (const [k, v] of lines) {
    const r = ws.getRow(row);
    setCell(r.getCell(1), cleanText(k), styles.label);
    setCell(r.getCell(2), cleanText(v), styles.body('left', true));
    for (let c = 3; c <= n; c++) r.getCell(c).style = styles.body('left', true);
    ws.mergeCells(row, 2, row, n);
    r.commit();
    row++;
  }
  row = contentsRow;
  wideRow(ws, row++, n, '目录', styles.section, 22);
  // The sheet's name over the first two columns (the matrix's first is only a code wide), what it holds over the rest.
  const split = n > 3 ? 2 : 1;
  contents.forEach((c, i) => {
    const r = ws.getRow(row);
    setCell(r.getCell(1), `${i + 1}. ${cleanText(c.name)}`, styles.body('left', true));
    for (let k = 2; k <= split; k++) r.getCell(k).style = styles.body('left', true);
    setCell(r.getCell(split + 1), cleanText(c.what), styles.body('left', true));
    for (let k = split + 2; k <= n; k++) r.getCell(k).style = styles.body('left', true);
    if (split > 1) ws.mergeCells(row, 1, row, split);
    if (n > split + 1) ws.mergeCells(row, split + 1, row, n);
    r.height = linesHeight(1);
    r.commit();
    row++;
  });
  // The matrix starts on a page of its own: page 1 is the title, the facts and the 目录.
  breakAfter(ws, headingRow - 1);
  wideRow(ws, headingRow, n, matrix.title, styles.section, 22);
  const { next } = await writeTable(ws, { ...matrix, columns: matrix.columns.map((c, i) => ({ ...c, width: widths[i]! })) }, headerRow, styles, drain);
  row = next + 1;
  wideRow(ws, row++, 1, '图例', styles.section);
  for (const key of STATUS_KEYS) {
    const r = ws.getRow(row);
    setCell(r.getCell(1), STATUS[key].label, styles.status[key]);
    setCell(r.getCell(2), STATUS[key].hint, styles.note);
    if (n > 2) ws.mergeCells(row, 2, row, n);
    r.commit();
    row++;
  }
  writeNotes(ws, matrix.notes, row + 1, widths, styles);
  ws.commit();
  return { name, rows: matrix.rows.length };
}

async function writeTableSheet(wb: Book, name: string, table: TableSheet, spec: WorkbookSpec, styles: Styles, witness: Witness) {
  const n = Math.max(table.columns.length, 1);
  const widths = table.columns.map((c) => c.width);
  const setup: PageSetup = { paper: 'A4', orientation: 'landscape' };
  const ws = wb.addWorksheet(name, sheetOptions(3, setup));
  setWidths(ws, widths);
  const drain = zipBackPressure(ws, witness);
  writeHead(ws, n, table.title, spec.org.unit.name, `统计截至：${chineseDate(spec.asOf)}`, styles);
  const pages = new Pages(setup, widths);
  pages.add(TITLE_HEIGHT + 24);
  const { filtered, next, last } = await writeTable(ws, table, 3, styles, drain, pages);
  if (table.rows.length) ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: filtered, column: n } };
  writeSignature(ws, next, n, pages, last, styles);
  writeNotes(ws, table.notes, next + 1, widths, styles);
  ws.commit();
  return { name, rows: table.rows.length };
}

/** Counts rows for onProgress and gives the abort signal its chance every DRAIN_EVERY rows. */
class Progress {
  rows = 0;
  private pending = 0;
  constructor(private readonly spec: WorkbookSpec) {}
  async tick(drain: () => Promise<void>) {
    if (++this.pending < DRAIN_EVERY) return;
    this.flush();
    await drain();
  }
  flush() {
    this.rows += this.pending;
    this.pending = 0;
    this.spec.onProgress?.(this.rows);
  }
}

async function writeLedger(wb: Book, name: string, source: LedgerSource, spec: WorkbookSpec, label: string, styles: Styles, witness: Witness, progress: Progress) {
  const columns = ledgerColumns(source.form);
  const n = columns.length;
  const setup = ledgerPageSetup(source.form);
  const widths = columns.map((c) => c.width);
  const ws = wb.addWorksheet(name, sheetOptions(3, setup));
  // Widths before the first row is committed: they are written with it.
  setWidths(ws, widths);
  const drain = zipBackPressure(ws, witness);
  writeHead(ws, n, ledgerSheetTitle(spec.org.unit.shortName, label, source.form), spec.org.unit.name, `填报时间：${chineseDate(shanghaiDate(spec.compiledAt))}`, styles);
  const headers = columns.map((c) => c.header);
  const headerHeight = rowHeight(headers, columns.map((c) => ({ width: c.width, wrap: true }))) ?? linesHeight(1);
  setRow(ws, 3, headers, styles.header, headerHeight).commit();
  const pages = new Pages(setup, widths, headerHeight);
  pages.add(TITLE_HEIGHT + 24 + headerHeight);

  const cellStyles = columns.map((c) => columnStyle(styles, c));
  const format = rowFormatter(source.form, spec.org);
  const oneLine = linesHeight(1);
  let count = 0;
  let derived = false;
  let last = 0;
  for await (const record of source.records()) {
    count++;
    const values = format(record, count);
    if (!derived && !record.number) derived = true;
    const row = ws.getRow(3 + count);
    for (let c = 0; c < n; c++) setCell(row.getCell(c + 1), values[c], cellStyles[c]!);
    // Every row's height is set, so that the printed pages can be followed (Pages).
    last = rowHeight(values, columns) ?? oneLine;
    row.height = last;
    pages.add(last);
    row.commit();
    await progress.tick(drain);
  }
  progress.flush();
  let next = 4 + count;
  if (count === 0) {
    wideRow(ws, 4, n, NO_RECORDS, styles.empty, 30);
    pages.add(30);
    next = 5;
  } else ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3 + count, column: n } };
  writeSignature(ws, next, n, pages, count ? last : 0, styles);
  const notes = [`本表列出主要栏目，每条记录的全部内容见《记录详情》，按记录编号查找。`, ...(derived ? [DERIVED_NUMBER_NOTE] : [])];
  writeNotes(ws, notes, next + 1, widths, styles);
  ws.commit();
  return { name, templateId: source.form.id, rows: count };
}

/** One attachment as the evidence index lists it. */
interface EvidenceLine {
  ledger: string;
  number: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  path: string;
}

const DETAIL_SETUP: PageSetup = { paper: 'A4', orientation: 'portrait' };
/** 记录详情 columns: the label, and the value wrapped to the rest of an A4 portrait page (fits at 100 %). */
const DETAIL_WIDTHS = [16, 80];

/**
 * 记录详情: one sheet for all ledgers, in their order, so the workbook keeps one sheet per ledger
 * table plus a single place to read records in full, with one page numbering. Each record is a
 * block: its number, then every field's label and full value; a long value runs over as many rows
 * as it needs (each under 409 pt), and a block that would straddle a page starts on the next one.
 */
async function writeDetail(wb: Book, name: string, spec: WorkbookSpec, label: string, styles: Styles, witness: Witness, progress: Progress, evidence: EvidenceLine[]) {
  const ws = wb.addWorksheet(name, sheetOptions(undefined, DETAIL_SETUP, 2));
  setWidths(ws, DETAIL_WIDTHS);
  const drain = zipBackPressure(ws, witness);
  writeHead(ws, 2, `${spec.org.unit.shortName}${label}意识形态工作记录详情`, spec.org.unit.name, `填报时间：${chineseDate(shanghaiDate(spec.compiledAt))}`, styles);
  const pages = new Pages(DETAIL_SETUP, DETAIL_WIDTHS);
  pages.add(TITLE_HEIGHT + 24);
  const valueWidth = DETAIL_WIDTHS[1]!;
  const labelWidth = DETAIL_WIDTHS[0]!;
  let n = 3;
  let blocks = 0;
  let derived = false;
  for (const source of spec.ledgers) {
    const form = source.form;
    const heading = `《${form.ledgerTitle}》`;
    const details = detailFormatter(form, spec.org);
    let count = 0;
    for await (const record of source.records()) {
      count++;
      blocks++;
      const number = recordLabel(record, form);
      if (number.derived) derived = true;
      const rows: [string, string, number][] = [];
      for (const line of details(record)) {
        const pieces = splitForRows(line.value, valueWidth);
        pieces.forEach((p, i) => {
          const labelText = i === 0 ? line.label : `${line.label}（续）`;
          const lines = Math.max(p.lines, i === 0 ? rowHeightLines(labelText, labelWidth) : 1);
          rows.push([labelText, p.text, linesHeight(lines)]);
        });
      }
      // The block's head is a label and a value, not a merged row: exceljs checks each merge against
      // every earlier one, so a merge per record made 100,000 records take minutes (bench/ledger.ts).
      const head = number.text;
      // The ledger's heading goes with its first block, never alone at the foot of a page.
      const total = (count === 1 ? 30 : 0) + 24 + rows.reduce((a, [, , h]) => a + h, 0);
      // A block that fits on a page but not in what is left of this one starts a new page; so does
      // a longer one when less than half a page is left.
      if (pages.used > 0 && !pages.fits(total) && (total <= pages.height || pages.used > pages.height / 2)) {
        breakAfter(ws, n - 1);
        pages.breakHere();
      }
      if (count === 1) {
        pages.add(30);
        wideRow(ws, n++, 2, heading, styles.section, 30);
      }
      pages.add(24);
      const h = ws.getRow(n++);
      setCell(h.getCell(1), `${count}. 记录编号`, styles.blockHead);
      setCell(h.getCell(2), head, styles.blockHead);
      h.height = 24;
      h.commit();
      for (const [l, v, h] of rows) {
        pages.add(h);
        const r = ws.getRow(n++);
        setCell(r.getCell(1), l, styles.detailLabel);
        setCell(r.getCell(2), v, styles.detailValue);
        r.height = h;
        r.commit();
      }
      if (record.attachments?.length) {
        const paths = archivePaths(form.ledgerTitle, number.text, record.attachments.map((a) => a.name));
        record.attachments.forEach((a, i) =>
          evidence.push({ ledger: form.ledgerTitle, number: number.text, name: a.name, type: typeOfMime(a.type)?.label ?? a.type, size: a.size, sha256: a.sha256, path: paths[i]! }),
        );
      }
      await progress.tick(drain);
    }
    if (count === 0) {
      if (!pages.fits(54)) {
        breakAfter(ws, n - 1);
        pages.breakHere();
      }
      pages.add(54);
      wideRow(ws, n++, 2, heading, styles.section, 30);
      wideRow(ws, n++, 2, NO_RECORDS, styles.empty, 24);
    }
    n++;
  }
  progress.flush();
  if (derived) writeNotes(ws, [DERIVED_NUMBER_NOTE], n, DETAIL_WIDTHS, styles);
  ws.commit();
  return { name, rows: blocks };
}

/** Lines a label needs in its column (a long label must not be cut either). */
const rowHeightLines = (text: string, width: number) => splitForRows(text, width, 1000)[0]!.lines;

async function writeEvidence(wb: Book, name: string, spec: WorkbookSpec, evidence: EvidenceLine[], styles: Styles, witness: Witness) {
  const table: TableSheet = {
    name,
    title: `${spec.org.unit.shortName}佐证材料目录`,
    columns: [
      { header: '序号', width: 6, kind: 'number' },
      { header: '台账', width: 26 },
      { header: '记录编号', width: 17 },
      { header: '文件名', width: 30 },
      { header: '类型', width: 10 },
      { header: '大小（KB）', width: 10, kind: 'number' },
      // An inspector can check a file taken out of the archive against its record.
      { header: 'SHA-256', width: 34 },
      { header: '档案包中的位置', width: 50 },
    ],
    rows: evidence.map((e, i) => [i + 1, e.ledger, e.number, e.name, e.type, Math.max(1, Math.round(e.size / 1024)), e.sha256, e.path]),
    notes: ['佐证材料随本期档案包（zip）提供，按“档案包中的位置”查找。'],
  };
  return writeTableSheet(wb, name, table, spec, styles, witness);
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
  const progress = new Progress(spec);
  const label = rangeLabel(spec.period, spec.asOf);
  const name = sheetNamer();
  // Every sheet name is decided first, so the cover can list them; sheets are then written in order.
  const coverName = name('封面');
  const ledgerNames = spec.ledgers.map((l) => name(l.form.title));
  const detailName = name('记录详情');
  const assessmentName = name(spec.content.assessment.name || '考核评分');
  const monthlyName = name(spec.content.monthly.name || '月度汇总');
  const evidenceName = name('佐证材料目录');
  const contents: Contents[] = [
    ...spec.ledgers.map((l, i) => ({ name: ledgerNames[i]!, what: l.form.ledgerTitle })),
    { name: detailName, what: '每条记录的全部内容，按台账和记录编号排列' },
    { name: assessmentName, what: spec.content.assessment.title },
    { name: monthlyName, what: spec.content.monthly.title },
    { name: evidenceName, what: '各记录的佐证材料及其在档案包中的位置' },
  ];

  const sheets: SheetCount[] = [];
  const evidence: EvidenceLine[] = [];
  try {
    sheets.push(await writeCover(wb, coverName, spec, label, contents, styles, witness));
    for (let i = 0; i < spec.ledgers.length; i++)
      sheets.push(await writeLedger(wb, ledgerNames[i]!, spec.ledgers[i]!, spec, label, styles, witness, progress));
    sheets.push(await writeDetail(wb, detailName, spec, label, styles, witness, progress, evidence));
    sheets.push(await writeTableSheet(wb, assessmentName, spec.content.assessment, spec, styles, witness));
    sheets.push(await writeTableSheet(wb, monthlyName, spec.content.monthly, spec, styles, witness));
    sheets.push(await writeEvidence(wb, evidenceName, spec, evidence, styles, witness));
    await wb.commit();
  } catch (err) {
    digest.destroy(err as Error);
    await done.catch(() => {});
    throw err;
  }
  await done;
  return { sheets, size: digest.size, sha256: digest.hash.digest('hex'), maxBuffered: witness.max };
}

/** A filtered register (登记簿) exported from the web app: any records, in the ledgers' style. */
export interface RecordListSpec {
  org: Organisation;
  /** The forms in the order their sheets appear (the plan's order). */
  forms: FormTemplate[];
  records: readonly RecordState[];
  /** What the list holds, e.g. 2026年 · 理论学习 · 待审核; shown on the cover and in the titles. */
  filterLabel: string;
  exportedAt: Date;
  exportedBy: string;
}

/**
 * Writes a list of records as a workbook: a cover with the filter and a 目录, one ledger sheet per
 * form that has records (same columns, signature block, numbering as a compilation), and the
 * record detail. Records keep the list's order within each form.
 */
export async function writeRecordList(spec: RecordListSpec, file: string): Promise<WorkbookResult> {
  const byForm = new Map<string, RecordState[]>();
  for (const r of spec.records) {
    const list = byForm.get(r.templateId) ?? [];
    list.push(r);
    byForm.set(r.templateId, list);
  }
  const ledgers: LedgerSource[] = spec.forms
    .filter((f) => byForm.has(f.id))
    .map((form) => ({
      form,
      records: async function* () {
        yield* byForm.get(form.id)!;
      },
    }));
  const today = shanghaiDate(spec.exportedAt);
  // The writers below take a compilation's spec; a list has no period, compliance or assessment.
  const wspec: WorkbookSpec = {
    org: spec.org,
    period: { kind: 'year', year: Number(today.slice(0, 4)), index: 1 },
    asOf: today,
    compiledAt: spec.exportedAt,
    compiledBy: spec.exportedBy,
    trigger: 'on-demand',
    content: { cover: { facts: [], matrix: { name: '', title: '', columns: [], rows: [] } }, assessment: { name: '', title: '', columns: [], rows: [] }, monthly: { name: '', title: '', columns: [], rows: [] } },
    ledgers,
  };
  const digest = new Digest();
  const done = pipeline(digest, createWriteStream(file));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: digest, useStyles: true, useSharedStrings: false });
  wb.creator = '台账 Taizhang';
  wb.created = spec.exportedAt;
  wb.modified = spec.exportedAt;
  const styles = makeStyles();
  const witness = { max: 0 };
  const progress = new Progress(wspec);
  const name = sheetNamer();
  const coverName = name('封面');
  const ledgerNames = ledgers.map((l) => name(l.form.title));
  const detailName = name('记录详情');
  const label = `（${spec.filterLabel}）`;
  const sheets: SheetCount[] = [];
  try {
    const widths = [16, 30, 30, 30];
    const ws = wb.addWorksheet(coverName, sheetOptions(undefined, COVER_SETUP, 0));
    setWidths(ws, widths);
    wideRow(ws, 1, 4, `${spec.org.unit.shortName}意识形态工作记录导出`, styles.title, TITLE_HEIGHT * 1.2);
    const lines: [string, string][] = [
      ['填报单位（盖章）', spec.org.unit.name],
      ['筛选条件', spec.filterLabel],
      ['记录数', `${spec.records.length} 条`],
      ['导出时间', chineseDateTime(spec.exportedAt)],
      ['导出人', spec.exportedBy],
    ];
    let row = 3;
    for (const [k, v] of lines) {
      const r = ws.getRow(row++);
      setCell(r.getCell(1), cleanText(k), styles.label);
      setCell(r.getCell(2), cleanText(v), styles.body('left', true));
      for (let c = 3; c <= 4; c++) r.getCell(c).style = styles.body('left', true);
      ws.mergeCells(row - 1, 2, row - 1, 4);
      r.commit();
    }
    row++;
    wideRow(ws, row++, 4, '目录', styles.section, 22);
    [...ledgers.map((l, i) => [ledgerNames[i]!, l.form.ledgerTitle]), [detailName, '每条记录的全部内容']].forEach(([n, what], i) => {
      const r = ws.getRow(row++);
      setCell(r.getCell(1), `${i + 1}. ${cleanText(n!)}`, styles.body('left', true));
      setCell(r.getCell(2), cleanText(what!), styles.body('left', true));
      for (let c = 3; c <= 4; c++) r.getCell(c).style = styles.body('left', true);
      ws.mergeCells(row - 1, 2, row - 1, 4);
      r.commit();
    });
    if (ledgers.length === 0) wideRow(ws, row++, 4, NO_RECORDS, styles.empty, 30);
    ws.commit();
    sheets.push({ name: coverName, rows: spec.records.length });
    for (let i = 0; i < ledgers.length; i++) sheets.push(await writeLedger(wb, ledgerNames[i]!, ledgers[i]!, wspec, label, styles, witness, progress));
    sheets.push(await writeDetail(wb, detailName, wspec, label, styles, witness, progress, []));
    await wb.commit();
  } catch (err) {
    digest.destroy(err as Error);
    await done.catch(() => {});
    throw err;
  }
  await done;
  return { sheets, size: digest.size, sha256: digest.hash.digest('hex'), maxBuffered: witness.max };
}
