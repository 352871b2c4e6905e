import { reviewQueue } from './core/records/submissions.js';
import { httpHandler, json } from './http/handler.js';

/** GET /api/review-queue: records awaiting review, oldest first, with counts per form. */
export const handler = httpHandler(async (req, deps) => json(200, await reviewQueue(deps, req.caller)));
