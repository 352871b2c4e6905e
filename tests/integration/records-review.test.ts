/** Review (审核, DESIGN §10): transitions, who may make them, the queue, and what compliance counts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCompliance } from '../../functions/core/compliance/compliance.js';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { parsePeriod } from '../../functions/core/periods.js';
import { startTestApi, TEMPLATES_DIR, exampleOrg, type TestApi } from '../helpers/api.js';
import { memberReport, storedRecord, studySession } from '../helpers/fixtures.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const fileReport = async (as = 'li-na', over: Record<string, unknown> = {}) => {
  const res = await api.call('POST', '/api/submissions', { as, body: memberReport({ reporter: as, ...over }) });
  expect(res.status).toBe(201);
  return res.body;
};

describe('review of a record', () => {
  it('starts a reviewed form’s record as pending, and leaves other forms without a review', async () => {
    expect((await fileReport()).review).toEqual({ state: 'pending' });
    const study = await api.call('POST', '/api/submissions', { as: 'sun-li', body: studySession() });
    expect(study.body.review).toBeUndefined();
    const refused = await api.call('POST', `/api/submissions/${study.body.id}/review`, { as: 'sun-li', body: { decision: 'approve', version: 1 } });
    expect(refused.status).toBe(409);
  });

  // route × role: who may approve li-na's pending report (see the access matrix for the roles).
  const cases: [who: string, role: string, status: number][] = [
    ['zhang-wei', 'secretary', 200],
    ['sun-li', 'office', 200],
    ['li-na', 'leader, the filer', 403],
    ['wang-qiang', 'another leader', 404],
    ['zhou-tao', 'division head', 404],
    ['xu-jing', 'staff', 404],
    ['other-office', 'another unit’s office', 404],
  ];
  for (const [who, role, status] of cases) {
    it(`answers the ${role} (${who}) ${status} on approve and on return`, async () => {
      for (const decision of ['approve', 'return'] as const) {
        const r = await fileReport();
        const before = await api.snapshot();
        const res = await api.call('POST', `/api/submissions/${r.id}/review`, { as: who, body: { decision, reason: '请补充问题部分', version: 1 } });
        expect(res.status, decision).toBe(status);
        if (status === 200) {
          expect(res.body.review).toMatchObject({ state: decision === 'approve' ? 'approved' : 'returned', by: who });
          expect(res.body.version).toBe(2);
        } else {
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(await api.snapshot(), 'a refusal writes nothing').toEqual(before);
        }
      }
    });
  }

  it('walks pending → returned (reason required) → resubmitted → approved → edited → pending, each a version in the history', async () => {
    const r = await fileReport();
    const noReason = await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'sun-li', body: { decision: 'return', version: 1 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ path: 'reason', message: expect.any(String) }]);
    const blank = await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'sun-li', body: { decision: 'return', reason: '   ', version: 1 } });
    expect(blank.status).toBe(400);

    const returned = await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'sun-li', body: { decision: 'return', reason: '请补充存在问题', version: 1 } });
    expect(returned.body.review).toEqual({ state: 'returned', by: 'sun-li', at: expect.any(String), reason: '请补充存在问题' });
    // A returned record is not reviewed again until it is resubmitted.
    expect((await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'sun-li', body: { decision: 'approve', version: 2 } })).status).toBe(409);

    const resubmitted = await api.call('PUT', `/api/submissions/${r.id}`, { as: 'li-na', body: { data: { ...r.data, problems: '基层阵地巡查不够' }, version: 2 } });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.review).toEqual({ state: 'pending' });

    const stale = await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'zhang-wei', body: { decision: 'approve', version: 2 } });
    expect(stale.status).toBe(409);
    const approved = await api.call('POST', `/api/submissions/${r.id}/review`, { as: 'zhang-wei', body: { decision: 'approve', version: 3 } });
    expect(approved.status).toBe(200);
    expect(approved.body.review).toMatchObject({ state: 'approved', by: 'zhang-wei' });

    const edited = await api.call('PUT', `/api/submissions/${r.id}`, { as: 'li-na', body: { data: { ...resubmitted.body.data, remarks: '补' }, version: 4 } });
    expect(edited.body.review).toEqual({ state: 'pending' });

    const history = await api.call('GET', `/api/submissions/${r.id}/history`, { as: 'li-na' });
    expect(history.body.items.map((h: any) => [h.change, h.review?.state, h.reason])).toEqual([
      ['create', 'pending', undefined],
      ['review', 'returned', '请补充存在问题'],
      ['update', 'pending', undefined],
      ['review', 'approved', undefined],
      ['update', 'pending', undefined],
    ]);
  });
});

describe('an obligation that counts only reviewed records', () => {
  const catalog = readCatalog(TEMPLATES_DIR);
  const obligations = { ...catalog.obligations, obligations: catalog.obligations.obligations.map((o) => (o.id === 'O4' ? { ...o, reviewedOnly: true } : o)) };
  const report = (review: 'pending' | 'approved' | 'returned') =>
    storedRecord('01REVIEWONLY0000000000000A', {
      unit: 'example-bureau',
      templateId: 'member-report',
      date: '2026-11-02',
      period: '2026-H2',
      owner: 'li-na',
      data: memberReport().data,
      review: { state: review },
    });
  const row = (review: 'pending' | 'approved' | 'returned') =>
    evaluateCompliance({ org: exampleOrg(), obligations, period: parsePeriod('2026-H2')!, asOf: '2027-01-20', records: [report(review)] }).rows.find(
      (r) => r.obligationId === 'O4' && r.subject.id === 'li-na',
    )!;

  it('turns met only when the record is approved', () => {
    expect(row('pending')).toMatchObject({ done: 0, status: 'missed', awaitingReview: 1 });
    expect(row('returned')).toMatchObject({ done: 0, status: 'missed', awaitingReview: 0 });
    expect(row('approved')).toMatchObject({ done: 1, status: 'met', awaitingReview: 0 });
  });
});
