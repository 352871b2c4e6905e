import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient, ensureTable } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { loadOrganisation } from '../../infra/cloud/load-organisation.js';
import { REPO_ROOT } from '../../infra/cloud/bundling.js';

const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const tableName = `org-${randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'taizhang-org-'));
const example = join(REPO_ROOT, 'templates', 'organisation.example.json');

beforeAll(() => ensureTable(doc, tableName));
afterAll(() => {
  doc.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('loading an organisation into the deployed table', () => {
  it('writes it once, then leaves it alone', async () => {
    expect(await loadOrganisation(doc, tableName, example)).toMatch(/^loaded example-bureau: 5 divisions/);
    expect(await loadOrganisation(doc, tableName, example)).toBe('example-bureau is already loaded; left unchanged');
    expect((await dynamoOrganisationStore(doc, tableName).get('example-bureau'))?.people.some((p) => p.id === 'li-na')).toBe(true);
  });

  it('refuses a file that does not match the organisation schema, naming the field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ unit: { id: 'x', name: 'X', shortName: 'X' }, divisions: [], people: [] }));
    await expect(loadOrganisation(doc, tableName, bad)).rejects.toThrow(/bad\.json: .*divisions/);
  });
});
