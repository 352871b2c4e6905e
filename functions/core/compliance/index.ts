/** Compliance and assessment: which obligations are met, the scoring sheet, the office's views, reminders. */
export * from './compliance.js';
export * from './assessment.js';
export * from './oversight.js';
export * from './notify.js';
