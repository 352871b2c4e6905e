/**
 * Which county oversees a unit is the unit's roster's `county`: one field of one versioned roster,
 * so moving a unit to another county is one conditional write and a unit never has two.
 */
import { notFound, validationError } from '../errors.js';
import type { Roster } from '../roster/roster.js';
import type { RosterStore } from '../roster/store.js';

/** Attaches the unit to the county as a new roster version; nothing is written when it already is. */
export async function attachToCounty(
  rosters: Pick<RosterStore, 'roster' | 'write'>,
  unit: string,
  county: string,
  meta: { by: string; at: string; issuer: string },
): Promise<Roster> {
  const [base, overseer] = await Promise.all([rosters.roster(unit), rosters.roster(county)]);
  if (!base) throw notFound(`没有单位 ${unit}`);
  if (!overseer || overseer.org.kind !== 'county') throw validationError(`${county} 不是县委宣传部的名册`, [{ path: 'county', message: '应为已载入的县委宣传部' }]);
  if (base.org.kind === 'county') throw validationError('县委宣传部不能隶属于其他县', [{ path: 'unit', message: '应为单位' }]);
  if (base.org.county === county) return base;
  return rosters.write(base, { ...base.org, county }, { kind: 'attach-county', target: unit, before: base.org.county ?? null, after: county }, meta);
}
