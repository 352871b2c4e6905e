/**
 * How a sheet prints, computed before anything is written (notes/PRINT.md): the paper and its
 * margins, how wide a column prints, the scale "fit to one page wide" will choose, the text size
 * that results, and how many lines a wrapped text needs. Pure: no exceljs here.
 *
 * Width rule (documented for date and time columns, issue 13 item 5): a column of width w (Excel
 * units, the default Calibri 11 digit of 7 px) is 7w + 5 px wide. Cells are 宋体 11 pt, which Excel
 * and WPS draw at 15 px a Chinese character and 8 px a digit or Latin letter (half the em, rounded
 * up); LibreOffice's stand-in (Noto CJK) is no wider. A one-line value needs its text plus 8 px of
 * cell padding, plus one unit of margin for rounding and a bolder substitute font.
 */

export type Paper = 'A4' | 'A3';
export type Orientation = 'landscape' | 'portrait';

/** Paper sizes in points, portrait (width × height), and Excel's paperSize codes. */
const PAPERS: Record<Paper, { width: number; height: number; code: number }> = {
  A4: { width: 595.28, height: 841.89, code: 9 },
  A3: { width: 841.89, height: 1190.55, code: 8 },
};

/** Margins in inches, as Excel stores them: about 9 mm left and right, room for the footer below. */
export const MARGINS = { left: 0.35, right: 0.35, top: 0.6, bottom: 0.75, header: 0.3, footer: 0.3 } as const;

export const CJK_PX = 15;
export const LATIN_PX = 8;
const PADDING_PX = 8;
/** One printed line of 11 pt text: 宋体 needs 14.25 pt, LibreOffice's Noto CJK about 15.5; the larger wins. */
export const PRINT_LINE_HEIGHT = 16;
/** Excel's row ceiling, and the lines that fit under it with padding. */
export const ROW_LIMIT = 409;
export const LINES_PER_ROW = Math.floor((ROW_LIMIT - 6) / PRINT_LINE_HEIGHT);

export interface PageSetup {
  paper: Paper;
  orientation: Orientation;
}

export const paperCode = (paper: Paper) => PAPERS[paper].code;

/** The printable area in points between the margins. */
export function printableArea(setup: PageSetup): { width: number; height: number } {
  const p = PAPERS[setup.paper];
  const [w, h] = setup.orientation === 'landscape' ? [p.height, p.width] : [p.width, p.height];
  return { width: w - (MARGINS.left + MARGINS.right) * 72, height: h - (MARGINS.top + MARGINS.bottom) * 72 };
}

/** Printed width in points of a column `width` units wide at 100 %. */
export const columnPoints = (width: number) => (7 * width + 5) * 0.75;

/**
 * The scale that "fit all columns on one page wide" picks: the printable width over the table's,
 * never above 100 %, in whole percent as Excel and LibreOffice store it.
 */
export function fitScale(widths: readonly number[], setup: PageSetup): number {
  const total = widths.reduce((sum, w) => sum + columnPoints(w), 0);
  const ratio = printableArea(setup).width / total;
  return ratio >= 1 ? 1 : Math.floor(ratio * 100) / 100;
}

/** The text size as printed: the font size times the fit scale. */
export function effectivePrintSize(fontSize: number, widths: readonly number[], setup: PageSetup): number {
  return Math.round(fontSize * fitScale(widths, setup) * 100) / 100;
}

const charPx = (code: number) => (code >= 0x2e80 ? CJK_PX : LATIN_PX);

/** Text width in pixels at 11 pt. */
export function textPx(text: string): number {
  let px = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is one (wide) character.
    if (code >= 0xdc00 && code <= 0xdfff) continue;
    px += charPx(code);
  }
  return px;
}

/** The column width that shows `text` on one line in Excel, WPS and LibreOffice (the width rule above). */
export function widthFor(text: string): number {
  return Math.ceil((textPx(text) + PADDING_PX - 5) / 7) + 1;
}

const usablePx = (width: number) => Math.max(CJK_PX, 7 * width + 5 - PADDING_PX);

/** Lines a wrapped text needs in a column `width` units wide (line breaks kept, whole characters per line). */
export function textLines(text: string, width: number): number {
  const room = usablePx(width);
  let lines = 0;
  let px = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) {
      lines++;
      px = 0;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) continue;
    const w = charPx(code);
    if (px + w > room) {
      lines++;
      px = 0;
    }
    px += w;
  }
  return lines + 1;
}

/** Row height in points for this many lines of 11 pt text. */
export const linesHeight = (lines: number) => Math.min(ROW_LIMIT, Math.ceil(lines * PRINT_LINE_HEIGHT + 4));

/**
 * Splits a text into pieces that each wrap to at most `maxLines` lines in a column `width` units
 * wide, at line ends (never inside a surrogate pair), so that each piece fits one row under
 * Excel's 409 pt and no cell nears 32,767 characters. Concatenated (a line break where one was
 * the cut), the pieces are the text.
 */
export function splitForRows(text: string, width: number, maxLines = LINES_PER_ROW): { text: string; lines: number }[] {
  const room = usablePx(width);
  const pieces: { text: string; lines: number }[] = [];
  let start = 0;
  let lines = 1;
  let px = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) continue;
    let newLine = false;
    if (code === 10) newLine = true;
    else if (px + charPx(code) > room) newLine = true;
    if (newLine) {
      if (lines === maxLines) {
        // The piece is full. A wrapped line starts the next piece; a line break between them is
        // the row boundary itself, so it is kept in neither (it would print as an empty line).
        pieces.push({ text: text.slice(start, i), lines });
        start = code === 10 ? i + 1 : i;
        lines = 1;
        px = code === 10 ? 0 : charPx(code);
        continue;
      }
      lines++;
      px = code === 10 ? 0 : charPx(code);
      continue;
    }
    px += charPx(code);
  }
  if (start < text.length || pieces.length === 0) pieces.push({ text: text.slice(start), lines });
  return pieces;
}
