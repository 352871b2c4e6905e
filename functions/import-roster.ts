import { unsupportedMediaType } from './core/errors.js';
import { assertMayChangeRoster } from './core/roster/roster.js';
import { importRoster } from './core/roster/service.js';
import { getRosterDeps } from './deps.js';
import { httpHandler, json } from './http/handler.js';
import { readRosterWorkbook } from './ledger/roster-workbook.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * POST /api/roster/import?dryRun=1: the 花名册 workbook as the body; every row checked, and a preview
 * of who would be added or changed. Without dryRun, with the previewed `?version=`, it is written.
 */
export const handler = httpHandler(
  async (req, deps) => {
    // Who may import is settled before the upload is looked at.
    assertMayChangeRoster(req.caller);
    const type = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== XLSX && type !== 'application/octet-stream')
      throw unsupportedMediaType('请上传 Excel 工作簿（.xlsx）', 'Content-Type', `应为 ${XLSX}`);
    const rows = await readRosterWorkbook(req.raw());
    const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
    return json(200, await importRoster(deps, req.caller, rows, { dryRun, version: req.query.version }));
  },
  { deps: getRosterDeps },
);
