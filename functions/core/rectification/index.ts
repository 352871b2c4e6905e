/** Rectification (整改销号, DESIGN §15): items from inspections' findings, their lifecycle, overdue and reminders. */
export * from './findings.js';
export * from './items.js';
