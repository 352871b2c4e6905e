/** The unit's access log: every read a county person made of the unit (who, what, when). */
export interface AccessEntry {
  at: string;
  /** The county person, their name and their county. */
  by: string;
  byName: string;
  county: string;
  /** What was read: the route (e.g. `GET /api/county/units/{unit}/compliance`) and its period or item. */
  route: string;
  period?: string;
  item?: string;
}

export interface AccessLogStore {
  /** Appends one entry to the unit's log (a fresh item, never overwritten). */
  add(unit: string, entry: AccessEntry): Promise<void>;
  /** The unit's entries, newest first, at most `limit`. */
  list(unit: string, limit: number): Promise<AccessEntry[]>;
}
