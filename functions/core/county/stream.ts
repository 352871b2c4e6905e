/**
 * Which snapshots a change of the table touches, from a stream record's old and new images: a record
 * head (its unit, the years of its old and new dates), a roster version (every year of the unit), a
 * score entry (the year of its period). Everything else, snapshots and counters included, touches
 * none, so the consumer's own writes never feed back into it.
 */
export interface ChangedItem {
  pk?: string;
  sk?: string;
  unit?: string;
  date?: string;
  period?: string;
}

export type Touched = { unit: string; years: number[] | 'all' };

const yearOf = (text: unknown) => (typeof text === 'string' && /^\d{4}/.test(text) ? Number(text.slice(0, 4)) : undefined);

export function touchedBy(oldImage: ChangedItem | undefined, newImage: ChangedItem | undefined): Touched | undefined {
  const item = newImage ?? oldImage;
  if (!item?.pk || !item.sk) return undefined;
  if (item.pk.startsWith('REC#') && item.sk === 'HEAD' && item.unit) {
    const years = [yearOf(newImage?.date), yearOf(oldImage?.date)].filter((y): y is number => y !== undefined);
    return { unit: item.unit, years: [...new Set(years)] };
  }
  if (item.pk.startsWith('UNIT#') && item.sk.startsWith('ROSTER#V#')) return { unit: item.pk.slice('UNIT#'.length), years: 'all' };
  if (item.pk.startsWith('UNIT#') && item.sk.startsWith('SCORE#')) {
    const year = yearOf(item.period);
    return year === undefined ? undefined : { unit: item.pk.slice('UNIT#'.length), years: [year] };
  }
  return undefined;
}

/** Merges what a batch touched: one refresh per unit, of the union of its years. */
export function mergeTouched(all: (Touched | undefined)[]): Touched[] {
  const byUnit = new Map<string, Touched>();
  for (const t of all) {
    if (!t) continue;
    const have = byUnit.get(t.unit);
    if (!have) byUnit.set(t.unit, { unit: t.unit, years: t.years === 'all' ? 'all' : [...t.years] });
    else if (have.years !== 'all') have.years = t.years === 'all' ? 'all' : [...new Set([...have.years, ...t.years])];
  }
  return [...byUnit.values()];
}
