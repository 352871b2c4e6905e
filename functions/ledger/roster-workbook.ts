/**
 * The 花名册 workbook: the downloadable template (one sheet, Chinese headers, example rows marked
 * 示例) and reading an uploaded one back into rows for functions/core/roster/import.ts.
 */
import ExcelJS from 'exceljs';
import { validationError } from '../core/errors.js';
import { EXAMPLE_MARK, IMPORT_COLUMNS, type ImportColumn, type ImportRow } from '../core/roster/import.js';
import { UNIT_ROLES, ROLE_LABELS, type Organisation } from '../core/templates/templates.js';

export const SHEET_NAME = '花名册';
/** More rows than any bureau has people; a bigger sheet is refused rather than read. */
export const MAX_ROWS = 2000;

const WIDTHS: Record<ImportColumn, number> = { 人员编号: 16, 姓名: 12, 职务: 18, 科室: 16, 角色: 14, 开始日期: 13, 结束日期: 13, 登录身份: 24, 备注: 24 };

/** The template: the headers, a note on each, and example rows (marked 示例, skipped on import). */
export async function rosterTemplate(org: Organisation): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = IMPORT_COLUMNS.map((c) => ({ header: c, key: c, width: WIDTHS[c] }));
  const head = ws.getRow(1);
  head.font = { name: '宋体', bold: true, size: 11 };
  head.eachCell((cell) => {
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });
  const notes: Partial<Record<ImportColumn, string>> = {
    人员编号: '小写字母、数字、连字符，如 li-na；同一人员多个角色时写多行，编号相同',
    科室: `科室名称或编号，须已在名册中：${org.divisions.map((d) => d.name).join('、')}`,
    角色: `${UNIT_ROLES.map((r) => ROLE_LABELS[r]).join('、')}；无角色留空`,
    开始日期: 'YYYY-MM-DD，如 2026-01-01',
    结束日期: '可留空（未结束）',
    登录身份: '使用 Cognito 或外部身份认证时填写其 sub；本机留空',
    备注: `写「${EXAMPLE_MARK}」的行不会导入`,
  };
  for (const [c, note] of Object.entries(notes)) ws.getCell(1, IMPORT_COLUMNS.indexOf(c as ImportColumn) + 1).note = note;
  const division = org.divisions[0]?.name ?? '';
  const examples: Partial<Record<ImportColumn, string>>[] = [
    { 人员编号: 'zhang-san', 姓名: '张三（示例）', 职务: '科长', 科室: division, 角色: ROLE_LABELS['division-head'], 开始日期: '2026-01-01', 备注: EXAMPLE_MARK },
    { 人员编号: 'zhang-san', 姓名: '张三（示例）', 职务: '科长', 科室: division, 角色: ROLE_LABELS.office, 开始日期: '2026-01-01', 结束日期: '2026-06-30', 备注: EXAMPLE_MARK },
    { 人员编号: 'li-si', 姓名: '李四（示例）', 职务: '科员', 科室: division, 备注: EXAMPLE_MARK },
  ];
  for (const e of examples) ws.addRow(e);
  // Every cell text: a date typed into the sheet stays the text the office typed.
  for (let c = 1; c <= IMPORT_COLUMNS.length; c++) ws.getColumn(c).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  // A date Excel made of what was typed: the calendar day in Shanghai, as the office meant it.
  // exceljs reads a date cell as that day at 00:00 UTC, so the UTC date is the day typed.
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return v.result === undefined || v.result === null ? '' : String(v.result instanceof Date ? v.result.toISOString().slice(0, 10) : v.result);
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

/** The rows of an uploaded 花名册; a file that is not one (not xlsx, no such sheet, wrong headers) is a 400. */
export async function readRosterWorkbook(bytes: Buffer): Promise<ImportRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw validationError('上传的文件不是 Excel 工作簿（.xlsx），请使用下载的花名册模板', [{ path: 'file', message: '不是 .xlsx 文件' }]);
  }
  const ws = wb.getWorksheet(SHEET_NAME) ?? wb.worksheets[0];
  if (!ws) throw validationError('工作簿中没有工作表', [{ path: 'file', message: `应有工作表「${SHEET_NAME}」` }]);
  const headerErrors = IMPORT_COLUMNS.flatMap((c, i) => {
    const got = cellText(ws.getCell(1, i + 1)).trim();
    return got === c ? [] : [{ path: `rows.1.${c}`, message: `第 1 行 ${String.fromCharCode(65 + i)} 列应为表头「${c}」，实为「${got}」` }];
  });
  if (headerErrors.length) throw validationError('表头与花名册模板不一致，请使用下载的模板', headerErrors);
  if (ws.rowCount > MAX_ROWS + 1) throw validationError(`花名册最多 ${MAX_ROWS} 行`, [{ path: 'file', message: `共 ${ws.rowCount - 1} 行` }]);
  const rows: ImportRow[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: ImportRow['cells'] = {};
    IMPORT_COLUMNS.forEach((c, i) => {
      const t = cellText(row.getCell(i + 1));
      if (t !== '') cells[c] = t;
    });
    rows.push({ row: r, cells });
  }
  return rows;
}
