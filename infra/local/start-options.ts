/** What `npm start` is told (`--organisation <file>` or ORGANISATION_FILE), and the care of its data directory. */
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OrganisationSchema, type Organisation } from '../../functions/core/templates/templates.js';

export interface StartOptions {
  /** The bureau's own organisation file: start with its unit, and no example records. */
  organisation?: string;
}

export function parseStartArgs(args: string[], env: NodeJS.ProcessEnv): StartOptions {
  const at = args.indexOf('--organisation');
  const file = at >= 0 ? args[at + 1] : env.ORGANISATION_FILE || undefined;
  if (at >= 0 && (!file || file.startsWith('--'))) throw new Error('usage: npm start -- --organisation <organisation.json>');
  return file ? { organisation: resolve(file) } : {};
}

/**
 * Reads and checks an organisation file the way templates/ is checked, naming the file and field,
 * and insists on a first office person: without one nobody could manage the roster.
 */
export function readOrganisationFile(file: string): Organisation {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const parsed = OrganisationSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const org = parsed.data;
  if (!org.people.some((p) => p.roles.some((r) => r.role === 'office')))
    throw new Error(`${file}: 没有人担任办公室（office）职务，无人能管理名册；请至少写明第一位办公室人员`);
  for (const p of org.people)
    if (p.division !== undefined && !org.divisions.some((d) => d.id === p.division))
      throw new Error(`${file}: people.${p.id}.division: 没有科室 ${p.division}`);
  return org;
}

/** Directories 0700 and files 0600 under `dir`, for data written before the runner set its umask (bounded walk). */
export function tightenModes(dir: string, budget = { left: 100_000 }): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (--budget.left < 0) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tightenModes(path, budget);
    else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}
