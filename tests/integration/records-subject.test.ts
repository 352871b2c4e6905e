/** The subject rule and 代填 (DESIGN §10, issue 11): only the subject, or the office on their behalf. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** The secretary's O4 row for 2026-H2 as the office sees it. */
async function secretaryO4() {
  const res = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'liu-yang' });
  expect(res.status).toBe(200);
  return res.body.rows.find((r: any) => r.obligationId === 'O4' && r.subject.id === 'zhang-wei');
}

describe('the subject of a record', () => {
  it('refuses a division head naming the secretary as 汇报人, and the O4 row does not move', async () => {
    const before = await secretaryO4();
    const before2 = await api.snapshot();
    const res = await api.call('POST', '/api/submissions', { as: 'zhou-tao', body: memberReport({ reporter: 'zhang-wei', position: '党组书记、局长' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'data.reporter', message: expect.stringMatching(/本人/) }]);
    expect(await api.snapshot()).toEqual(before2);
    expect(await secretaryO4()).toEqual(before);
  });

  it('refuses a leader naming another leader, even one the form accepts', async () => {
    const res = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: memberReport({ reporter: 'li-na' }) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('data.reporter');
  });

  it('files a leader’s own report as theirs, not a proxy', async () => {
    const res = await api.call('POST', '/api/submissions', { as: 'wang-qiang', body: memberReport({ reporter: 'wang-qiang' }) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subject: 'wang-qiang', owner: 'wang-qiang', createdBy: 'wang-qiang', subjectName: '王强（示例）', createdByName: '王强（示例）' });
    expect(res.body.proxy).toBeUndefined();
  });

  it('lets the office file on the subject’s behalf (代填): marked, counted for the subject, the subject’s to edit', async () => {
    expect((await secretaryO4()).done).toBe(0);
    const filed = await api.call('POST', '/api/submissions', {
      as: 'sun-li',
      body: memberReport({ reporter: 'zhang-wei', position: '党组书记、局长' }),
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ subject: 'zhang-wei', owner: 'zhang-wei', createdBy: 'sun-li', proxy: true, subjectName: '张伟（示例）', createdByName: '孙丽（示例）' });
    const row = await secretaryO4();
    expect(row.done).toBe(1);
    expect(row.records).toEqual([filed.body.id]);

    // The subject sees it as their own and may edit it; the change keeps filer and 代填.
    const mine = await api.call('GET', '/api/submissions?scope=mine', { as: 'zhang-wei' });
    expect(mine.body.items.map((r: any) => r.id)).toContain(filed.body.id);
    const edited = await api.call('PUT', `/api/submissions/${filed.body.id}`, {
      as: 'zhang-wei',
      body: { data: { ...filed.body.data, remarks: '本人核对' }, version: 1 },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, subject: 'zhang-wei', createdBy: 'sun-li', proxy: true, updatedBy: 'zhang-wei' });
    const history = await api.call('GET', `/api/submissions/${filed.body.id}/history`, { as: 'zhang-wei' });
    expect(history.body.items.every((h: any) => h.proxy === true)).toBe(true);

    // A third person who cannot see it gets 404; one who sees it but is neither subject nor office, 403.
    const hidden = await api.call('PUT', `/api/submissions/${filed.body.id}`, { as: 'li-na', body: { data: filed.body.data, version: 2 } });
    expect(hidden.status).toBe(404);
    const hiddenWithdraw = await api.call('DELETE', `/api/submissions/${filed.body.id}`, { as: 'zhou-tao' });
    expect(hiddenWithdraw.status).toBe(404);
    // The subject cannot hand their record to someone else.
    const moved = await api.call('PUT', `/api/submissions/${filed.body.id}`, {
      as: 'zhang-wei',
      body: { data: { ...filed.body.data, reporter: 'li-na' }, version: 2 },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].path).toBe('data.reporter');
    expect((await api.call('GET', `/api/submissions/${filed.body.id}`, { as: 'sun-li' })).body.version).toBe(2);
  });

  it('answers 403 to someone who sees a record but is neither its subject nor the office', async () => {
    const filed = await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() });
    expect(filed.status).toBe(201);
    // The secretary sees the whole unit but does not own li-na's report.
    const edit = await api.call('PUT', `/api/submissions/${filed.body.id}`, { as: 'zhang-wei', body: { data: filed.body.data, version: 1 } });
    expect(edit.status).toBe(403);
    const withdraw = await api.call('DELETE', `/api/submissions/${filed.body.id}`, { as: 'zhang-wei' });
    expect(withdraw.status).toBe(403);
    // The office may withdraw it.
    expect((await api.call('DELETE', `/api/submissions/${filed.body.id}?version=1`, { as: 'liu-yang' })).status).toBe(204);
  });

  it('refuses a subject outside the unit’s roster', async () => {
    const res = await api.call('POST', '/api/submissions', { as: 'sun-li', body: memberReport({ reporter: 'other-leader' }) });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toContain('data.reporter');
  });
});
