/** The roster's store, as core sees it (types only; functions/store/organisation.ts implements it). */
import type { Organisation } from '../templates/templates.js';
import type { Roster, RosterChange, RosterVersion } from './roster.js';

export interface Identity {
  unit: string;
  person: string;
}

export interface RosterStore {
  get(unit: string): Promise<Organisation | undefined>;
  /** The unit's roster and its version (0 for an organisation stored before rosters were versioned). */
  roster(unit: string): Promise<Roster | undefined>;
  /**
   * Writes the organisation as version 1 if the unit has none yet; returns whether it wrote. Either
   * way registers the unit and links its people's subjects under `issuer` (idempotent, so a run that
   * stopped half-way is completed by the next).
   */
  putIfAbsent(org: Organisation, issuer: string, by?: string): Promise<boolean>;
  /** Writes the roster after `base`: 409 if another change took that version first. */
  write(base: Roster, next: Organisation, change: RosterChange, meta: { by: string; at: string; issuer: string }): Promise<Roster>;
  /** The unit's changes, oldest first, a page at a time. */
  history(unit: string, options?: { after?: number; limit?: number }): Promise<{ items: RosterVersion[]; next?: number }>;
  /** Which unit and person a token's issuer and subject point to, if any. */
  whoIs(issuer: string, subject: string): Promise<Identity | undefined>;
  /** Every registered unit's id (the monthly job compiles each), read with a Query, never a Scan. */
  units(): Promise<string[]>;
  /** The units a county oversees today: those whose newest roster names it (a unit has one county). */
  countyUnits(county: string): Promise<Roster[]>;
  /** Every county's id (the monthly roll-up compiles each), read with a Query. */
  counties(): Promise<string[]>;
}

