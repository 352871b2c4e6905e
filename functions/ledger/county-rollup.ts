/**
 * The county's roll-up workbook (汇总表): one row per unit, one column group per obligation (rows
 * 已完成 / 进行中 / 未完成), the obligations met, the score and both ranks, in the ledgers' government
 * style (core/ledger/style.ts fonts, borders, A4 landscape fitted to one page wide, the header rows
 * on every page, a signature block under the table). Written from the overview the county sees.
 */
import ExcelJS from 'exceljs';
import { FONTS, STATUS, TITLE_HEIGHT } from '../core/ledger/style.js';
import { MARGINS, paperCode } from '../core/ledger/print.js';

export interface RollupInput {
  county: { id: string; name: string };
  periodLabel: string;
  asOf: string;
  obligations: { id: string; title: string }[];
  units: {
    name: string;
    cells: Record<string, { met: number; inProgress: number; missed: number }>;
    obligationsMet: number;
    score: number;
    rankByMet: number;
    rankByScore: number;
  }[];
}

export const ROLLUP_SHEET = '各单位落实情况汇总';
const border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } } as const;
const center = { vertical: 'middle', horizontal: 'center', wrapText: true } as const;
/** 2026-11-28 → 2026年11月28日 (GB/T 15835, no zero padding). */
const chineseDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

export async function rollupWorkbook(input: RollupInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const groups = input.obligations.length;
  const lastCol = 2 + groups * 3 + 4;
  const ws = wb.addWorksheet(ROLLUP_SHEET, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 4 }],
    pageSetup: {
      paperSize: paperCode('A4'),
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { ...MARGINS },
      printTitlesRow: '3:4',
    } as Partial<ExcelJS.PageSetup>,
    headerFooter: { oddFooter: '&C&A　第 &P 页' },
  });
  ws.getColumn(1).width = 6;
  ws.getColumn(2).width = 28;
  for (let c = 3; c <= lastCol; c++) ws.getColumn(c).width = c > 2 + groups * 3 ? 10 : 6.5;

  ws.mergeCells(1, 1, 1, lastCol);
  const title = ws.getCell(1, 1);
  title.value = `${input.periodLabel}各单位意识形态工作责任制落实情况汇总表`;
  title.font = { ...FONTS.title };
  title.alignment = center;
  ws.getRow(1).height = TITLE_HEIGHT;
  ws.mergeCells(2, 1, 2, lastCol);
  const line = ws.getCell(2, 1);
  line.value = `填报单位（盖章）：${input.county.name}　　　期间：${input.periodLabel}　　　截至：${chineseDate(input.asOf)}`;
  line.font = { ...FONTS.subtitle };

  const head = (r: number, c: number, text: string, toRow = r, toCol = c) => {
    if (toRow !== r || toCol !== c) ws.mergeCells(r, c, toRow, toCol);
    const cell = ws.getCell(r, c);
    cell.value = text;
    cell.font = { ...FONTS.header };
    cell.alignment = center;
    for (let rr = r; rr <= toRow; rr++) for (let cc = c; cc <= toCol; cc++) ws.getCell(rr, cc).border = border;
  };
  head(3, 1, '序号', 4, 1);
  head(3, 2, '单位', 4, 2);
  input.obligations.forEach((o, i) => {
    const c = 3 + i * 3;
    head(3, c, `${o.id} ${o.title}`, 3, c + 2);
    head(4, c, STATUS.met.label);
    head(4, c + 1, STATUS['in-progress'].label);
    head(4, c + 2, STATUS.missed.label);
  });
  const tail = 3 + groups * 3;
  head(3, tail, '达标要求（项）', 4, tail);
  head(3, tail + 1, '考核得分', 4, tail + 1);
  head(3, tail + 2, '达标名次', 4, tail + 2);
  head(3, tail + 3, '得分名次', 4, tail + 3);
  ws.getRow(3).height = 48;

  let r = 5;
  if (!input.units.length) {
    ws.mergeCells(r, 1, r, lastCol);
    ws.getCell(r, 1).value = '本期无记录';
    ws.getCell(r, 1).alignment = center;
    r++;
  }
  input.units.forEach((u, i) => {
    const values: (string | number)[] = [i + 1, u.name];
    for (const o of input.obligations) {
      const c = u.cells[o.id] ?? { met: 0, inProgress: 0, missed: 0 };
      values.push(c.met, c.inProgress, c.missed);
    }
    values.push(u.obligationsMet, u.score, u.rankByMet, u.rankByScore);
    const row = ws.getRow(r++);
    values.forEach((v, k) => {
      const cell = row.getCell(k + 1);
      cell.value = v;
      cell.font = { ...FONTS.body };
      cell.border = border;
      cell.alignment = k === 1 ? { vertical: 'middle', wrapText: true } : center;
      // A unit with missed rows of an obligation shows it in the ledgers' 未完成 colour.
      if (k >= 2 && k < tail - 1 && (k - 2) % 3 === 2 && typeof v === 'number' && v > 0)
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: STATUS.missed.argb } };
    });
  });
  r++;
  ws.mergeCells(r, 1, r, lastCol);
  ws.getCell(r, 1).value = '填表人：　　　　　　审核人：　　　　　　负责人：　　　　　　日期：　　　　年　　月　　日';
  ws.getCell(r, 1).font = { ...FONTS.body };
  ws.autoFilter = { from: { row: 4, column: 1 }, to: { row: 4, column: lastCol } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
