import { describe, expect, it } from 'vitest';
import { checkScore, parseScore } from '../../functions/core/compliance/score.js';

describe('parseScore (the score box)', () => {
  it('accepts a number in [0, standard] with at most one decimal', () => {
    for (const [t, v] of [['0', 0], ['10', 10], ['7', 7], ['8.5', 8.5], [' 9.0 ', 9], ['０.５', 0.5], ['7。5', 7.5]] as const)
      expect(parseScore(t, 10)).toEqual({ ok: true, value: v });
  });
  it('refuses words, signs, too many decimals, out-of-range numbers and an empty box, each with a message', () => {
    expect(parseScore('七分', 10)).toEqual({ ok: false, message: '请填写 0 到 10 之间的数字，如 8 或 8.5' });
    expect(parseScore('abc', 10)).toEqual({ ok: false, message: '请填写 0 到 10 之间的数字，如 8 或 8.5' });
    expect(parseScore('-1', 10)).toEqual({ ok: false, message: '分数不能小于 0' });
    expect(parseScore('11', 10)).toEqual({ ok: false, message: '不能超过标准分值 10' });
    expect(parseScore('10.1', 10)).toEqual({ ok: false, message: '不能超过标准分值 10' });
    expect(parseScore('8.25', 10)).toEqual({ ok: false, message: '最多保留一位小数' });
    expect(parseScore('', 10)).toEqual({ ok: false, message: '请填写分数' });
    for (const t of ['1e1', '0x5', '+5', '5.', '.5', '5,0', 'Infinity', 'NaN', '5 分']) expect(parseScore(t, 10).ok).toBe(false);
  });
});

describe('checkScore (the API)', () => {
  it('checks the number itself', () => {
    expect(checkScore(8.5, 10)).toEqual({ ok: true, value: 8.5 });
    expect(checkScore(0.3, 10)).toEqual({ ok: true, value: 0.3 });
    expect(checkScore(8.25, 10).ok).toBe(false);
    expect(checkScore(null, 10).ok).toBe(false);
    expect(checkScore('7', 10).ok).toBe(false);
    expect(checkScore(Number.NaN, 10).ok).toBe(false);
    expect(checkScore(-0.5, 10)).toEqual({ ok: false, message: '分数不能小于 0' });
  });
});
