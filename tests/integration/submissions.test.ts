import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('templates and identity', () => {
  it('lists every form template, the internal rectification items marked so', async () => {
    const res = await api.call('GET', '/api/templates', { as: 'li-na' });
    expect(res.status).toBe(200);
    expect(res.body.items.map((f: { id: string }) => f.id)).toEqual([
      'democratic-life',
      'inspection',
      'member-report',
      'opinion-response',
      'party-group-meeting',
      'position-check',
      'rectification',
      'situation-analysis',
      'study-session',
    ]);
    expect(res.body.items.filter((f: { internal?: boolean }) => f.internal).map((f: { id: string }) => f.id)).toEqual(['rectification']);
  });

  it('returns one template and 404 for an unknown one', async () => {
    const one = await api.call('GET', '/api/templates/member-report', { as: 'li-na' });
    expect(one.status).toBe(200);
    expect(one.body.fields.find((f: { key: string }) => f.key === 'reporter').label).toBe('汇报人');
    const none = await api.call('GET', '/api/templates/no-such-form', { as: 'li-na' });
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
  });

  it('tells the caller who they are', async () => {
    const res = await api.call('GET', '/api/me', { as: 'zhou-tao' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'zhou-tao',
      name: '周涛（示例）',
      roles: ['division-head'],
      unit: { id: 'example-bureau' },
      division: { id: 'policy', name: '政策法规科' },
    });
  });

  it("gives the unit's roster for pickers and the form's role checks", async () => {
    const res = await api.call('GET', '/api/organisation', { as: 'zhou-tao' });
    expect(res.status).toBe(200);
    expect(res.body.people.length).toBe(12);
    expect(res.body.people.find((p: { id: string }) => p.id === 'zhao-min').roles).toEqual([{ role: 'leader', from: '2026-08-10' }]);
    const other = await api.call('GET', '/api/organisation', { as: 'other-office' });
    expect(other.body.unit.id).toBe('other-bureau');
  });

  it('refuses a request without a token, or with a token for someone outside the organisation', async () => {
    expect((await api.call('GET', '/api/me')).status).toBe(401);
    const stranger = await api.call('GET', '/api/me', {
      headers: { authorization: `Bearer ${await api.token('nobody', { unit: 'example-bureau' })}` },
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.detail).toMatch(/组织名册/);
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    expect((await api.call('GET', '/api/nothing', { as: 'li-na' })).status).toBe(404);
    expect((await api.call('PATCH', '/api/submissions', { as: 'li-na' })).status).toBe(405);
  });
});

describe('submissions', () => {
  it('creates a record and returns it unchanged on GET', async () => {
    const created = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      templateId: 'member-report',
      version: 1,
      status: 'active',
      period: '2026-H2',
      date: '2026-11-02',
      owner: 'li-na',
      createdAt: '2026-11-28T04:00:00.000Z',
    });
    expect(created.headers.get('location')).toBe(`/api/submissions/${created.body.id}`);
    const got = await api.call('GET', `/api/submissions/${created.body.id}`, { as: 'li-na' });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    expect(got.body.data).toEqual(memberReport().data);
  });

  it('updates with the current version and refuses a stale one with the current record', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const data = { ...rec.data, summary: '修改后的下半年意识形态工作综合汇报。' };
    const ok = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    expect(ok.body.data.summary).toBe(data.summary);
    const stale = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data, version: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.current.version).toBe(2);
    expect(stale.body.detail).toMatch(/已被他人修改/);
  });

  it('moves the record to another period when its date changes', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    const moved = await api.call('PUT', `/api/submissions/${rec.id}`, {
      as: 'li-na',
      body: { data: { ...rec.data, reportDate: '2026-05-20' }, version: 1 },
    });
    expect(moved.body.period).toBe('2026-H1');
    const h1 = await api.call('GET', '/api/submissions?templateId=member-report&period=2026-H1&scope=mine', { as: 'li-na' });
    expect(h1.body.items.map((r: { id: string }) => r.id)).toContain(rec.id);
  });

  it('withdraws a record: gone from lists, kept in history, no longer editable', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport({ reportDate: '2026-10-01' }) });
    const del = await api.call('DELETE', `/api/submissions/${rec.id}`, { as: 'li-na' });
    expect(del.status).toBe(204);
    const list = await api.call('GET', '/api/submissions?scope=mine&limit=100', { as: 'li-na' });
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(rec.id);
    const got = await api.call('GET', `/api/submissions/${rec.id}`, { as: 'li-na' });
    expect(got.body.status).toBe('withdrawn');
    const again = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data: rec.data, version: 2 } });
    expect(again.status).toBe(409);
    const history = await api.call('GET', `/api/submissions/${rec.id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: { change: string }) => h.change)).toEqual(['create', 'withdraw']);
  });

  it('refuses to withdraw with a stale version', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'li-na', body: { data: rec.data, version: 1 } });
    const del = await api.call('DELETE', `/api/submissions/${rec.id}?version=1`, { as: 'li-na' });
    expect(del.status).toBe(409);
  });

  it('records who changed what in the history, field by field', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    await api.call('PUT', `/api/submissions/${rec.id}`, {
      as: 'li-na',
      body: { data: { ...rec.data, reportType: '专题汇报', topic: '网络阵地管理' }, version: 1 },
    });
    const res = await api.call('GET', `/api/submissions/${rec.id}/history`, { as: 'li-na' });
    expect(res.status).toBe(200);
    const [first, second] = res.body.items;
    expect(first).toMatchObject({ version: 1, change: 'create', by: 'li-na', byName: '李娜（示例）' });
    expect(second.changes).toEqual([
      { field: 'reportType', before: '综合汇报', after: '专题汇报' },
      { field: 'topic', after: '网络阵地管理' },
    ]);
  });

  it('lists a period page by page with a cursor, newest first', async () => {
    for (const day of ['01', '02', '03', '04', '05']) {
      const res = await api.call('POST', '/api/submissions', { as: 'liu-yang', body: studySession({ date: `2026-03-${day}` }) });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const q = `/api/submissions?templateId=study-session&period=2026-Q1&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.call('GET', q, { as: 'liu-yang' });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { date: string }) => r.date));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['2026-03-05', '2026-03-04', '2026-03-03', '2026-03-02', '2026-03-01']);
  });

  it('refuses a cursor it did not hand out', async () => {
    const res = await api.call('GET', '/api/submissions?cursor=UNIT%23other', { as: 'liu-yang' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.cursor');
  });
});

