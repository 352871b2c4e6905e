/** The one legend for obligation status: its Chinese label and colour, in the web app and the workbook. */
export const STATUS = {
  met: { label: '已完成', fill: 'FFC6EFCE', text: 'FF006100' },
  'in-progress': { label: '进行中', fill: 'FFFFEB9C', text: 'FF9C5700' },
  missed: { label: '未完成', fill: 'FFFFC7CE', text: 'FF9C0006' },
  late: { label: '补报', fill: 'FFDDEBF7', text: 'FF1F4E79' },
  'not-due': { label: '未到期', fill: 'FFEDEDED', text: 'FF595959' },
} as const;

export type StatusKey = keyof typeof STATUS;

/** `#RRGGBB` from an ARGB hex as exceljs takes it. */
export const cssColour = (argb: string) => `#${argb.slice(2)}`;
