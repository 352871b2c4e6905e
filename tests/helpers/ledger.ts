/** Fixed content for compilations, standing in for the compliance and assessment modules. */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { CompilationContent, ContentProvider } from '../../functions/core/ledger/content.js';

/** Every status appears in the matrix, so the colours can be checked cell by cell. */
export const fixedContent = (): CompilationContent => ({
  cover: {
    facts: [['应完成事项', '9 项']],
    matrix: {
      name: '完成情况',
      title: '意识形态工作责任制落实情况',
      columns: [
        { header: '责任要求', width: 30 },
        { header: '上半年', width: 12, kind: 'status' },
        { header: '下半年', width: 12, kind: 'status' },
        { header: '全年', width: 12, kind: 'status' },
      ],
      rows: [
        ['党组专题研究意识形态工作', { status: 'met', text: '已完成' }, { status: 'in-progress', text: '1/2' }, { status: 'not-due', text: '未到期' }],
        ['分析研判意识形态形势', { status: 'missed', text: '未完成' }, { status: 'late', text: '补报' }, null],
      ],
      notes: ['完成情况按记录的活动日期统计。'],
    },
  },
  assessment: {
    name: '考核评分',
    title: 'XX局2026年意识形态工作责任制考核评分表',
    columns: [
      { header: '考核项目', width: 30 },
      { header: '标准分', width: 8, kind: 'number' },
      { header: '扣分', width: 8, kind: 'number' },
      { header: '扣分原因', width: 30 },
      { header: '佐证记录编号', width: 24 },
      { header: '得分', width: 8, kind: 'number' },
    ],
    rows: [
      ['党组专题研究意识形态工作', 10, 0, '', '01J0000000000000000000001', 10],
      ['分析研判意识形态形势', 10, 2, '上半年未开展分析研判', '', 8],
      ['合计', 20, 2, null, null, 18],
    ],
  },
  monthly: {
    name: '月度汇总',
    title: 'XX局2026年11月意识形态工作月度汇总',
    columns: [
      { header: '工作类别', width: 30 },
      { header: '本月完成次数', width: 10, kind: 'number' },
      { header: '年度累计', width: 10, kind: 'number' },
      { header: '年度要求', width: 10, kind: 'number' },
      { header: '完成率', width: 10, kind: 'status' },
      { header: '最近一次', width: 16, kind: 'date' },
    ],
    rows: [
      ['党组专题研究意识形态工作', 1, 2, 2, { status: 'met', text: '100%' }, '2026-11-02'],
      ['意识形态工作专题学习', 0, 0, 1, { status: 'missed', text: '0%' }, null],
    ],
  },
});

export const fixedProvider: ContentProvider = async () => fixedContent();

/** Opens a workbook with exceljs's in-memory reader (the streaming reader garbles some Chinese). */
export async function openWorkbook(data: string | Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const bytes = typeof data === 'string' ? readFileSync(data) : data;
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

/** Every sheet as a second, independent reader sees it (read-excel-file): name and rows of values. */
export async function readWithSecondReader(file: string): Promise<{ sheet: string; data: unknown[][] }[]> {
  const { default: readXlsxFile } = await import('read-excel-file/node');
  return (await readXlsxFile(readFileSync(file))) as { sheet: string; data: unknown[][] }[];
}

/**
 * The text of every cell whose style carries the quote prefix, per sheet name, read from the XML
 * itself: neither exceljs nor read-excel-file reports the attribute.
 */
export async function quotePrefixedCells(file: string): Promise<Map<string, string[]>> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(readFileSync(file));
  const stylesXml = await zip.file('xl/styles.xml')!.async('string');
  const xfs = stylesXml.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)![1]!.match(/<xf\b[^>]*?(\/>|>)/g) ?? [];
  const quoted = new Set(xfs.map((x, i) => (/quotePrefix="1"/.test(x) ? i : -1)).filter((i) => i >= 0));
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const target = new Map([...rels.matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  const out = new Map<string, string[]>();
  for (const m of workbook.matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)) {
    const path = `xl/${target.get(m[2]!)!.replace(/^\/?xl\//, '')}`;
    const xml = await zip.file(path)!.async('string');
    const texts: string[] = [];
    // exceljs writes text without shared strings as t="str" with a <v>; others write inlineStr with a <t>.
    for (const c of xml.matchAll(/<c [^>]*s="(\d+)"[^>]*t="(?:str|inlineStr)"[^>]*>([\s\S]*?)<\/c>/g))
      if (quoted.has(Number(c[1]))) texts.push((c[2]!.match(/<[tv][^>]*>([\s\S]*?)<\/[tv]>/)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"'));
    out.set(m[1]!, texts);
  }
  return out;
}

/** The XML of one sheet, found by its name. */
export async function sheetXml(file: string, name: string): Promise<string> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(readFileSync(file));
  const workbook = await zip.file('xl/workbook.xml')!.async('string');
  const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
  const id = [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)].find((m) => m[1] === name)?.[2];
  const target = [...rels.matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)].find((m) => m[1] === id)?.[2];
  if (!target) throw new Error(`no sheet ${name}`);
  return zip.file(`xl/${target.replace(/^\/?xl\//, '')}`)!.async('string');
}
