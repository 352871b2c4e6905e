/**
 * The addresses pages link to, built in one place. The register's and the new record's query
 * parameters are a contract with the records work: keep them.
 */

/** The register (记录登记簿), filtered: `#/records?form=&period=&person=&division=&review=&withdrawn=1&q=`. */
export function registerHref(filter: {
  form?: string;
  period?: string;
  person?: string;
  division?: string;
  review?: 'pending' | 'approved' | 'returned';
  withdrawn?: boolean;
  q?: string;
}): string {
  const q = new URLSearchParams();
  for (const k of ['form', 'period', 'person', 'division', 'review', 'q'] as const) if (filter[k]) q.set(k, filter[k]!);
  if (filter.withdrawn) q.set('withdrawn', '1');
  const s = q.toString();
  return `#/records${s ? `?${s}` : ''}`;
}

/** A new record of a form, its subject (person, or division for a division's obligation) filled in. */
export function newRecordHref(templateId: string, options: { subject?: string; period?: string } = {}): string {
  const q = new URLSearchParams();
  if (options.subject) q.set('subject', options.subject);
  if (options.period) q.set('period', options.period);
  const s = q.toString();
  return `#/new/${encodeURIComponent(templateId)}${s ? `?${s}` : ''}`;
}

/** The link for a compliance row's subject: person or division, nothing for the unit. */
export function subjectFilter(subject: { kind: string; id: string }): { person?: string; division?: string } {
  if (subject.kind === 'member') return { person: subject.id };
  if (subject.kind === 'division') return { division: subject.id };
  return {};
}
