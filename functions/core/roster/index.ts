/** The roster (名册): who belongs to a unit and holds which role on which day, and the office's changes to it. */
export * from './organisation.js';
export * from './roster.js';
export type * from './store.js';
export * from './authority.js';
export * from './service.js';
export * from './import.js';
export * from './identity.js';
