/**
 * Evidence (佐证材料): which files a record may carry (types.ts), how their names are cleaned
 * (names.ts), what their bytes really are (detect.ts), and the checks before signing an upload
 * and after it is stored (rules.ts). No AWS here: the blob side is functions/store/evidence-blobs.ts.
 */
export * from './types.js';
export * from './names.js';
export * from './detect.js';
export * from './rules.js';
