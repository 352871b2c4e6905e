/**
 * The roster in the table and authority from it, through the HTTP adapter on the embedded store.
 * The clock stands at Shanghai midnight that begins 2026-11-28 (still the 27th in UTC), so every
 * day boundary below is the Shanghai one, and one a UTC date would get wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor } from '../../functions/core/roster/authority.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { LOCAL_ISSUER } from '../../infra/local/jwt.js';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { studySession } from '../helpers/fixtures.js';

const SHANGHAI_MIDNIGHT = '2026-11-27T16:00:00.000Z';
const JUST_BEFORE = new Date('2026-11-27T15:59:59.999Z');
const NEXT_DAY = new Date('2026-11-28T16:00:00.000Z');

let api: TestApi;
let doc: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  api = await startTestApi({ now: SHANGHAI_MIDNIGHT });
  doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
});
afterAll(async () => {
  doc.destroy();
  await api.close();
});

const store = () => dynamoOrganisationStore(doc, api.tableName);
const version = async () => (await api.call('GET', '/api/roster', { as: 'sun-li' })).body.version as number;
const bearer = (claims: Record<string, unknown>) => api.keys.sign(claims).then((t) => ({ authorization: `Bearer ${t}` }));
const asToken = async (method: string, path: string, claims: Record<string, unknown>, body?: unknown) =>
  api.call(method, path, { headers: await bearer(claims), body });
const rolesOnDay = async (id: string, at: Date) => (await callerFor(store(), LOCAL_ISSUER, id, at)).roles;

describe('authority from the roster only', () => {
  const forged: [string, Record<string, unknown>][] = [
    ['a roles string with a comma', { sub: 'xu-jing', roles: 'viewer,office' }],
    ['a roles string with a space', { sub: 'xu-jing', roles: 'x office' }],
    ['a roles array holding one comma-joined string', { sub: 'xu-jing', roles: ['viewer,office'] }],
    ['a roles array of objects', { sub: 'xu-jing', roles: [{ role: 'office' }, { name: 'office' }] }],
    ['a plain forged roles array', { sub: 'xu-jing', roles: ['office', 'secretary'] }],
    ['Cognito groups', { sub: 'xu-jing', 'cognito:groups': ['office'] }],
    ['another unit named in the token', { sub: 'xu-jing', unit: 'other-bureau', 'custom:unit': 'other-bureau', roles: ['office'] }],
    ['an ended role claimed again', { sub: 'chen-jie', roles: ['leader'] }],
  ];
  for (const [name, claims] of forged) {
    it(`gives a token with ${name} only the roster's rights`, async () => {
      const me = await asToken('GET', '/api/me', claims);
      expect(me.status).toBe(200);
      expect(me.body.roles).toEqual([]);
      expect(me.body.unit.id).toBe('example-bureau');
      const before = await api.snapshot();
      const office = await asToken('POST', '/api/roster/divisions', claims, { version: await version(), id: 'forged', name: '伪造科' });
      expect(office.status).toBe(403);
      expect((await asToken('GET', '/api/reminders', claims)).status).toBe(403);
      expect(await api.snapshot()).toEqual(before);
    });
  }

  it('refuses a person the roster does not know, whatever roles the token claims, and says to ask the office', async () => {
    const res = await asToken('GET', '/api/me', { sub: 'stranger', unit: 'example-bureau', roles: ['office'] });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/请联系办公室/);
  });

  it('answers a malformed sub with 401, splitting nothing', async () => {
    for (const sub of [['sun-li'], ['xu-jing', 'sun-li'], { id: 'sun-li' }, 'sun-li ', '[sun-li]', '']) {
      const res = await asToken('GET', '/api/me', { sub });
      expect(res.status, JSON.stringify(sub)).toBe(401);
    }
  });
});

describe('roles from and to, on the Shanghai day', () => {
  it('starts a role on its first day at Shanghai midnight and ends it after its last day', async () => {
    const v = await version();
    const res = await api.call('PUT', '/api/roster/people/xu-jing', {
      as: 'sun-li',
      body: { version: v, roles: [{ role: 'office', from: '2026-11-28' }, { role: 'leader', from: '2026-01-01', to: '2026-11-27' }] },
    });
    expect(res.status).toBe(200);
    // At 00:00 on the 28th in Shanghai the office role has begun and the leader role has ended.
    expect((await api.call('GET', '/api/me', { as: 'xu-jing' })).body.roles).toEqual(['office']);
    expect((await api.call('GET', '/api/reminders', { as: 'xu-jing' })).status).toBe(200);
    // One millisecond earlier it is still the 27th: the leader role, not yet the office.
    expect(await rolesOnDay('xu-jing', JUST_BEFORE)).toEqual(['leader']);
  });

  it('refuses a role that ends before it starts, naming the field, and writes nothing', async () => {
    const before = await api.snapshot();
    const res = await api.call('PUT', '/api/roster/people/zhou-tao', {
      as: 'sun-li',
      body: { version: await version(), roles: [{ role: 'division-head', from: '2024-01-01' }, { role: 'leader', from: '2026-12-01', to: '2026-11-01' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'roles.1.to', message: expect.stringMatching(/早于/) }]);
    expect(await api.snapshot()).toEqual(before);
  });

  it('keeps a role that has begun: it may be ended, not removed', async () => {
    const before = await api.snapshot();
    const res = await api.call('PUT', '/api/roster/people/zhou-tao', { as: 'sun-li', body: { version: await version(), roles: [] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('roles.0');
    expect(await api.snapshot()).toEqual(before);
    const ended = await api.call('PUT', '/api/roster/people/zhou-tao', {
      as: 'sun-li',
      body: { version: await version(), roles: [{ role: 'division-head', from: '2024-01-01', to: '2026-11-27' }] },
    });
    expect(ended.status).toBe(200);
    expect((await api.call('GET', '/api/me', { as: 'zhou-tao' })).body.roles).toEqual([]);
    expect((await api.call('GET', '/api/submissions?scope=unit', { as: 'zhou-tao' })).status).toBe(403);
  });
});

describe('people and divisions', () => {
  it('adds a division and a person with a role, whose own token then has exactly those rights', async () => {
    const d = await api.call('POST', '/api/roster/divisions', { as: 'sun-li', body: { version: await version(), id: 'audit', name: '审计科' } });
    expect(d.status).toBe(201);
    expect(d.body.division).toEqual({ id: 'audit', name: '审计科' });
    const p = await api.call('POST', '/api/roster/people', {
      as: 'sun-li',
      body: { version: d.body.version, id: 'qian-hong', name: '钱红（示例）', title: '科长', division: 'audit', roles: [{ role: 'division-head', from: '2026-11-28' }] },
    });
    expect(p.status).toBe(201);
    expect(p.body.version).toBe(d.body.version + 1);
    const me = await api.call('GET', '/api/me', { as: 'qian-hong' });
    expect(me.body).toMatchObject({ id: 'qian-hong', roles: ['division-head'], division: { id: 'audit', name: '审计科' } });
    const filed = await api.call('POST', '/api/submissions', { as: 'qian-hong', body: studySession({ topic: '新科室的第一次学习' }) });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ owner: 'qian-hong', division: 'audit' });
    expect((await api.call('GET', '/api/reminders', { as: 'qian-hong' })).status).toBe(403);
  });

  it('moves a person between divisions: their old records stay in the old division', async () => {
    const old = await api.call('POST', '/api/submissions', { as: 'wu-fang', body: studySession({ topic: '调动前的记录' }) });
    expect(old.body.division).toBe('services');
    const moved = await api.call('PUT', '/api/roster/people/wu-fang', { as: 'sun-li', body: { version: await version(), division: 'finance' } });
    expect(moved.status).toBe(200);
    const after = await api.call('POST', '/api/submissions', { as: 'wu-fang', body: studySession({ topic: '调动后的记录' }) });
    expect(after.body.division).toBe('finance');
    expect((await api.call('GET', `/api/submissions/${old.body.id}`, { as: 'sun-li' })).body.division).toBe('services');
    // The finance division's head sees the new record and not the old one.
    expect((await api.call('GET', `/api/submissions/${after.body.id}`, { as: 'zheng-hao' })).status).toBe(200);
    expect((await api.call('GET', `/api/submissions/${old.body.id}`, { as: 'zheng-hao' })).status).toBe(404);
  });

  it('lets a person marked left in on their last day and refuses them from the next', async () => {
    const res = await api.call('PUT', '/api/roster/people/huang-lei', { as: 'sun-li', body: { version: await version(), left: '2026-11-28' } });
    expect(res.status).toBe(200);
    expect(res.body.person.roles).toEqual([{ role: 'division-head', from: '2024-01-01', to: '2026-11-28' }]);
    expect((await api.call('GET', '/api/me', { as: 'huang-lei' })).status).toBe(200);
    await expect(callerFor(store(), LOCAL_ISSUER, 'huang-lei', NEXT_DAY)).rejects.toMatchObject({ status: 403 });
    const gone = await api.call('PUT', '/api/roster/people/huang-lei', { as: 'sun-li', body: { version: await version(), left: '2026-11-27' } });
    expect(gone.status).toBe(200);
    const refused = await api.call('GET', '/api/me', { as: 'huang-lei' });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/离开/);
    // Still in the roster, for the records filed under them.
    expect((await api.call('GET', '/api/roster', { as: 'sun-li' })).body.people.find((p: { id: string }) => p.id === 'huang-lei')).toMatchObject({ left: '2026-11-27' });
  });

  it('renames and retires a division without removing it, and refuses to retire one that still has people', async () => {
    const full = await api.call('PUT', '/api/roster/divisions/policy', { as: 'sun-li', body: { version: await version(), retired: '2026-11-28' } });
    expect(full.status).toBe(400);
    expect(full.body.errors[0].path).toBe('retired');
    const renamed = await api.call('PUT', '/api/roster/divisions/center', { as: 'sun-li', body: { version: await version(), name: '信息技术中心' } });
    expect(renamed.status).toBe(200);
    // huang-lei, the centre's only person, has left: it can be retired.
    const retired = await api.call('PUT', '/api/roster/divisions/center', { as: 'sun-li', body: { version: await version(), retired: '2026-11-28' } });
    expect(retired.status).toBe(200);
    const roster = (await api.call('GET', '/api/roster', { as: 'sun-li' })).body;
    expect(roster.divisions.find((d: { id: string }) => d.id === 'center')).toEqual({ id: 'center', name: '信息技术中心', retired: '2026-11-28' });
    const into = await api.call('PUT', '/api/roster/people/xu-jing', { as: 'sun-li', body: { version: roster.version, division: 'center' } });
    expect(into.status).toBe(400);
  });

  it('answers a stale version with 409 and the current one, writing nothing', async () => {
    const v = await version();
    expect((await api.call('PUT', '/api/roster/people/li-na', { as: 'sun-li', body: { version: v, title: '党组成员' } })).status).toBe(200);
    const before = await api.snapshot();
    const stale = await api.call('PUT', '/api/roster/people/li-na', { as: 'liu-yang', body: { version: v, title: '副局长' } });
    expect(stale.status).toBe(409);
    expect(stale.body.version).toBe(v + 1);
    expect(await api.snapshot()).toEqual(before);
  });

  it('refuses bad input with Chinese details and field paths, and changes by anyone but the office', async () => {
    const v = await version();
    const cases: [unknown, string][] = [
      [{ version: v, id: 'Bad Id', name: '某人' }, 'id'],
      [{ version: v, id: 'ok-id', name: '' }, 'name'],
      [{ version: v, id: 'ok-id', name: '某人', division: 'nowhere' }, 'division'],
      [{ version: v, id: 'ok-id', name: '某人', roles: [{ role: 'viewer', from: '2026-01-01' }] }, 'roles.0.role'],
      [{ version: v, id: 'ok-id', name: '某人', roles: [{ role: 'leader', from: '2026-02-30' }] }, 'roles.0.from'],
      [{ id: 'ok-id', name: '某人' }, 'version'],
      [{ version: v, id: 'ok-id', name: '某人', extra: 1 }, 'extra'],
    ];
    const before = await api.snapshot();
    for (const [body, path] of cases) {
      const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body });
      expect(res.status, path).toBe(400);
      expect(res.body.detail, path).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.errors.map((e: { path: string }) => e.path), path).toContain(path);
    }
    expect((await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: v, id: 'li-na', name: '重复' } })).status).toBe(409);
    expect((await api.call('PUT', '/api/roster/people/nobody-here', { as: 'sun-li', body: { version: v, title: 'x' } })).status).toBe(404);
    for (const as of ['zhang-wei', 'li-na', 'zheng-hao', 'other-office'])
      expect((await api.call('PUT', '/api/roster/people/li-na', { as, body: { version: v, title: '越权' } })).status, as).toBe(as === 'other-office' ? 404 : 403);
    expect(await api.snapshot()).toEqual(before);
  });
});

describe('the history', () => {
  it('keeps every change with who, when, and the entity before and after', async () => {
    const res = await api.call('GET', '/api/roster/history', { as: 'sun-li' });
    expect(res.status).toBe(200);
    const items = res.body.items as any[];
    expect(items[0]).toMatchObject({ version: 1, kind: 'load', by: 'load' });
    expect(items.map((i) => i.version)).toEqual(items.map((_, i) => i + 1));
    const move = items.find((i) => i.kind === 'update-person' && i.target === 'wu-fang');
    expect(move).toMatchObject({ by: 'sun-li', at: SHANGHAI_MIDNIGHT, before: { division: 'services' }, after: { division: 'finance' } });
    expect(items.find((i) => i.kind === 'add-division')).toMatchObject({ target: 'audit', after: { id: 'audit', name: '审计科' } });
    const current = await version();
    expect(items.at(-1).version).toBe(current);
    const page = await api.call('GET', `/api/roster/history?after=${current - 2}&limit=1`, { as: 'sun-li' });
    expect(page.body.items.map((i: { version: number }) => i.version)).toEqual([current - 1]);
    expect(page.body.next).toBe(current - 1);
    expect((await api.call('GET', '/api/roster/history', { as: 'zheng-hao' })).status).toBe(403);
    expect((await api.call('GET', '/api/roster/history?after=-1', { as: 'sun-li' })).status).toBe(400);
  });

  it("keeps each unit's roster and history to itself", async () => {
    const theirs = await api.call('GET', '/api/roster/history', { as: 'other-office' });
    expect(theirs.body.items).toHaveLength(1);
    expect(JSON.stringify((await api.call('GET', '/api/roster', { as: 'other-office' })).body)).not.toContain('example-bureau');
  });
});
