/**
 * Rectification (整改销号, DESIGN §15) through the API on the embedded store: an inspection's
 * findings become items (idempotently, across edits), each role sees its items, and every step of
 * the lifecycle is allowed to exactly the roles the rules name (route × role), with the refusals
 * the brief fixes: a step from the wrong status 409 naming it, a close by anyone but the office
 * 403, an extension without a reason 400 with its path, a stale version 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/evidence.js';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

/** An inspection on 2026-11-20 (today is 2026-11-28 in the test clock) with these findings. */
const inspection = (findingsList: Record<string, unknown>[], over: Record<string, unknown> = {}) => ({
  templateId: 'inspection',
  data: { kind: '专项督查', date: '2026-11-20', division: 'policy', team: ['liu-yang', 'sun-li'], progress: '整改中', findingsList, ...over },
});
const FINDING = { description: '学习记录不全', division: 'policy', person: 'xu-jing', severity: '一般', requirement: '补齐本年度学习记录', deadline: '2026-12-10' };

function expectProblem(res: { status: number; body: any; headers: Headers }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
}

async function itemsOf(inspectionId: string, as = 'sun-li') {
  const res = await api.call('GET', `/api/rectifications?inspection=${inspectionId}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as any[];
}

async function step(id: string, as: string, body: Record<string, unknown>) {
  const current = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body.item;
  return api.call('POST', `/api/rectifications/${id}/transition`, { as, body: { version: current.version, ...body } });
}

/** A fresh item of one finding (policy, xu-jing), driven by the responsible person and the office to `status`. */
async function itemIn(status: '待整改' | '整改中' | '待销号' | '已销号'): Promise<string> {
  const created = await api.call('POST', '/api/submissions', { as: 'sun-li', body: inspection([FINDING]) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const [item] = await itemsOf(created.body.id);
  const id = item.id as string;
  const path: [string, Record<string, unknown>][] = [
    ['xu-jing', { action: 'report', measures: '已补齐上半年记录', progress: '正在补齐下半年' }],
    ['xu-jing', { action: 'submit' }],
    ['sun-li', { action: 'close' }],
  ];
  const steps = ['待整改', '整改中', '待销号', '已销号'].indexOf(status);
  for (const [as, body] of path.slice(0, steps)) expect((await step(id, as, body)).status).toBe(200);
  return id;
}

describe('findings become items', () => {
  let inspectionId: string;
  let first: any[];

  it('makes one numbered item per finding when an inspection is saved, each owned by its responsible person', async () => {
    const res = await api.call('POST', '/api/submissions', {
      as: 'sun-li',
      headers: { 'Idempotency-Key': 'rect-inspection-1' },
      body: inspection([FINDING, { description: '宣传栏未及时更新', division: 'services', person: 'wu-fang', deadline: '2026-11-25' }]),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    inspectionId = res.body.id;
    // Every row got a stable id, kept with the record.
    expect(res.body.data.findingsList.map((r: any) => r.id)).toEqual(['r1', 'r2']);
    first = await itemsOf(inspectionId);
    expect(first.map((i) => i.data.description).sort()).toEqual(['学习记录不全', '宣传栏未及时更新']);
    for (const item of first) {
      expect(item.number).toMatch(/^整改-2026-\d{3}$/);
      expect(item.data.status).toBe('待整改');
      expect(item.data.inspection).toBe(inspectionId);
      expect(item.data.inspectionNumber).toBe(res.body.number);
    }
    const byDesc = Object.fromEntries(first.map((i) => [i.data.description, i]));
    expect(byDesc['学习记录不全'].owner).toBe('xu-jing');
    expect(byDesc['学习记录不全'].division).toBe('policy');
    expect(byDesc['学习记录不全'].data.severity).toBe('一般');
    expect(byDesc['宣传栏未及时更新'].owner).toBe('wu-fang');
    // 2026-11-28 is after 2026-11-25: overdue; 2026-12-10 is still ahead.
    expect(byDesc['宣传栏未及时更新'].overdue).toBe(true);
    expect(byDesc['学习记录不全'].overdue).toBe(false);
  });

  it('makes no second item when the same create is retried', async () => {
    const res = await api.call('POST', '/api/submissions', {
      as: 'sun-li',
      headers: { 'Idempotency-Key': 'rect-inspection-1' },
      body: inspection([FINDING, { description: '宣传栏未及时更新', division: 'services', person: 'wu-fang', deadline: '2026-11-25' }]),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBe('true');
    expect(res.body.id).toBe(inspectionId);
    const again = await itemsOf(inspectionId);
    expect(again.map((i) => [i.id, i.number, i.version]).sort()).toEqual(first.map((i) => [i.id, i.number, i.version]).sort());
  });

  it('carries an edit of a row to its item, adds an item for a new row, and marks a removed row’s item 来源已删除', async () => {
    const record = (await api.call('GET', `/api/submissions/${inspectionId}`, { as: 'sun-li' })).body;
    const [r1] = record.data.findingsList;
    const res = await api.call('PUT', `/api/submissions/${inspectionId}`, {
      as: 'sun-li',
      body: { version: record.version, data: { ...record.data, findingsList: [{ ...r1, description: '学习记录不全，缺少研讨发言' }, { description: '工作群管理员未明确', division: 'policy', person: 'zhou-tao', deadline: '2026-12-20' }] } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const added = res.body.data.findingsList[1];
    expect(added.id).toMatch(/^[a-z0-9]{1,26}$/);
    expect(added.id).not.toBe('r2');
    const items = await itemsOf(inspectionId);
    expect(items).toHaveLength(3);
    const byRow = Object.fromEntries(items.map((i) => [i.data.rowId, i]));
    expect(byRow.r1.data.description).toBe('学习记录不全，缺少研讨发言');
    expect(byRow.r1.number).toBe(first.find((i) => i.data.rowId === 'r1').number);
    expect(byRow.r2.data.sourceDeleted).toBe(true);
    expect(byRow[added.id].owner).toBe('zhou-tao');
    // The edit is a version of the item, with who and why.
    const history = (await api.call('GET', `/api/rectifications/${byRow.r1.id}`, { as: 'sun-li' })).body.history;
    expect(history.at(-1)).toMatchObject({ change: 'update', by: 'sun-li' });
    expect(history.at(-1).reason).toContain('问题清单已修改');
  });

  it('marks the items of a withdrawn inspection 来源已删除, and clears the mark when it is restored', async () => {
    const created = await api.call('POST', '/api/submissions', { as: 'sun-li', body: inspection([{ ...FINDING, description: '撤回测试' }]) });
    const [item] = await itemsOf(created.body.id);
    expect((await api.call('DELETE', `/api/submissions/${created.body.id}?version=1`, { as: 'sun-li' })).status).toBe(204);
    const after = (await api.call('GET', `/api/rectifications/${item.id}`, { as: 'sun-li' })).body;
    expect(after.item.data.sourceDeleted).toBe(true);
    expect(after.history.at(-1).reason).toContain('已撤回');
    expect((await api.call('POST', `/api/submissions/${created.body.id}/restore`, { as: 'sun-li', body: { reason: '误撤回', version: 2 } })).status).toBe(200);
    expect((await api.call('GET', `/api/rectifications/${item.id}`, { as: 'sun-li' })).body.item.data.sourceDeleted).toBeUndefined();
  });

  it('refuses a row with a bad deadline under its own path, and writes nothing', async () => {
    const before = await api.snapshot();
    const res = await api.call('POST', '/api/submissions', { as: 'sun-li', body: inspection([FINDING, { description: '二', deadline: '2026-13-01' }]) });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: any) => e.path)).toContain('data.findingsList.1.deadline');
    expect(await api.snapshot()).toEqual(before);
  });

  it('keeps items out of the ordinary record routes: no filing one by hand, no editing one as a record', async () => {
    const [item] = await itemsOf(inspectionId);
    const put = await api.call('PUT', `/api/submissions/${item.id}`, { as: 'sun-li', body: { data: item.data, version: item.version } });
    expectProblem(put, 409);
    const post = await api.call('POST', '/api/submissions', { as: 'sun-li', body: { templateId: 'rectification', data: item.data } });
    expectProblem(post, 400);
    expect(post.body.errors[0].path).toBe('templateId');
  });
});

describe('who sees which items', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    const res = await api.call('POST', '/api/submissions', {
      as: 'sun-li',
      body: inspection([
        { description: '可见性-政策法规科', division: 'policy', person: 'xu-jing', deadline: '2026-12-01' },
        { description: '可见性-服务保障科', division: 'services', person: 'wu-fang', deadline: '2026-11-27' },
      ]),
    });
    const items = await itemsOf(res.body.id);
    ids = Object.fromEntries(items.map((i) => [i.data.description, i.id]));
  });
  const seen = async (as: string, query = '') =>
    ((await api.call('GET', `/api/rectifications?${query}`, { as })).body.items as any[]).map((i) => i.id).filter((id) => Object.values(ids).includes(id));

  it('shows the office and the secretary every item, a division head their division’s, the responsible person theirs, others none', async () => {
    const both = Object.values(ids).sort();
    expect((await seen('sun-li')).sort()).toEqual(both);
    expect((await seen('zhang-wei')).sort()).toEqual(both);
    expect(await seen('zhou-tao')).toEqual([ids['可见性-政策法规科']]);
    expect(await seen('xu-jing')).toEqual([ids['可见性-政策法规科']]);
    expect(await seen('wu-fang')).toEqual([ids['可见性-服务保障科']]);
    expect(await seen('li-na')).toEqual([]);
    expect(await seen('other-office')).toEqual([]);
  });

  it('filters by division, status, overdue and inspection', async () => {
    expect(await seen('sun-li', 'division=services')).toEqual([ids['可见性-服务保障科']]);
    expect(await seen('sun-li', 'overdue=1')).toEqual([ids['可见性-服务保障科']]);
    expect(await seen('sun-li', 'overdue=0')).toEqual([ids['可见性-政策法规科']]);
    expect((await seen('sun-li', 'status=待整改')).sort()).toEqual(Object.values(ids).sort());
    expect(await seen('sun-li', 'status=已销号')).toEqual([]);
    const all = (await api.call('GET', '/api/rectifications', { as: 'sun-li' })).body;
    expect(all.counts.total).toBe(all.items.length);
    expect(all.counts.open + all.counts.closed).toBe(all.counts.total);
  });

  it('answers a bad filter with 400 and its path', async () => {
    const res = await api.call('GET', '/api/rectifications?status=done', { as: 'sun-li' });
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('query.status');
    const div = await api.call('GET', '/api/rectifications?division=nowhere', { as: 'sun-li' });
    expectProblem(div, 400);
    expect(div.body.errors[0].path).toBe('query.division');
  });

  it('hides an item from whoever may not see it (404), whether or not it exists', async () => {
    expectProblem(await api.call('GET', `/api/rectifications/${ids['可见性-政策法规科']}`, { as: 'wu-fang' }), 404);
    expectProblem(await api.call('GET', `/api/rectifications/${ids['可见性-政策法规科']}`, { as: 'li-na' }), 404);
    expectProblem(await api.call('GET', '/api/rectifications/Znotanitem000000000000000000', { as: 'sun-li' }), 404);
  });
});

// Who may take each step, from the status it starts at. Roles: the secretary (sees all), a leader
// (sees none of it), the item's division head (zhou-tao, policy), the office (sun-li), the
// responsible person (xu-jing), another division's head (wu-fang, cannot see it).
type Row = [action: string, from: '待整改' | '整改中' | '待销号', body: Record<string, unknown>, secretary: number, leader: number, head: number, office: number, responsible: number, otherHead: number];
// prettier-ignore
const STEP_MATRIX: Row[] = [
  ['report', '待整改', { measures: '建立学习台账' },                         403, 404, 200, 403, 200, 404],
  ['submit', '整改中', {},                                                   403, 404, 200, 403, 200, 404],
  ['close',  '待销号', {},                                                   403, 404, 403, 200, 403, 404],
  ['return', '待销号', { reason: '佐证材料不足' },                           403, 404, 403, 200, 403, 404],
  ['extend', '整改中', { reason: '涉及年度总结，需延后', deadline: '2026-12-31' }, 403, 404, 403, 200, 403, 404],
];
const ROLE_USERS = ['zhang-wei', 'li-na', 'zhou-tao', 'sun-li', 'xu-jing', 'wu-fang'];
const TO: Record<string, string> = { report: '整改中', submit: '待销号', close: '已销号', return: '整改中', extend: '整改中' };

describe('the lifecycle, route × role', () => {
  for (const [action, from, body, ...expected] of STEP_MATRIX) {
    ROLE_USERS.forEach((as, i) => {
      it(`${action} from ${from} by ${as}: ${expected[i]}`, async () => {
        const id = await itemIn(from);
        const before = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body.item;
        const res = await step(id, as, { action, ...body });
        if (expected[i] === 200) {
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(res.body.data.status).toBe(TO[action]);
          expect(res.body.version).toBe(before.version + 1);
          const { history } = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body;
          expect(history.at(-1)).toMatchObject({ change: 'transition', by: as, version: before.version + 1 });
          if (body.reason) expect(history.at(-1).reason).toContain(body.reason);
        } else {
          expectProblem(res, expected[i]!);
          const after = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body.item;
          expect(after.version).toBe(before.version);
        }
      });
    });
  }
});

describe('the lifecycle’s rules', () => {
  it('refuses a step from the wrong status with 409 naming the current status', async () => {
    const id = await itemIn('待整改');
    const close = await step(id, 'sun-li', { action: 'close' });
    expectProblem(close, 409);
    expect(close.body.detail).toContain('「待整改」');
    const submit = await step(id, 'xu-jing', { action: 'submit' });
    expectProblem(submit, 409);
    expect(submit.body.detail).toContain('「待整改」');
    const closed = await itemIn('已销号');
    const report = await step(closed, 'xu-jing', { action: 'report', measures: '再补充' });
    expectProblem(report, 409);
    expect(report.body.detail).toContain('「已销号」');
    expectProblem(await step(closed, 'sun-li', { action: 'extend', reason: '再延期', deadline: '2027-01-31' }), 409);
  });

  it('lets only the office close: the responsible person’s close is a 403', async () => {
    const id = await itemIn('待销号');
    const res = await step(id, 'xu-jing', { action: 'close' });
    expectProblem(res, 403);
    expect(res.body.detail).toContain('办公室');
    const ok = await step(id, 'sun-li', { action: 'close' });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ status: '已销号', closedBy: 'sun-li', closedOn: '2026-11-28' });
  });

  it('needs a reason, and a later date, to extend a deadline (400 with the path)', async () => {
    const id = await itemIn('整改中');
    const bare = await step(id, 'sun-li', { action: 'extend', deadline: '2026-12-31' });
    expectProblem(bare, 400);
    expect(bare.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
    const earlier = await step(id, 'sun-li', { action: 'extend', deadline: '2026-12-05', reason: '提前' });
    expectProblem(earlier, 400);
    expect(earlier.body.errors).toEqual([expect.objectContaining({ path: 'deadline' })]);
    const ok = await step(id, 'sun-li', { action: 'extend', deadline: '2026-12-31', reason: '涉及年度总结' });
    expect(ok.status).toBe(200);
    expect(ok.body.data.deadline).toBe('2026-12-31');
    expect(ok.body.data.status).toBe('整改中');
  });

  it('needs a reason to return an item, and a returned item goes back to 整改中 with the reason in its history', async () => {
    const id = await itemIn('待销号');
    const bare = await step(id, 'sun-li', { action: 'return' });
    expectProblem(bare, 400);
    expect(bare.body.errors[0].path).toBe('reason');
    expect((await step(id, 'sun-li', { action: 'return', reason: '佐证材料不足' })).status).toBe(200);
    const { item, history, actions } = (await api.call('GET', `/api/rectifications/${id}`, { as: 'xu-jing' })).body;
    expect(item.data.status).toBe('整改中');
    expect(history.map((h: any) => h.change)).toEqual(['create', 'transition', 'transition', 'transition']);
    expect(history.at(-1)).toMatchObject({ by: 'sun-li', reason: '佐证材料不足', byName: '孙丽（示例）' });
    expect(actions).toEqual(['report', 'submit']);
  });

  it('refuses a stale version with 409 and the current item', async () => {
    const id = await itemIn('待整改');
    const res = await api.call('POST', `/api/rectifications/${id}/transition`, { as: 'xu-jing', body: { action: 'report', measures: '一', version: 7 } });
    expectProblem(res, 409);
    expect(res.body.current.version).toBe(1);
    const put = await api.call('PUT', `/api/rectifications/${id}`, { as: 'xu-jing', body: { measures: '一', version: 7 } });
    expectProblem(put, 409);
  });

  it('saves measures with PUT for the responsible side, without a step, and not once it is reported done', async () => {
    const id = await itemIn('待整改');
    const put = await api.call('PUT', `/api/rectifications/${id}`, { as: 'zhou-tao', body: { measures: '科室研究整改方案', version: 1 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.data).toMatchObject({ measures: '科室研究整改方案', status: '待整改' });
    expectProblem(await api.call('PUT', `/api/rectifications/${id}`, { as: 'sun-li', body: { measures: '办公室代写', version: 2 } }), 403);
    const done = await itemIn('待销号');
    expectProblem(await api.call('PUT', `/api/rectifications/${done}`, { as: 'xu-jing', body: { measures: '改', version: 3 } }), 409);
  });

  it('answers a malformed step with 400 naming the field', async () => {
    const id = await itemIn('待整改');
    const res = await api.call('POST', `/api/rectifications/${id}/transition`, { as: 'xu-jing', body: { action: 'finish', version: 1 } });
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('action');
    const empty = await api.call('POST', `/api/rectifications/${id}/transition`, { as: 'xu-jing', body: { action: 'report', version: 1 } });
    expectProblem(empty, 400);
    expect(empty.body.errors[0].path).toBe('measures');
  });

  it('takes evidence from the responsible person and their division head, as a version of the item', async () => {
    const id = await itemIn('整改中');
    const photo = fixture('photo.jpg');
    for (const as of ['xu-jing', 'zhou-tao']) {
      const signed = await api.call('POST', `/api/submissions/${id}/attachments`, { as, body: { name: `整改照片-${as}.jpg`, size: photo.length } });
      expect(signed.status, JSON.stringify(signed.body)).toBe(201);
      const form = new FormData();
      for (const [k, v] of Object.entries(signed.body.upload.fields as Record<string, string>)) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(photo)]), '整改照片.jpg');
      expect((await fetch(new URL(signed.body.upload.url, api.url), { method: 'POST', body: form })).status).toBe(204);
      const fin = await api.call('POST', `/api/submissions/${id}/attachments/${signed.body.attachmentId}/finalise`, { as });
      expect(fin.status, JSON.stringify(fin.body)).toBe(200);
    }
    expectProblem(await api.call('POST', `/api/submissions/${id}/attachments`, { as: 'wu-fang', body: { name: '照片.jpg', size: photo.length } }), 404);
    const { item, history } = (await api.call('GET', `/api/rectifications/${id}`, { as: 'sun-li' })).body;
    expect(item.attachments.map((a: any) => a.name)).toEqual(['整改照片-xu-jing.jpg', '整改照片-zhou-tao.jpg']);
    expect(history.slice(-2).map((h: any) => [h.change, h.by])).toEqual([['attach', 'xu-jing'], ['attach', 'zhou-tao']]);
  });
});

describe('the assessment', () => {
  it('deducts for each item of the year overdue today, as the scheme says (A11, an example)', async () => {
    const overdue = (await api.call('GET', '/api/rectifications?overdue=1', { as: 'sun-li' })).body.items as any[];
    expect(overdue.length).toBeGreaterThan(0);
    const sheet = (await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' })).body;
    const a11 = sheet.items.find((i: any) => i.id === 'A11');
    expect(a11.missed).toBe(overdue.length);
    expect(a11.computedDeduction).toBe(Math.min(a11.standard, overdue.length * 1));
    expect(a11.evidence.sort()).toEqual(overdue.map((i) => i.id).sort());
    expect(a11.reasons[0]).toContain(overdue[0].number);
    expect(sheet.standardTotal).toBe(100);
  });
});
