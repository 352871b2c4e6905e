/**
 * Keeping snapshots current by the same path that writes (DESIGN §14), where no stream does it (on
 * one machine): the record store, the score store and the roster store, each followed by a
 * refresh of the years the change touched. In the cloud the table's stream drives the same refresh
 * (functions/snapshot-stream.ts). A failed refresh never fails the acknowledged write: it is logged,
 * and the next change or `npm run -s snapshots:rebuild` recomputes.
 */
import type { ScoreStore } from '../compliance/assessment.js';
import type { RecordStore } from '../records/record.js';
import type { RosterStore } from '../roster/store.js';
import { shanghaiDate } from '../periods.js';
import { refreshSnapshots, type SnapshotDeps } from './snapshots.js';

export type Refresh = (unit: string, years: (number | undefined)[]) => Promise<void>;

const yearOf = (date: string | undefined) => (date ? Number(date.slice(0, 4)) : undefined);

const queues = new Map<string, { years: Set<number>; run: Promise<void> }>();

/**
 * A refresh that runs after the write has answered, at most one at a time per unit: years asked for
 * while one runs are folded into the next, so a burst of writes costs a few recomputes instead of
 * one each, and a save never waits on its unit's records being read again. It logs rather than throws.
 */
export function refresher(deps: SnapshotDeps, log: (line: Record<string, unknown>) => void = (l) => console.error(JSON.stringify(l))): Refresh {
  const drain = async (unit: string, q: { years: Set<number> }) => {
    await Promise.resolve(); // let the caller's own writes of this turn join the first run
    while (q.years.size > 0) {
      const years = [...q.years];
      q.years.clear();
      try {
        await refreshSnapshots(deps, unit, years);
      } catch (err) {
        log({ level: 'error', msg: 'snapshot refresh failed', unit, years, error: (err as Error).message });
      }
    }
    queues.delete(unit); // no await since the loop's last check: nothing can have been added
  };
  return (unit, years) => {
    let q = queues.get(unit);
    if (!q) {
      const fresh = { years: new Set<number>(), run: Promise.resolve() };
      fresh.run = drain(unit, fresh);
      queues.set(unit, fresh);
      q = fresh;
    }
    for (const y of years) if (y !== undefined) q.years.add(y);
    return q.run;
  };
}

/** Resolves once no refresh is pending in this process: a local county read waits on it, so it sees the writes already answered. */
export async function refreshesSettled(): Promise<void> {
  while (queues.size > 0) await Promise.all([...queues.values()].map((q) => q.run));
}

export function recordsKeepingSnapshots(records: RecordStore, refresh: Refresh): RecordStore {
  return {
    ...records,
    async create(state, requestHash) {
      const out = await records.create(state, requestHash);
      void refresh(state.unit, [yearOf(state.date)]);
      return out;
    },
    async append(next, change, reason) {
      // The head before the change: an edit that moves the date to another year changes both years.
      const before = await records.get(next.id);
      const moved = await records.append(next, change, reason);
      void refresh(next.unit, [yearOf(next.date), yearOf(before?.date)]);
      return moved;
    },
  };
}

export function scoresKeepingSnapshots(scores: ScoreStore, refresh: Refresh): ScoreStore {
  return {
    ...scores,
    async add(unit, entry) {
      await scores.add(unit, entry);
      void refresh(unit, [yearOf(entry.period)]);
    },
  };
}

/** A roster change can change who owes what (members, divisions): every year the unit has snapshots of, and this one. */
export function rostersKeepingSnapshots(rosters: RosterStore, years: (unit: string) => Promise<number[]>, refresh: Refresh, now: () => Date): RosterStore {
  // Which years is one small read, waited for so the refresh is queued before the write answers.
  const all = async (unit: string) => void refresh(unit, [...(await years(unit)), yearOf(shanghaiDate(now()))]);
  return {
    ...rosters,
    async putIfAbsent(org, issuer, by) {
      const wrote = await rosters.putIfAbsent(org, issuer, by);
      if (wrote) await all(org.unit.id);
      return wrote;
    },
    async write(base, next, change, meta) {
      const out = await rosters.write(base, next, change, meta);
      await all(next.unit.id);
      return out;
    },
  };
}

/** Recomputes every unit's snapshots from scratch: the years it has snapshots of, this year and the last. */
export async function rebuildSnapshots(deps: SnapshotDeps, units: string[], now: Date, log: (line: string) => void = () => {}): Promise<number> {
  const year = Number(shanghaiDate(now).slice(0, 4));
  let written = 0;
  for (const unit of units) {
    const n = await refreshSnapshots(deps, unit, [...(await deps.snapshots.years(unit)), year, year - 1]);
    written += n;
    log(`snapshots: ${unit} ${n} written`);
  }
  return written;
}
