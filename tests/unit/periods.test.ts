import { describe, it, expect } from 'vitest';
import {
  addDays,
  formatPeriod,
  parseCalendarDate,
  parsePeriod,
  periodBounds,
  periodContains,
  periodLabel,
  periodOf,
  previousPeriod,
  shanghaiDate,
  type Period,
} from '../../functions/core/periods.js';

/** Parses a period that the test knows to be valid, failing loudly otherwise. */
function period(text: string): Period {
  const p = parsePeriod(text);
  if (!p) throw new Error(`test setup: ${text} is not a period`);
  return p;
}

describe('periods', () => {
  describe('parsePeriod and formatPeriod', () => {
    it.each<[string, Period]>([
      ['2026', { kind: 'year', year: 2026, index: 1 }],
      ['2026-H1', { kind: 'half', year: 2026, index: 1 }],
      ['2026-H2', { kind: 'half', year: 2026, index: 2 }],
      ['2026-Q1', { kind: 'quarter', year: 2026, index: 1 }],
      ['2026-Q2', { kind: 'quarter', year: 2026, index: 2 }],
      ['2026-Q3', { kind: 'quarter', year: 2026, index: 3 }],
      ['2026-Q4', { kind: 'quarter', year: 2026, index: 4 }],
      ['2026-01', { kind: 'month', year: 2026, index: 1 }],
      ['2026-09', { kind: 'month', year: 2026, index: 9 }],
      ['2026-10', { kind: 'month', year: 2026, index: 10 }],
      ['2026-12', { kind: 'month', year: 2026, index: 12 }],
    ])('reads %s and writes it back unchanged', (text, expected) => {
      const parsed = parsePeriod(text);
      expect(parsed).toEqual(expected);
      expect(formatPeriod(expected)).toBe(text);
    });

    it('pads a single-digit month to two digits when formatting', () => {
      expect(formatPeriod({ kind: 'month', year: 2026, index: 3 })).toBe('2026-03');
    });

    it.each(['2026-H3', '2026-H0', '2026-Q0', '2026-Q5', '2026-13', '2026-1', '2026-00', '26', '', ' 2026', '2026 ', '2026-h1', '2026-q1', '2026-1-01', '20261'])(
      'rejects the malformed string %j',
      (text) => {
        expect(parsePeriod(text)).toBeUndefined();
      },
    );

    it('rejects years outside 1900 to 2999', () => {
      expect(parsePeriod('1899')).toBeUndefined();
      expect(parsePeriod('3000-H1')).toBeUndefined();
      expect(parsePeriod('1900')).toEqual({ kind: 'year', year: 1900, index: 1 });
      expect(parsePeriod('2999-12')).toEqual({ kind: 'month', year: 2999, index: 12 });
    });
  });

  describe('periodLabel', () => {
    it.each([
      ['2026', '2026年度'],
      ['2026-H1', '2026年上半年'],
      ['2026-H2', '2026年下半年'],
      ['2026-Q1', '2026年第一季度'],
      ['2026-Q2', '2026年第二季度'],
      ['2026-Q3', '2026年第三季度'],
      ['2026-Q4', '2026年第四季度'],
      ['2026-11', '2026年11月'],
      ['2026-02', '2026年2月'],
    ])('labels %s as %s', (text, label) => {
      expect(periodLabel(period(text))).toBe(label);
    });
  });

  describe('periodBounds', () => {
    it.each([
      ['2026', '2026-01-01', '2026-12-31'],
      ['2026-H1', '2026-01-01', '2026-06-30'],
      ['2026-H2', '2026-07-01', '2026-12-31'],
      ['2026-Q1', '2026-01-01', '2026-03-31'],
      ['2026-Q2', '2026-04-01', '2026-06-30'],
      ['2026-Q3', '2026-07-01', '2026-09-30'],
      ['2026-Q4', '2026-10-01', '2026-12-31'],
      ['2026-04', '2026-04-01', '2026-04-30'],
      ['2026-12', '2026-12-01', '2026-12-31'],
    ])('gives %s the days %s to %s', (text, start, end) => {
      expect(periodBounds(period(text))).toEqual({ start, end });
    });

    it('ends February 2024 on the leap day', () => {
      expect(periodBounds(period('2024-02'))).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    });

    it('ends February 2026 on the 28th', () => {
      expect(periodBounds(period('2026-02')).end).toBe('2026-02-28');
    });

    it('ends February 2100 on the 28th because a century year is not a leap year', () => {
      expect(periodBounds(period('2100-02')).end).toBe('2100-02-28');
    });

    it('ends February 2000 on the 29th because a year divisible by 400 is a leap year', () => {
      expect(periodBounds(period('2000-02')).end).toBe('2000-02-29');
    });

    it('ends the first quarter of a leap year on 03-31 whatever February holds', () => {
      expect(periodBounds(period('2024-Q1')).end).toBe('2024-03-31');
    });
  });

  describe('periodContains and periodOf', () => {
    it('puts 06-30 in the first half and 07-01 in the second half', () => {
      expect(periodContains(period('2026-H1'), '2026-06-30')).toBe(true);
      expect(periodContains(period('2026-H1'), '2026-07-01')).toBe(false);
      expect(periodContains(period('2026-H2'), '2026-06-30')).toBe(false);
      expect(periodContains(period('2026-H2'), '2026-07-01')).toBe(true);
      expect(formatPeriod(periodOf('2026-06-30', 'half'))).toBe('2026-H1');
      expect(formatPeriod(periodOf('2026-07-01', 'half'))).toBe('2026-H2');
    });

    it('puts 12-31 in the old year and 01-01 in the new year', () => {
      expect(periodContains(period('2026'), '2026-12-31')).toBe(true);
      expect(periodContains(period('2026'), '2027-01-01')).toBe(false);
      expect(periodContains(period('2027'), '2026-12-31')).toBe(false);
      expect(periodContains(period('2027-Q1'), '2027-01-01')).toBe(true);
      expect(formatPeriod(periodOf('2026-12-31', 'year'))).toBe('2026');
      expect(formatPeriod(periodOf('2027-01-01', 'year'))).toBe('2027');
      expect(formatPeriod(periodOf('2026-12-31', 'half'))).toBe('2026-H2');
      expect(formatPeriod(periodOf('2027-01-01', 'half'))).toBe('2027-H1');
      expect(formatPeriod(periodOf('2026-12-31', 'quarter'))).toBe('2026-Q4');
      expect(formatPeriod(periodOf('2027-01-01', 'quarter'))).toBe('2027-Q1');
      expect(formatPeriod(periodOf('2026-12-31', 'month'))).toBe('2026-12');
      expect(formatPeriod(periodOf('2027-01-01', 'month'))).toBe('2027-01');
    });

    it('puts 03-31 in the first quarter and 04-01 in the second quarter', () => {
      expect(periodContains(period('2026-Q1'), '2026-03-31')).toBe(true);
      expect(periodContains(period('2026-Q1'), '2026-04-01')).toBe(false);
      expect(periodContains(period('2026-Q2'), '2026-03-31')).toBe(false);
      expect(periodContains(period('2026-Q2'), '2026-04-01')).toBe(true);
      expect(formatPeriod(periodOf('2026-03-31', 'quarter'))).toBe('2026-Q1');
      expect(formatPeriod(periodOf('2026-04-01', 'quarter'))).toBe('2026-Q2');
      expect(formatPeriod(periodOf('2026-03-31', 'month'))).toBe('2026-03');
      expect(formatPeriod(periodOf('2026-04-01', 'month'))).toBe('2026-04');
    });

    it('puts the leap day 2024-02-29 in February, the first quarter and the first half', () => {
      expect(periodContains(period('2024-02'), '2024-02-29')).toBe(true);
      expect(periodContains(period('2024-03'), '2024-02-29')).toBe(false);
      expect(formatPeriod(periodOf('2024-02-29', 'month'))).toBe('2024-02');
      expect(formatPeriod(periodOf('2024-02-29', 'quarter'))).toBe('2024-Q1');
      expect(formatPeriod(periodOf('2024-02-29', 'half'))).toBe('2024-H1');
      expect(formatPeriod(periodOf('2024-02-29', 'year'))).toBe('2024');
    });

    it('puts the quarter boundaries 06-30/07-01 and 09-30/10-01 in their own quarters', () => {
      expect(formatPeriod(periodOf('2026-06-30', 'quarter'))).toBe('2026-Q2');
      expect(formatPeriod(periodOf('2026-07-01', 'quarter'))).toBe('2026-Q3');
      expect(formatPeriod(periodOf('2026-09-30', 'quarter'))).toBe('2026-Q3');
      expect(formatPeriod(periodOf('2026-10-01', 'quarter'))).toBe('2026-Q4');
    });

    it('refuses to place a date that is not on the calendar', () => {
      expect(() => periodOf('2026-02-29', 'month')).toThrow(RangeError);
      expect(() => periodOf('2026-7-1', 'half')).toThrow(RangeError);
    });
  });

  describe('parseCalendarDate', () => {
    it('accepts the leap day 2024-02-29', () => {
      expect(parseCalendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    });

    it('accepts the last day of a 31-day month', () => {
      expect(parseCalendarDate('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
    });

    it.each(['2026-02-29', '2100-02-29', '2026-04-31', '2026-00-10', '2026-13-01', '2026-01-00', '2026-01-32', '2026-1-01', '2026-01-1', '20260101', '2026/01/01', ' 2026-01-01', '2026-01-01T00:00', ''])(
      'rejects %j',
      (text) => {
        expect(parseCalendarDate(text)).toBeUndefined();
      },
    );
  });

  describe('shanghaiDate', () => {
    it.each([
      ['2026-06-30T15:59:59Z', '2026-06-30'],
      ['2026-06-30T15:59:59.999Z', '2026-06-30'],
      ['2026-06-30T16:00:00Z', '2026-07-01'],
      ['2026-12-31T15:59:59Z', '2026-12-31'],
      ['2026-12-31T16:00:00Z', '2027-01-01'],
      ['2024-02-28T16:00:00Z', '2024-02-29'],
      ['2024-02-29T16:00:00Z', '2024-03-01'],
      ['2026-03-01T00:00:00+08:00', '2026-03-01'],
      ['2026-02-28T23:59:59-08:00', '2026-03-01'],
    ])('reads the instant %s as %s in Shanghai', (instant, date) => {
      expect(shanghaiDate(new Date(instant))).toBe(date);
    });
  });

  describe('addDays', () => {
    it.each<[string, number, string]>([
      ['2026-01-31', 1, '2026-02-01'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2024-02-28', 1, '2024-02-29'],
      ['2024-02-29', 1, '2024-03-01'],
      ['2026-03-01', -1, '2026-02-28'],
      ['2026-12-31', 1, '2027-01-01'],
      ['2027-01-01', -1, '2026-12-31'],
      ['2026-06-30', 0, '2026-06-30'],
      ['2026-12-20', 15, '2027-01-04'],
      ['2026-11-28', 365 * 5, '2031-11-27'],
    ])('moves %s by %i days to %s', (date, days, expected) => {
      expect(addDays(date, days)).toBe(expected);
    });

    it('refuses a date that is not on the calendar', () => {
      expect(() => addDays('2026-02-29', 1)).toThrow(RangeError);
    });
  });

  describe('previousPeriod', () => {
    it.each([
      ['2026', '2025'],
      ['2026-H2', '2026-H1'],
      ['2026-H1', '2025-H2'],
      ['2026-Q4', '2026-Q3'],
      ['2026-Q2', '2026-Q1'],
      ['2026-Q1', '2025-Q4'],
      ['2026-12', '2026-11'],
      ['2026-02', '2026-01'],
      ['2026-01', '2025-12'],
    ])('goes back from %s to %s', (text, expected) => {
      expect(formatPeriod(previousPeriod(period(text)))).toBe(expected);
    });
  });
});
