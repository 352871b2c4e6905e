/** The county's view of a unit's compiled ledgers and archives: the unit's own lists, downloaded through county routes. */
import { readUnitAs } from '../core/county/service.js';
import type { Caller } from '../core/types.js';
import type { CountyDeps } from '../deps.js';
import { archiveLink, archivesOf } from './archive-job.js';
import { compilationLink, compilationsOf } from './service.js';

const countyFile = (unit: string, kind: 'compilations' | 'archives', id: string) =>
  `/api/county/units/${encodeURIComponent(unit)}/${kind}/${encodeURIComponent(id)}/file`;

/** GET /api/county/units/{unit}/compilations?period=: the unit's compilations and archives of the period. */
export async function unitLedgers(deps: CountyDeps, caller: Caller, unit: string, route: string, query: Record<string, string | undefined>) {
  const { org, period } = await readUnitAs(deps, caller, unit, { route, query });
  const [compilations, archives] = await Promise.all([compilationsOf(deps, org.unit.id, { period }), archivesOf(deps, org.unit.id, { period })]);
  return {
    unit: org.unit.id,
    unitName: org.unit.name,
    period,
    compilations: compilations.items.map((c) => ({ ...c, ...(c.file ? { file: countyFile(org.unit.id, 'compilations', c.id) } : {}) })),
    archives: archives.items.map((a) => ({ ...a, ...(a.file ? { file: countyFile(org.unit.id, 'archives', a.id) } : {}) })),
  };
}

/** GET /api/county/units/{unit}/{compilations|archives}/{id}/file: the unit's file, checked as the unit's own download is. */
export async function unitLedgerFile(deps: CountyDeps, caller: Caller, unit: string, kind: 'compilations' | 'archives', id: string, route: string) {
  const { org } = await readUnitAs(deps, caller, unit, { route, item: id });
  return kind === 'compilations' ? compilationLink(deps, org.unit.id, id) : archiveLink(deps, org.unit.id, id);
}
