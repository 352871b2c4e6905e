/** The plan as data: template, obligation and organisation schemas, the catalog that loads `templates/`, and the template → zod compiler the API and the browser share. */
export * from './templates.js';
export * from './catalog.js';
export * from './schema.js';
