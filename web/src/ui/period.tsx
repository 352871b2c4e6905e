/**
 * The period picker: one tap for last month, this month, quarter, half and year; a year and a
 * period of it from two lists; or a period typed as 2026, 2026-H1, 2026-Q3, 2026-11. Typed text
 * that is not a period is marked invalid and never applied. What it shows always follows `value`.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatPeriod, parsePeriod, periodLabel, periodOf, previousPeriod, shanghaiDate, type Period } from '../../../functions/core/periods.js';

const PARTS: { group: string; items: { kind: Period['kind']; index: number; label: string }[] }[] = [
  { group: '年度', items: [{ kind: 'year', index: 1, label: '全年' }] },
  { group: '半年', items: [1, 2].map((i) => ({ kind: 'half' as const, index: i, label: i === 1 ? '上半年' : '下半年' })) },
  { group: '季度', items: ['一', '二', '三', '四'].map((n, i) => ({ kind: 'quarter' as const, index: i + 1, label: `第${n}季度` })) },
  { group: '月份', items: Array.from({ length: 12 }, (_, i) => ({ kind: 'month' as const, index: i + 1, label: `${i + 1}月` })) },
];

let nextId = 1;

export function PeriodPicker({ value, onChange, label = '期间' }: { value: string; onChange(period: string): void; label?: string }) {
  const today = shanghaiDate(new Date());
  const [id] = useState(() => `period-${nextId++}`);
  const [text, setText] = useState(value);
  const [committed, setCommitted] = useState(false);
  // The typed text follows the period shown, e.g. after a quick choice or a change of tab.
  useEffect(() => {
    setText(value);
    setCommitted(false);
  }, [value]);
  const current = parsePeriod(value) ?? periodOf(today, 'month');
  const thisMonth = periodOf(today, 'month');
  const quick: [string, Period][] = [
    ['上月', previousPeriod(thisMonth)],
    ['本月', thisMonth],
    ['本季度', periodOf(today, 'quarter')],
    [periodOf(today, 'half').index === 1 ? '上半年' : '下半年', periodOf(today, 'half')],
    ['本年', periodOf(today, 'year')],
  ];
  const year = current.year;
  const thisYear = Number(today.slice(0, 4));
  const years = Array.from(new Set([...Array.from({ length: 6 }, (_, i) => thisYear - 5 + i), year])).sort((a, b) => b - a);
  const invalid = committed && parsePeriod(text.trim()) === undefined;
  const apply = () => {
    const p = parsePeriod(text.trim());
    setCommitted(true);
    if (p && formatPeriod(p) !== value) onChange(formatPeriod(p));
  };
  return (
    <div class="period-picker" role="group" aria-label={`选择${label}`}>
      <div class="quick">
        {quick.map(([word, p]) => {
          const f = formatPeriod(p);
          return (
            <button type="button" key={word} aria-pressed={f === value} aria-label={`${word}：${periodLabel(p)}`} onClick={() => onChange(f)}>
              {word}
            </button>
          );
        })}
      </div>
      <div class="exact">
        <label class="control">
          <span class="label">年份</span>
          <select value={String(year)} onChange={(e) => onChange(formatPeriod({ ...current, year: Number(e.currentTarget.value) }))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </label>
        <label class="control">
          <span class="label">{label}</span>
          <select value={`${current.kind}:${current.index}`} onChange={(e) => {
            const [kind, index] = e.currentTarget.value.split(':');
            onChange(formatPeriod({ kind: kind as Period['kind'], index: Number(index), year }));
          }}>
            {PARTS.map((g) => (
              <optgroup key={g.group} label={g.group}>
                {g.items.map((o) => (
                  <option key={`${o.kind}:${o.index}`} value={`${o.kind}:${o.index}`}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <div class="control">
          <label for={`${id}-text`} class="label">
            直接输入
          </label>
          <input
            id={`${id}-text`}
            value={text}
            inputMode="text"
            autoComplete="off"
            aria-invalid={invalid ? true : undefined}
            aria-describedby={`${id}-hint`}
            onInput={(e) => {
              setText(e.currentTarget.value);
              if (committed) setCommitted(parsePeriod(e.currentTarget.value.trim()) === undefined);
            }}
            onChange={apply}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                apply();
              }
            }}
          />
        </div>
        <p id={`${id}-hint`} class={`hint ${invalid ? 'error' : 'help'}`} role={invalid ? 'alert' : undefined}>
          {invalid ? `“${text}”不是有效的期间，应为 2026、2026-H1、2026-Q3 或 2026-11` : '直接输入如 2026、2026-H1、2026-Q3、2026-11，按回车确定'}
        </p>
      </div>
    </div>
  );
}