describe('who sees what', () => {
  it('lets the office and the secretary see the whole unit', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'zhou-tao', body: studySession({ host: 'zhou-tao' }) });
    for (const who of ['liu-yang', 'sun-li', 'zhang-wei']) {
      expect((await api.call('GET', `/api/submissions/${rec.id}`, { as: who })).status).toBe(200);
    }
  });

  it('lets a colleague of the same division see but not edit, and hides it from other divisions and units', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'zhou-tao', body: studySession({ host: 'zhou-tao' }) });
    expect((await api.call('GET', `/api/submissions/${rec.id}`, { as: 'xu-jing' })).status).toBe(200);
    const edit = await api.call('PUT', `/api/submissions/${rec.id}`, { as: 'xu-jing', body: { data: rec.data, version: 1 } });
    expect(edit.status).toBe(403);
    expect((await api.call('DELETE', `/api/submissions/${rec.id}`, { as: 'xu-jing' })).status).toBe(403);
    for (const who of ['wu-fang', 'li-na', 'other-office']) {
      expect((await api.call('GET', `/api/submissions/${rec.id}`, { as: who })).status).toBe(404);
      expect((await api.call('GET', `/api/submissions/${rec.id}/history`, { as: who })).status).toBe(404);
      expect((await api.call('PUT', `/api/submissions/${rec.id}`, { as: who, body: { data: rec.data, version: 1 } })).status).toBe(404);
    }
  });

  it('lets the office correct a record that someone else submitted', async () => {
    const { body: rec } = await api.call('POST', '/api/submissions', { as: 'zhou-tao', body: studySession({ host: 'zhou-tao' }) });
    const res = await api.call('PUT', `/api/submissions/${rec.id}`, {
      as: 'sun-li',
      body: { data: { ...rec.data, attended: 10 }, version: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ owner: 'zhou-tao', updatedBy: 'sun-li', version: 2 });
  });

  it('keeps the unit-wide list for the office and the secretary', async () => {
    expect((await api.call('GET', '/api/submissions?scope=unit', { as: 'li-na' })).status).toBe(403);
    expect((await api.call('GET', '/api/submissions?scope=division', { as: 'li-na' })).status).toBe(403);
    const other = await api.call('GET', '/api/submissions?scope=unit&limit=100', { as: 'other-office' });
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
  });
});

describe('security headers', () => {
  it('come with every API answer, success or error', async () => {
    const answers = [
      await api.call('GET', '/api/me', { as: 'li-na' }),
      await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() }),
      await api.call('POST', '/api/submissions', { as: 'li-na', body: { templateId: 'x' } }),
      await api.call('GET', '/api/submissions/01ARZ3NDEKTSV4RRFFQ69G5FAV', { as: 'li-na' }),
      await api.call('GET', '/api/me'),
      await api.call('GET', '/api/nothing', { as: 'li-na' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 400, 404, 401, 404]);
    for (const a of answers) {
      expect(a.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(a.headers.get('x-content-type-options')).toBe('nosniff');
      expect(a.headers.get('referrer-policy')).toBe('no-referrer');
      expect(a.headers.get('cache-control')).toBe('no-store');
    }
  });
});
