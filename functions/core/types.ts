/**
 * The types several core modules share: who is calling, and what a core function is given to
 * work with. Type-only imports, so this module adds no import circle.
 */
import type { ScoreStore } from './compliance/assessment.js';
import type { Catalog } from './templates/catalog.js';
import type { Notifier } from './compliance/notify.js';
import type { RecordStore } from './records/record.js';
import type { Organisation, Role } from './templates/templates.js';

/** Who is calling, as the roster says on the day of the request (functions/core/roster/authority.ts). */
export interface Caller {
  id: string;
  unit: string;
  roles: Role[];
  /** The token issuer the caller signed in with; a person the office adds is linked under the same. */
  issuer?: string;
  /** Set when the caller belongs to a county organisation (县委宣传部): `unit` is then the county. */
  county?: true;
}

export interface Deps {
  catalog: Catalog;
  records: RecordStore;
  scores: ScoreStore;
  notifier: Notifier;
  organisation(unit: string): Promise<Organisation | undefined>;
  now(): Date;
}
