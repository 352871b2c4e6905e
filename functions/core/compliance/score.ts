/**
 * The rule for an assessment score (issue 11 item 6): a number from 0 to the item's standard score
 * with at most one decimal. Shared by the score box (which parses what was typed) and the API
 * (which checks the number it was sent), so both give the same message for the same mistake.
 */

export type ScoreCheck = { ok: true; value: number } | { ok: false; message: string };

/** One decimal at most, no sign, no exponent, no thousands separator: what a person types as a score. */
const SCORE_TEXT = /^\d+(?:\.\d)?$/;

/** Checks a number the API was sent. */
export function checkScore(value: unknown, standard: number): ScoreCheck {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, message: '请填写数字分数' };
  if (value < 0) return { ok: false, message: '分数不能小于 0' };
  if (value > standard) return { ok: false, message: `不能超过标准分值 ${standard}` };
  // 8.5 is 85 tenths exactly; 8.25 is not. Rounded first because 0.1 steps are not exact in binary.
  if (Math.abs(Math.round(value * 10) - value * 10) > 1e-9) return { ok: false, message: '最多保留一位小数' };
  return { ok: true, value: Math.round(value * 10) / 10 };
}

/** Parses what was typed in a score box: full-width digits and point are read as ASCII. */
export function parseScore(text: string, standard: number): ScoreCheck {
  const t = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.');
  if (t === '') return { ok: false, message: '请填写分数' };
  if (/^-/.test(t) && SCORE_TEXT.test(t.slice(1))) return { ok: false, message: '分数不能小于 0' };
  if (/^\d+\.\d{2,}$/.test(t)) return { ok: false, message: '最多保留一位小数' };
  if (!SCORE_TEXT.test(t)) return { ok: false, message: `请填写 0 到 ${standard} 之间的数字，如 8 或 8.5` };
  return checkScore(Number(t), standard);
}
