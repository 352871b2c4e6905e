import { getCountyDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import type { Result } from './http/middleware.js';
import { unitLedgerFile } from './ledger/county-ledgers.js';

/** GET /api/county/units/{unit}/compilations/{id}/file: a redirect to the unit's checked file, or with `?link=1` the link as JSON (county only, logged). */
export const handler = httpHandler(
  async (req, deps): Promise<Result> => {
    const url = await unitLedgerFile(deps, req.caller, req.params.unit ?? '', 'compilations', req.params.id ?? '', req.routeKey);
    return req.query.link === '1' ? json(200, { url }) : { statusCode: 302, headers: { Location: url }, body: '' };
  },
  { deps: getCountyDeps, county: true },
);
