import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import type { CompilationDeps } from '../../functions/core/ledger/compilation.js';
import { parsePeriod } from '../../functions/core/periods.js';
import type { RecordState } from '../../functions/core/records/record.js';
import { SIGNATURE } from '../../functions/ledger/workbook.js';
import { compileLedgers } from '../../functions/ledger/compile.js';
import { localBlobStore } from '../../functions/store/blobs.js';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { dynamoCompilationStore } from '../../functions/store/compilations.js';
import { headItem, dynamoRecordStore } from '../../functions/store/records.js';
import { dynamoScoreStore } from '../../functions/store/scores.js';
import { logNotifier } from '../../functions/notifiers.js';
import { TEMPLATES_DIR } from '../helpers/api.js';
import { fixedProvider, openWorkbook } from '../helpers/ledger.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `ledger-${randomUUID()}`;
const catalog = readCatalog(TEMPLATES_DIR);
const org = catalog.exampleOrganisation;
const blobDir = mkdtempSync(join(tmpdir(), 'ledger-store-'));
const N = 620;

const deps: CompilationDeps = {
  catalog,
  records: dynamoRecordStore(doc, tableName),
  scores: dynamoScoreStore(doc, tableName),
  notifier: logNotifier(),
  organisation: async (unit) => (unit === org.unit.id ? org : undefined),
  now: () => new Date('2026-12-01T01:00:00+08:00'),
  compilations: dynamoCompilationStore(doc, tableName),
  blobs: localBlobStore(blobDir),
  content: fixedProvider,
};

function record(i: number, over: Partial<RecordState> = {}): RecordState {
  const date = `2026-11-${String(1 + Math.floor((i * 30) / N)).padStart(2, '0')}`;
  return {
    id: `01LEDGERSTORE${String(i).padStart(13, '0')}`,
    unit: org.unit.id,
    templateId: 'study-session',
    version: 1,
    status: 'active',
    date,
    period: '2026-11',
    owner: 'sun-li',
    division: 'office',
    data: { sessionType: '党员大会', date, location: '会议室', format: '集中学习', topic: `第${i + 1}次`, content: '学习', host: 'zhang-wei', expected: 10, attended: 9, recorder: 'sun-li' },
    createdAt: '2026-11-30T00:00:00.000Z',
    createdBy: 'sun-li',
    updatedAt: '2026-11-30T00:00:00.000Z',
    updatedBy: 'sun-li',
    ...over,
  };
}

beforeAll(async () => {
  await ensureTable(doc, tableName);
  const items = Array.from({ length: N }, (_, i) => headItem(record(i)));
  items.push(headItem(record(N, { status: 'withdrawn' })));
  items.push(headItem(record(N + 1, { unit: 'other-bureau' })));
  items.push(headItem(record(N + 2, { date: '2026-12-01' })));
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    batches.map((batch) =>
      doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } })),
    ),
  );
});
afterAll(() => {
  doc.destroy();
  rmSync(blobDir, { recursive: true, force: true });
});

describe('compiling from the store', () => {
  it('reads every page of a form in date order and writes one row per active record of the unit', async () => {
    expect(await deps.records.countByForm!(org.unit.id, 'study-session', '2026-11-01', '2026-11-30')).toBe(N);
    const progress: [number, number | undefined][] = [];
    const done = await compileLedgers(deps, {
      unit: org.unit.id,
      period: parsePeriod('2026-11')!,
      asOf: '2026-11-30',
      trigger: 'on-demand',
      by: { id: 'sun-li', name: '孙丽（示例）' },
      estimate: true,
      onProgress: (rows, total) => progress.push([rows, total]),
    });
    expect(done.sheets!.find((s) => s.templateId === 'study-session')!.rows).toBe(N);
    // Each record counts twice: its ledger row and its detail block.
    expect(progress.at(-1)).toEqual([2 * N, 2 * N]);
    expect(progress.every(([rows], i) => i === 0 || rows >= progress[i - 1]![0])).toBe(true);

    const stream = await deps.blobs.stream(`${org.unit.id}/2026-11/${done.id}.xlsx`);
    const chunks: Buffer[] = [];
    for await (const c of stream!) chunks.push(c as Buffer);
    const ws = (await openWorkbook(Buffer.concat(chunks))).getWorksheet('理论学习记录')!;
    // Rows, the signature block and the notes below them.
    expect(ws.getCell(4 + N, 1).value).toBe(SIGNATURE);
    const numbers: unknown[] = [];
    const dates: number[] = [];
    for (let r = 4; r <= 3 + N; r++) {
      numbers.push(ws.getCell(r, 1).value);
      dates.push((ws.getCell(r, 4).value as Date).getTime());
    }
    expect(numbers).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
  });

  it('keeps the blob store to its own directory', async () => {
    await expect(deps.blobs.put('../escape.xlsx', join(blobDir, 'none'), 'x')).rejects.toThrow(/outside/);
    expect(await deps.blobs.stream('compilations/none.xlsx')).toBeUndefined();
  });
});
