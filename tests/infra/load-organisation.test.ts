import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { attachUnit, loadOrganisation } from '../../infra/cloud/load-organisation.js';
import { REPO_ROOT } from '../../infra/cloud/bundling.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `org-${randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'taizhang-org-'));
const example = join(REPO_ROOT, 'templates', 'organisation.example.json');
const ISSUER = 'https://issuer.example/test';

beforeAll(() => ensureTable(doc, tableName));
afterAll(() => {
  doc.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('loading an organisation into the deployed table', () => {
  it('writes it once, then leaves it alone', async () => {
    // The bootstrap (README, Users): the first office person's subject, as the issuer printed it, in the file.
    const org = JSON.parse(readFileSync(example, 'utf8'));
    org.people = org.people.map((p: { id: string }) => (p.id === 'sun-li' ? { ...p, subject: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' } : p));
    const file = join(dir, 'bootstrap.json');
    writeFileSync(file, JSON.stringify(org));
    expect(await loadOrganisation(doc, tableName, file, ISSUER)).toMatch(/^loaded example-bureau: 5 divisions/);
    expect(await loadOrganisation(doc, tableName, file, ISSUER)).toBe('example-bureau is already loaded; left unchanged');
    const store = dynamoOrganisationStore(doc, tableName);
    expect((await store.get('example-bureau'))?.people.some((p) => p.id === 'li-na')).toBe(true);
    expect(await store.whoIs(ISSUER, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toEqual({ unit: 'example-bureau', person: 'sun-li' });
    expect(await store.whoIs('https://other.example', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBeUndefined();
    // Nobody is known to this issuer by roster id: only local sign-in names people so.
    expect(await store.whoIs(ISSUER, 'li-na')).toBeUndefined();
  });

  it('refuses a file that names nobody in the office, since nobody could then manage the roster', async () => {
    const file = join(dir, 'no-office.json');
    writeFileSync(
      file,
      JSON.stringify({
        unit: { id: 'no-office', name: '某局', shortName: '某局' },
        divisions: [{ id: 'd1', name: '科室' }],
        people: [{ id: 'p1', name: '某人', roles: [{ role: 'leader', from: '2026-01-01' }] }],
      }),
    );
    await expect(loadOrganisation(doc, tableName, file, ISSUER)).rejects.toThrow(/office role/);
    expect(await dynamoOrganisationStore(doc, tableName).get('no-office')).toBeUndefined();
  });

  it('refuses a file whose office people have no subject, since none of them could sign in', async () => {
    await expect(loadOrganisation(doc, tableName, example, ISSUER)).rejects.toThrow(/no office person has a "subject"/);
  });

  it('refuses a file that does not match the organisation schema, naming the field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ unit: { id: 'x', name: 'X', shortName: 'X' }, divisions: [], people: [] }));
    await expect(loadOrganisation(doc, tableName, bad, ISSUER)).rejects.toThrow(/bad\.json: .*divisions/);
  });

  it('loads a county, links the units that name it, and attaches another unit as a new roster version', async () => {
    const county = JSON.parse(readFileSync(join(REPO_ROOT, 'templates', 'county.example.json'), 'utf8'));
    const countyFile = join(dir, 'county.json');
    const withSubject = (o: { people: { id: string }[] }) => ({ ...o, people: o.people.map((p) => ({ ...p, subject: `sub-${p.id}` })) });
    writeFileSync(countyFile, JSON.stringify(withSubject(county.county)));
    expect(await loadOrganisation(doc, tableName, countyFile, ISSUER)).toMatch(/^loaded example-county/);
    const unitFile = join(dir, 'culture.json');
    writeFileSync(unitFile, JSON.stringify(withSubject(county.units[0])));
    await loadOrganisation(doc, tableName, unitFile, ISSUER);
    const store = dynamoOrganisationStore(doc, tableName);
    // The first test's example-bureau names the example county in its file too.
    expect((await store.countyUnits('example-county')).map((r) => r.org.unit.id)).toEqual(['example-bureau', 'example-culture']);
    // A county is no unit: the monthly ledgers and the sweep never see it.
    expect(await store.units()).not.toContain('example-county');
    expect(await store.counties()).toContain('example-county');
    expect(await store.whoIs(ISSUER, 'sub-qian-hong')).toEqual({ unit: 'example-county', person: 'qian-hong' });

    const other = join(dir, 'library.json');
    writeFileSync(other, JSON.stringify(withSubject({ ...county.units[1], county: undefined })));
    await loadOrganisation(doc, tableName, other, ISSUER);
    expect((await store.countyUnits('example-county')).map((r) => r.org.unit.id)).not.toContain('example-library');
    expect(await attachUnit(doc, tableName, 'example-library', 'example-county', ISSUER)).toMatch(/^attached example-library to example-county \(roster version 2\)/);
    expect(await attachUnit(doc, tableName, 'example-library', 'example-county', ISSUER)).toMatch(/left unchanged/);
    expect((await store.countyUnits('example-county')).map((r) => r.org.unit.id)).toEqual(['example-bureau', 'example-culture', 'example-library']);
    expect((await store.history('example-library')).items.map((v) => v.kind)).toEqual(['load', 'attach-county']);
    await expect(attachUnit(doc, tableName, 'example-library', 'example-culture', ISSUER)).rejects.toThrow(/不是县委宣传部/);
  });

  it('refuses a county role in a unit and any other role in a county', async () => {
    const file = join(dir, 'mixed.json');
    writeFileSync(
      file,
      JSON.stringify({
        unit: { id: 'mixed', name: '某局', shortName: '某局' },
        divisions: [{ id: 'd1', name: '科室' }],
        people: [{ id: 'p1', name: '某人', subject: 's1', roles: [{ role: 'office', from: '2026-01-01' }, { role: 'county', from: '2026-01-01' }] }],
      }),
    );
    await expect(loadOrganisation(doc, tableName, file, ISSUER)).rejects.toThrow(/people\.0\.roles\.1\.role: county/);
  });
});
