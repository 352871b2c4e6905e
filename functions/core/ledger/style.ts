/**
 * The look of the ledgers: the status colours and their legend, fonts, formats and widths. One
 * definition, shared by the workbook writer and (later) the web page, so a cell that says 未完成
 * is the same red wherever it is shown. No exceljs here: plain values only.
 */

export const STATUS_KEYS = ['met', 'in-progress', 'missed', 'late', 'not-due'] as const;
export type StatusKey = (typeof STATUS_KEYS)[number];

export interface StatusLook {
  /** The word in the cell and the legend. */
  label: string;
  /** What the legend says it means. */
  hint: string;
  /** Cell fill (Excel ARGB) and the same colour for CSS. */
  argb: string;
  css: string;
  /** Font colour on that fill (ARGB). */
  text: string;
}

/** Label and colours of each status, shared by the workbook and the web page. */
export const STATUS: Readonly<Record<StatusKey, StatusLook>> = {
  met: { label: '已完成', hint: '已按要求完成', argb: 'FFC6EFCE', css: '#c6efce', text: 'FF006100' },
  'in-progress': { label: '进行中', hint: '期间未结束，尚未完成', argb: 'FFFFEB9C', css: '#ffeb9c', text: 'FF9C5700' },
  missed: { label: '未完成', hint: '期间已结束，未按要求完成', argb: 'FFFFC7CE', css: '#ffc7ce', text: 'FF9C0006' },
  late: { label: '补报', hint: '期间结束后补报完成', argb: 'FFFCD5B4', css: '#fcd5b4', text: 'FF974706' },
  'not-due': { label: '未到期', hint: '尚未到应完成的时间', argb: 'FFE7E6E6', css: '#e7e6e6', text: 'FF595959' },
};

export const FONTS = {
  /** GB2312 charset, so Excel picks the Chinese face even where 宋体 is named differently. */
  title: { name: '宋体', size: 18, bold: true, charset: 134 },
  subtitle: { name: '宋体', size: 11, charset: 134 },
  header: { name: '宋体', size: 11, bold: true, charset: 134 },
  body: { name: '宋体', size: 11, charset: 134 },
} as const;

/** Excel number formats. Dates spelled out as GB/T 15835 wants them: 2026年11月28日, no zero padding. */
export const FORMATS = {
  date: 'yyyy"年"m"月"d"日"',
  dateTime: 'yyyy"年"m"月"d"日" hh:mm',
  integer: '0',
  number: 'General',
  percent: '0.0%',
} as const;

/** Row heights in points: one line of 11 pt 宋体, and Excel's ceiling. */
export const LINE_HEIGHT = 14.25;
export const MAX_ROW_HEIGHT = 409;
export const TITLE_HEIGHT = 36;

/** Width units per Chinese character (the workbook's unit is the default font's digit width). */
export const CJK_WIDTH = 1.9;
