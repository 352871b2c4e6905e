import { assertMayChangeRoster } from './core/roster/roster.js';
import { readRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler } from './http/handler.js';
import { rosterTemplate } from './ledger/roster-workbook.js';

/** GET /api/roster/import: the 花名册 template workbook to fill in and upload (its example rows marked 示例). */
export const handler = httpHandler(
  async (req, deps) => {
    assertMayChangeRoster(req.caller);
    const roster = await readRoster(deps, req.caller);
    const bytes = await rosterTemplate({ unit: roster.unit, divisions: roster.divisions, people: roster.people });
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': `attachment; filename="roster.xlsx"; filename*=UTF-8''${encodeURIComponent('花名册模板.xlsx')}`,
      },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { deps: getRosterDeps },
);
