/** Jobs: long work done by a worker while the API answers 202 and the caller polls (DESIGN §12). */
export * from './job.js';
export * from './admission.js';
export * from './run.js';
