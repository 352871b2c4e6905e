/** The roster (名册): who belongs to a unit and holds which role on which day. */
export * from './organisation.js';
