import { httpHandler } from './http/handler.js';
import { exportSubmissions } from './ledger/export.js';

/**
 * POST /api/submissions/export {templateId?, period?, scope?, person?, division?, review?, withdrawn?, q?}:
 * the register's filtered list as a workbook download (functions/ledger/export.ts says why it is
 * not a job, and its bound).
 */
export const handler = httpHandler(
  async (req, deps) => {
    const { bytes, filename } = await exportSubmissions(deps, req.caller, req.body);
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
