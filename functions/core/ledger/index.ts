/** Ledgers (台账): compilation rules and stores, the content of the summary sheets, the layout and the look of a workbook. */
export * from './compilation.js';
export * from './content.js';
export * from './layout.js';
export * from './style.js';
export * from './print.js';
