import { describe, expect, it } from 'vitest';
import { mergeTouched, touchedBy } from '../../functions/core/county/stream.js';

describe('what a stream record touches', () => {
  it("names a record head's unit and the years of its old and new dates", () => {
    expect(touchedBy({ pk: 'REC#A', sk: 'HEAD', unit: 'u1', date: '2025-12-30' }, { pk: 'REC#A', sk: 'HEAD', unit: 'u1', date: '2026-01-02' })).toEqual({ unit: 'u1', years: [2026, 2025] });
    expect(touchedBy(undefined, { pk: 'REC#A', sk: 'HEAD', unit: 'u1', date: '2026-03-01' })).toEqual({ unit: 'u1', years: [2026] });
  });

  it('names every year for a roster version, the period year for a score, and nothing for snapshots, versions or counters', () => {
    expect(touchedBy(undefined, { pk: 'UNIT#u1', sk: 'ROSTER#V#0000000002' })).toEqual({ unit: 'u1', years: 'all' });
    expect(touchedBy(undefined, { pk: 'UNIT#u1', sk: 'SCORE#2026-H1#2026-07-01T00:00:00Z#X', period: '2026-H1' })).toEqual({ unit: 'u1', years: [2026] });
    for (const item of [{ pk: 'UNIT#u1', sk: 'SNAP#2026' }, { pk: 'UNIT#u1', sk: 'SNAPCOUNT' }, { pk: 'REC#A', sk: 'V#0000000001', unit: 'u1', date: '2026-01-01' }, { pk: 'UNIT#u1', sk: 'ACCESS#x' }])
      expect(touchedBy(undefined, item), item.sk).toBeUndefined();
  });

  it('merges a batch into one refresh per unit', () => {
    expect(
      mergeTouched([{ unit: 'u1', years: [2026] }, undefined, { unit: 'u1', years: [2025, 2026] }, { unit: 'u2', years: [2026] }, { unit: 'u2', years: 'all' }, { unit: 'u2', years: [2024] }]),
    ).toEqual([
      { unit: 'u1', years: [2026, 2025] },
      { unit: 'u2', years: 'all' },
    ]);
  });
});
