import { describe, expect, it } from 'vitest';
import {
  assertMayCompile,
  compilationId,
  compilationRange,
  contentDisposition,
  nextMonthlyRun,
  periodOfId,
  presentCompilation,
  requirePeriod,
  scheduledTargets,
  type Compilation,
} from '../../functions/core/ledger/compilation.js';
import { blobConfig, readConfig } from '../../functions/config.js';
import { AppError } from '../../functions/core/errors.js';
import { parsePeriod } from '../../functions/core/periods.js';
import { readAhead } from '../../functions/ledger/compile.js';

const ULID = '01KBCDEFGHJKMNPQRSTVWXYZ00';

describe('the monthly schedule', () => {
  it('compiles the month that ended and the year to date, by the clock in Shanghai', () => {
    // 01:00 on 1 December in Shanghai is 17:00 UTC on 30 November.
    expect(scheduledTargets(new Date('2026-11-30T17:00:00Z'))).toEqual([
      { period: '2026-11', asOf: '2026-11-30' },
      { period: '2026', asOf: '2026-11-30' },
    ]);
    // One second before midnight in Shanghai it is still November: October has just ended.
    expect(scheduledTargets(new Date('2026-11-30T15:59:59Z'))).toEqual([
      { period: '2026-10', asOf: '2026-10-31' },
      { period: '2026', asOf: '2026-10-31' },
    ]);
    expect(scheduledTargets(new Date('2026-11-30T16:00:00Z'))[0]!.period).toBe('2026-11');
  });

  it('reads an event time in any offset the same way', () => {
    const a = scheduledTargets(new Date('2026-12-01T01:00:00+08:00'));
    const b = scheduledTargets(new Date('2026-11-30T12:00:00-05:00'));
    expect(a).toEqual(b);
    expect(a[0]!.period).toBe('2026-11');
  });

  it('on New Year compiles December and the whole of the year before', () => {
    expect(scheduledTargets(new Date('2026-12-31T17:00:00Z'))).toEqual([
      { period: '2026-12', asOf: '2026-12-31' },
      { period: '2026', asOf: '2026-12-31' },
    ]);
  });

  it('fires next at 01:00 on the 1st in Shanghai', () => {
    expect(nextMonthlyRun(new Date('2026-11-28T04:00:00Z')).toISOString()).toBe('2026-11-30T17:00:00.000Z');
    // exactly at the firing time, the next one is a month later
    expect(nextMonthlyRun(new Date('2026-11-30T17:00:00Z')).toISOString()).toBe('2026-12-31T17:00:00.000Z');
    // 00:30 on 1 December in Shanghai: this month's run is still ahead
    expect(nextMonthlyRun(new Date('2026-11-30T16:30:00Z')).toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(nextMonthlyRun(new Date('2026-12-15T00:00:00Z')).toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });
});

describe('what a compilation covers', () => {
  it('covers a past period whole and the current one up to today', () => {
    expect(compilationRange(parsePeriod('2026-10')!, '2026-11-28')).toEqual({ start: '2026-10-01', end: '2026-10-31' });
    expect(compilationRange(parsePeriod('2026-11')!, '2026-11-28')).toEqual({ start: '2026-11-01', end: '2026-11-28' });
    expect(compilationRange(parsePeriod('2026')!, '2026-11-28')).toEqual({ start: '2026-01-01', end: '2026-11-28' });
  });

  it('refuses a period that has not started, and a malformed one, naming the field', () => {
    const future = (() => {
      try {
        compilationRange(parsePeriod('2026-12')!, '2026-11-28');
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(future.status).toBe(400);
    expect(future.errors?.[0]?.path).toBe('period');
    expect(() => requirePeriod('2026-13', 'period')).toThrow(AppError);
    expect(() => requirePeriod(202611, 'period')).toThrow(AppError);
    expect(requirePeriod('2026-Q4', 'period')).toEqual({ kind: 'quarter', year: 2026, index: 4 });
  });
});

describe('compilation ids and access', () => {
  it('carries the period in the id', () => {
    expect(periodOfId(compilationId('2026-11', ULID))).toBe('2026-11');
    expect(periodOfId(compilationId('2026', ULID))).toBe('2026');
    expect(periodOfId('2026-13.' + ULID)).toBeUndefined();
    expect(periodOfId('2026-11.' + ULID.toLowerCase())).toBeUndefined();
    expect(periodOfId('../../etc/passwd')).toBeUndefined();
  });

  it('lets only the office and the secretary compile', () => {
    expect(() => assertMayCompile({ id: 'a', unit: 'u', roles: ['office'] })).not.toThrow();
    expect(() => assertMayCompile({ id: 'a', unit: 'u', roles: ['secretary'] })).not.toThrow();
    expect(() => assertMayCompile({ id: 'a', unit: 'u', roles: ['leader', 'division-head'] })).toThrow(/办公室/);
  });

  it('shows a run that never finished as failed, and which one is current', () => {
    const base: Compilation = {
      id: compilationId('2026-11', ULID),
      unit: 'u',
      period: '2026-11',
      asOf: '2026-11-30',
      trigger: 'scheduled',
      by: 'scheduler',
      byName: '定时任务',
      status: 'running',
      startedAt: '2026-12-01T00:00:00.000Z',
      blobKey: 'secret/path',
      filename: 'x.xlsx',
    };
    const soon = presentCompilation(base, undefined, new Date('2026-12-01T00:05:00Z'));
    expect(soon).toMatchObject({ status: 'running', current: false, superseded: false });
    expect(soon).not.toHaveProperty('blobKey');
    expect(presentCompilation(base, undefined, new Date('2026-12-01T01:00:00Z'))).toMatchObject({ status: 'failed' });
    const done = { ...base, status: 'done' as const };
    expect(presentCompilation(done, base.id, new Date())).toMatchObject({ current: true, superseded: false, file: `/api/compilations/${base.id}/file` });
    expect(presentCompilation(done, 'other', new Date())).toMatchObject({ current: false, superseded: true });
  });
});

describe('download names', () => {
  it('gives the Chinese file name RFC 5987-encoded beside an ASCII fallback', () => {
    const header = contentDisposition('2026年11月意识形态工作台账.xlsx', 'taizhang-2026-11.xlsx');
    expect(header).toBe(
      `attachment; filename="taizhang-2026-11.xlsx"; filename*=UTF-8''${encodeURIComponent('2026年11月意识形态工作台账.xlsx')}`,
    );
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header)![1]!)).toBe('2026年11月意识形态工作台账.xlsx');
    expect(contentDisposition("a'(b).xlsx", 'a"b.xlsx')).toBe(`attachment; filename="a_b.xlsx"; filename*=UTF-8''a%27%28b%29.xlsx`);
  });
});

describe('reading ahead of the writer', () => {
  async function* source(n: number, log: string[], failAt?: number) {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error('store unavailable');
        log.push(`read ${i}`);
        await new Promise((r) => setTimeout(r, 0));
        yield i;
      }
    } finally {
      log.push('closed');
    }
  }

  it('yields every item in order and never runs more than its window ahead', async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const x of readAhead(source(50, log), 5)) {
      const reads = log.filter((l) => l.startsWith('read')).length;
      expect(reads - x).toBeLessThanOrEqual(5 + 1);
      out.push(x);
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(log.at(-1)).toBe('closed');
  });

  it('passes on the store’s error, and closes the source when the writer stops early', async () => {
    await expect(async () => {
      for await (const _ of readAhead(source(50, [], 7), 3)) void _;
    }).rejects.toThrow('store unavailable');
    const log: string[] = [];
    for await (const x of readAhead(source(50, log), 3)) if (x === 2) break;
    expect(log.at(-1)).toBe('closed');
    expect(log.filter((l) => l.startsWith('read')).length).toBeLessThan(10);
  });
});

describe('blob store configuration', () => {
  const env = { TABLE_NAME: 'taizhang-test' };
  it('is needed only by compilations: other configuration reads without it', () => {
    expect(() => readConfig(env)).not.toThrow();
    expect(() => blobConfig(readConfig(env))).toThrow(/BUCKET_NAME \(cloud\) or BLOB_DIR \(local\)/);
  });

  it('takes a bucket in the cloud or a directory locally, not both', () => {
    expect(blobConfig(readConfig({ ...env, BUCKET_NAME: 'ledgers' }))).toEqual({ kind: 's3', bucket: 'ledgers', endpoint: undefined });
    expect(blobConfig(readConfig({ ...env, BLOB_DIR: '.data/compilations' }))).toMatchObject({ kind: 'dir' });
    expect(blobConfig(readConfig({ ...env, BLOB_DIR: '', BUCKET_NAME: 'ledgers' })).kind).toBe('s3');
    expect(() => blobConfig(readConfig({ ...env, BLOB_DIR: 'x', BUCKET_NAME: 'ledgers' }))).toThrow(/not both/);
  });
});
