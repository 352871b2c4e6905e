/** Records (记录): their state and versions, the store interface, and submitting, reading, editing and withdrawing them. */
export * from './record.js';
export * from './submissions.js';
