/** The organisation: who holds which role on a given date. Role dates are inclusive. */
import type { Organisation, Person, Role } from '../templates/templates.js';

/** True when the person holds the role on the calendar date. */
export function holdsRole(person: Person, role: Role, date: string): boolean {
  return person.roles.some((r) => r.role === role && r.from <= date && (r.to === undefined || date <= r.to));
}

/** True when the person holds the role on any day between start and end (inclusive). */
export function heldRoleDuring(person: Person, role: Role, start: string, end: string): boolean {
  return person.roles.some((r) => r.role === role && r.from <= end && (r.to === undefined || r.to >= start));
}

/** The roles a person holds on the date. */
export function rolesOn(person: Person, date: string): Role[] {
  return [...new Set(person.roles.filter((r) => r.from <= date && (r.to === undefined || date <= r.to)).map((r) => r.role))];
}

export const LEADERSHIP_ROLES: readonly Role[] = ['secretary', 'leader'];

export function findPerson(org: Organisation, id: string): Person | undefined {
  return org.people.find((p) => p.id === id);
}

export function divisionName(org: Organisation, id: string | undefined): string {
  return org.divisions.find((d) => d.id === id)?.name ?? '';
}
