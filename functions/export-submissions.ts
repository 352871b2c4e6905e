import { readConfig } from './config.js';
import { httpHandler } from './http/handler.js';
import { exportSubmissions } from './ledger/export.js';

/**
 * POST /api/submissions/export {templateId?, period?, scope?, person?, division?, review?, withdrawn?, q?}:
 * the register's filtered list as a workbook download (functions/ledger/export.ts says why it is
 * not a job, and its bound).
 */
let limits: { maxRecords: number; maxBytes: number } | undefined;

export const handler = httpHandler(
  async (req, deps) => {
    if (!limits) {
      const config = readConfig();
      limits = { maxRecords: config.EXPORT_MAX_RECORDS, maxBytes: config.EXPORT_MAX_BYTES };
    }
    const { bytes, filename } = await exportSubmissions(deps, req.caller, req.body, limits);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': `attachment; filename="records.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
  },
  { body: true },
);
