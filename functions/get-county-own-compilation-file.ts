import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { countyRollupFile } from './ledger/county-rollup-job.js';

/** GET /api/county/compilations/{id}/file: a redirect to the roll-up workbook, or with `?link=1` the link as JSON (county). */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const url = await countyRollupFile(deps, req.caller, req.params.id ?? '');
    return req.query.link === '1' ? json(200, { url }) : { statusCode: 302, headers: { Location: url }, body: '' };
  },
  { deps: getCountyDeps, county: true },
);
