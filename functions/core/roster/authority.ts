/**
 * Authority from the roster only (DESIGN §5): the token proves who is calling (issuer and subject);
 * the unit and the roles come from the roster on the day of the request, in Asia/Shanghai.
 */
import { forbidden } from '../errors.js';
import { shanghaiDate } from '../periods.js';
import type { Caller } from '../types.js';
import { personOn, rosterRolesOn, signInSubject } from './roster.js';
import type { RosterStore } from './store.js';

export const UNKNOWN_PERSON = '名册中没有您的登录身份，请联系办公室将您加入本单位的组织名册';
export const LEFT_PERSON = '名册显示您已离开本单位，如有疑问请联系办公室';

/** The caller the roster makes of a verified issuer and subject, or 403 when the roster does not know them today. */
export async function callerFor(store: Pick<RosterStore, 'whoIs' | 'roster'>, issuer: string, subject: string, now: Date): Promise<Caller> {
  const pointer = await store.whoIs(issuer, subject);
  const roster = pointer && (await store.roster(pointer.unit));
  const person = roster?.org.people.find((p) => p.id === pointer!.person);
  // The pointer is an index only: the roster itself must still give this person this subject.
  if (!roster || !person || signInSubject(person, issuer) !== subject) throw forbidden(UNKNOWN_PERSON);
  const day = shanghaiDate(now);
  if (!personOn(roster.org, person.id, day)) throw forbidden(LEFT_PERSON);
  return {
    id: person.id,
    unit: roster.org.unit.id,
    roles: rosterRolesOn(roster.org, person.id, day),
    issuer,
    ...(roster.org.kind === 'county' ? { county: true as const } : {}),
  };
}
