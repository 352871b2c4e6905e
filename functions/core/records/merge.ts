/**
 * Field-by-field three-way merge of a stale edit (DESIGN §10 "Conflicts"): `base` is the version
 * the editor started from, `theirs` the record as it is now, `mine` the editor's form. A field
 * changed on one side only takes that side; a field changed on both sides to different values is
 * a conflict the person must resolve. Pure, so the web app imports it and it is tested directly.
 */

export type Data = Record<string, unknown>;

export interface FieldConflict {
  field: string;
  base: unknown;
  theirs: unknown;
  mine: unknown;
}

export interface MergeResult {
  /** Every field's merged value; a conflicting field holds `theirs` until the person chooses. */
  merged: Data;
  conflicts: FieldConflict[];
  /** Fields the other side changed and this side did not: taken from theirs. */
  fromTheirs: string[];
  /** Fields this side changed and the other did not (or both made the same change): kept. */
  fromMine: string[];
}

/** An absent field, null, '' and [] all mean "not filled in" (the form drops empty inputs). */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Key order of objects does not make two values different. */
function canonical(v: unknown): string {
  if (isEmpty(v)) return '';
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** `fields` fixes the order of the answer (the template's order); other keys follow in order seen. */
export function mergeFields(base: Data, theirs: Data, mine: Data, fields: string[] = []): MergeResult {
  const keys = [...new Set([...fields, ...Object.keys(base), ...Object.keys(theirs), ...Object.keys(mine)])];
  const merged: Data = {};
  const conflicts: FieldConflict[] = [];
  const fromTheirs: string[] = [];
  const fromMine: string[] = [];
  const put = (k: string, v: unknown) => {
    if (!isEmpty(v)) merged[k] = v;
  };
  for (const k of keys) {
    const [b, t, m] = [base[k], theirs[k], mine[k]];
    const theyChanged = !sameValue(b, t);
    const iChanged = !sameValue(b, m);
    if (!iChanged) {
      put(k, t);
      if (theyChanged) fromTheirs.push(k);
    } else if (!theyChanged || sameValue(t, m)) {
      put(k, m);
      fromMine.push(k);
    } else {
      put(k, t);
      conflicts.push({ field: k, base: b, theirs: t, mine: m });
    }
  }
  return { merged, conflicts, fromTheirs, fromMine };
}

/** The merge with the person's choice for each conflicting field applied. */
export function resolveMerge(result: MergeResult, choices: Record<string, 'theirs' | 'mine' | 'base'>): Data {
  const out: Data = { ...result.merged };
  for (const c of result.conflicts) {
    const side = choices[c.field];
    if (!side) throw new Error(`no choice for ${c.field}`);
    const v = c[side];
    if (isEmpty(v)) delete out[c.field];
    else out[c.field] = v;
  }
  return out;
}

/** A history entry as GET /api/submissions/{id}/history gives it (either field changes or whole data). */
export interface HistoryStep {
  version: number;
  changes?: { field: string; before?: unknown; after?: unknown }[];
  data?: Data;
}

/**
 * A record's data as it was at `version`, rebuilt from its history: each step's whole data where
 * the history carries it, otherwise its changes applied in order. Undefined when the history does
 * not reach that version.
 */
export function dataAtVersion(history: HistoryStep[], version: number): Data | undefined {
  const steps = [...history].sort((a, b) => a.version - b.version);
  let data: Data = {};
  let reached = false;
  for (const s of steps) {
    if (s.version > version) break;
    if (s.data) data = { ...s.data };
    else
      for (const c of s.changes ?? []) {
        if (c.after === undefined) delete data[c.field];
        else data[c.field] = c.after;
      }
    if (s.version === version) reached = true;
  }
  return reached ? data : undefined;
}
