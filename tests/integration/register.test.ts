/** The register (GET /api/submissions with filters) and restore: findable, scoped, paged, bounded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoRecordStore } from '../../functions/store/records.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

let api: TestApi;
const ids: Record<string, string> = {};
beforeAll(async () => {
  api = await startTestApi();
  const file = async (name: string, as: string, body: unknown) => {
    const res = await api.call('POST', '/api/submissions', { as, body });
    expect(res.status, name).toBe(201);
    ids[name] = res.body.id;
  };
  await file('studyA', 'sun-li', studySession({ topic: '学习习近平文化思想', date: '2026-03-10' }));
  await file('studyB', 'zhou-tao', studySession({ topic: '网络意识形态安全', date: '2026-05-10', recorder: 'xu-jing' }));
  await file('studyC', 'xu-jing', studySession({ topic: '保密法专题', date: '2026-07-10' }));
  await file('reportLi', 'li-na', memberReport({ reportDate: '2026-09-01' }));
  await file('proxyZhang', 'sun-li', memberReport({ reporter: 'zhang-wei', position: '党组书记、局长', reportDate: '2026-10-01', summary: '全面从严治党与意识形态工作情况汇报' }));
  for (let i = 0; i < 7; i++) await file(`page${i}`, 'sun-li', studySession({ topic: `分页记录 ${i}`, date: `2026-02-0${i + 1}` }));
});
afterAll(() => api.close());

const list = async (query: string, as = 'sun-li') => {
  const res = await api.call('GET', `/api/submissions?${query}`, { as });
  expect(res.status, `${query} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as { items: any[]; nextCursor?: string };
};
const names = (items: any[]) => items.map((r) => Object.entries(ids).find(([, id]) => id === r.id)?.[0]);

describe('the register', () => {
  it('finds records by keyword in their text, numbers and names, newest activity first', async () => {
    expect(names((await list('q=意识形态安全')).items)).toEqual(['studyB']);
    expect(names((await list('q=从严治党')).items)).toEqual(['proxyZhang']);
    // By the subject's name as filed, and by a person field's name (the recorder of studyB).
    expect(names((await list('q=张伟')).items)).toContain('proxyZhang');
    expect(names((await list('q=徐静')).items).sort()).toEqual(['studyB', 'studyC']);
    const numbered = (await list('q=汇报-2026-002')).items;
    expect(names(numbered)).toEqual(['proxyZhang']);
    const all = (await list('period=2026&limit=100')).items;
    expect(all.map((r) => r.date)).toEqual([...all.map((r) => r.date)].sort().reverse());
  });

  it('filters by person (subject or filer), division, review state and form', async () => {
    expect(names((await list('person=zhang-wei')).items)).toEqual(['proxyZhang']);
    // sun-li filed the 代填 for zhang-wei: it is hers as filer too.
    expect(names((await list('person=sun-li&templateId=member-report')).items)).toEqual(['proxyZhang']);
    expect(names((await list('division=policy')).items).sort()).toEqual(['studyB', 'studyC']);
    expect(names((await list('review=pending')).items).sort()).toEqual(['proxyZhang', 'reportLi']);
  });

  it('keeps each caller to what their role allows', async () => {
    // A division head's keyword search stays within the division: studyA (the office's) is not found.
    const head = await list('q=意识形态专题学习', 'zhou-tao');
    expect(names(head.items).sort()).toEqual(['studyB', 'studyC']);
    expect((await api.call('GET', '/api/submissions?scope=unit', { as: 'zhou-tao' })).status).toBe(403);
    expect((await api.call('GET', '/api/submissions?scope=division&division=office', { as: 'zhou-tao' })).status).toBe(403);
    expect(names((await list('scope=mine', 'zhang-wei')).items)).toEqual(['proxyZhang']);
    const bad = await api.call('GET', '/api/submissions?review=done&division=nowhere', { as: 'sun-li' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['query.review']);
    const badDivision = await api.call('GET', '/api/submissions?division=nowhere', { as: 'sun-li' });
    expect(badDivision.body.errors).toEqual([{ path: 'query.division', message: expect.any(String) }]);
  });

  it('pages a filtered list without repeating or losing a record', async () => {
    const seen: (string | undefined)[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(`q=分页记录&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...names(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['page6', 'page5', 'page4', 'page3', 'page2', 'page1', 'page0']);
  });

  it('shows withdrawn records only when asked, and the office restores one with a reason', async () => {
    expect((await api.call('DELETE', `/api/submissions/${ids.studyC}?version=1`, { as: 'xu-jing' })).status).toBe(204);
    expect(names((await list('division=policy')).items)).toEqual(['studyB']);
    const withdrawn = await list('withdrawn=1');
    expect(names(withdrawn.items)).toEqual(['studyC']);
    expect(names((await list('withdrawn=1', 'xu-jing')).items)).toEqual(['studyC']);
    // Only the office restores, with a reason, at the current version.
    expect((await api.call('POST', `/api/submissions/${ids.studyC}/restore`, { as: 'xu-jing', body: { reason: '误撤', version: 2 } })).status).toBe(403);
    const noReason = await api.call('POST', `/api/submissions/${ids.studyC}/restore`, { as: 'sun-li', body: { version: 2 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');
    expect((await api.call('POST', `/api/submissions/${ids.studyC}/restore`, { as: 'sun-li', body: { reason: '误撤回', version: 1 } })).status).toBe(409);
    const restored = await api.call('POST', `/api/submissions/${ids.studyC}/restore`, { as: 'sun-li', body: { reason: '误撤回', version: 2 } });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ status: 'active', version: 3 });
    expect((await api.call('POST', `/api/submissions/${ids.studyC}/restore`, { as: 'sun-li', body: { reason: '再次', version: 3 } })).status).toBe(409);
    expect(names((await list('division=policy')).items).sort()).toEqual(['studyB', 'studyC']);
    expect((await list('withdrawn=1')).items).toEqual([]);
    const history = await api.call('GET', `/api/submissions/${ids.studyC}/history`, { as: 'sun-li' });
    expect(history.body.items.map((h: any) => [h.change, h.reason])).toEqual([['create', undefined], ['withdraw', undefined], ['restore', '误撤回']]);
  });

  it('reads at most its budget of index items per request and says how far back it searched', async () => {
    const doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
    const store = dynamoRecordStore(doc, api.tableName);
    const query = { unit: 'example-bureau', scope: { kind: 'unit' as const }, limit: 20, filter: () => false, readBudget: 4, start: '2026-01-01', end: '2026-12-31' };
    const first = await store.list(query);
    expect(first).toMatchObject({ items: [], read: 4 });
    expect(first.searchedTo).toMatch(/^2026-/);
    const second = await store.list({ ...query, cursor: first.nextCursor });
    expect(second.read).toBe(4);
    expect(second.searchedTo! <= first.searchedTo!).toBe(true);
    doc.destroy();
  });
});
