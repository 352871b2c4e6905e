/** The review queue (GET /api/review-queue), in a table of its own so that it holds only what it files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport } from '../helpers/fixtures.js';

let fresh: TestApi;
beforeAll(async () => {
  fresh = await startTestApi();
});
afterAll(() => fresh.close());

describe('the review queue', () => {
  it('lists the pending records oldest first with counts per form, for the office and the secretary only', async () => {
    const a = await fresh.call('POST', '/api/submissions', { as: 'li-na', body: memberReport({ reportDate: '2026-10-05' }) });
    const b = await fresh.call('POST', '/api/submissions', { as: 'wang-qiang', body: memberReport({ reporter: 'wang-qiang', reportDate: '2026-07-05' }) });
    const c = await fresh.call('POST', '/api/submissions', { as: 'zhang-wei', body: memberReport({ reporter: 'zhang-wei', reportDate: '2026-08-05' }) });
    await fresh.call('POST', `/api/submissions/${c.body.id}/review`, { as: 'sun-li', body: { decision: 'approve', version: 1 } });
    const queue = await fresh.call('GET', '/api/review-queue', { as: 'zhang-wei' });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((r: any) => r.id)).toEqual([b.body.id, a.body.id]);
    expect(queue.body.counts).toEqual([
      { templateId: 'democratic-life', title: '民主生活会及述职报告', pending: 0 },
      { templateId: 'member-report', title: '班子成员专题汇报', pending: 2 },
    ]);
    expect((await fresh.call('GET', '/api/review-queue', { as: 'li-na' })).status).toBe(403);
    // The register filters by review state too.
    const pending = await fresh.call('GET', '/api/submissions?review=pending', { as: 'sun-li' });
    expect(pending.body.items.map((r: any) => r.id).sort()).toEqual([a.body.id, b.body.id].sort());
    // Compliance says how many await review (the shipped O4 counts them already).
    const compliance = await fresh.call('GET', '/api/compliance?period=2026-H2', { as: 'sun-li' });
    expect(compliance.body.awaitingReview).toBe(2);
    const o4 = compliance.body.rows.find((r: any) => r.obligationId === 'O4' && r.subject.id === 'li-na');
    expect(o4).toMatchObject({ done: 1, awaitingReview: 1, status: 'met' });
  });
});
