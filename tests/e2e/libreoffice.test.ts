import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';

// A real spreadsheet program opens the compiled workbook: LibreOffice (Debian's
// libreoffice-calc-nogui, installed by .ci/run) converts every sheet of it to PDF.
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ demo: true });
});
afterAll(() => api.close());

describe('a compiled workbook in LibreOffice', () => {
  it('opens and prints every sheet', async () => {
    const { job, bytes } = await api.compileWorkbook('sun-li', { period: '2026-11' });
    const dir = mkdtempSync(join(tmpdir(), 'taizhang-lo-'));
    const xlsx = join(dir, 'ledger.xlsx');
    writeFileSync(xlsx, bytes);
    await promisify(execFile)(
      'soffice',
      [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, xlsx],
      { timeout: 120_000 },
    );
    const pdf = readFileSync(join(dir, 'ledger.pdf')).toString('latin1');
    const pages = pdf.match(/\/Type\s*\/Page\b/g)?.length ?? 0;
    // The cover, one page per form sheet, the assessment and the monthly summary at the least.
    expect(pages).toBeGreaterThanOrEqual(job.compilation.sheets.length);
  }, 150_000);
});
