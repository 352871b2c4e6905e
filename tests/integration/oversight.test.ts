import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';

// The example organisation with its example records; the clock shows 2026-11-28.
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ demo: true });
});
afterAll(() => api.close());

const subjects = (rows: { obligationId: string; subject: { id: string } }[]) =>
  [...new Set(rows.map((r) => `${r.obligationId}:${r.subject.id}`))].sort();

describe('GET /api/compliance', () => {
  it('gives the office the whole unit and lists the missing members by name', async () => {
    const res = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'sun-li' });
    expect(res.status).toBe(200);
    expect(res.body.periodLabel).toBe('2026年下半年');
    const names = res.body.missing.filter((m: { obligationId: string }) => m.obligationId === 'O4').map((m: { subject: { name: string } }) => m.subject.name);
    expect(names.sort()).toEqual(['张伟（示例）', '王强（示例）', '赵敏（示例）'].sort());
    const statuses = new Set(res.body.rows.map((r: { status: string }) => r.status));
    for (const s of ['met', 'in-progress', 'missed']) expect(statuses).toContain(s);
  });

  it('gives the secretary the same picture as the office', async () => {
    const office = await api.call('GET', '/api/compliance?period=2026', { as: 'sun-li' });
    const secretary = await api.call('GET', '/api/compliance?period=2026', { as: 'zhang-wei' });
    expect(secretary.body.rows).toEqual(office.body.rows);
  });

  it('gives a leader only their own rows', async () => {
    const res = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'li-na' });
    expect(res.status).toBe(200);
    expect(subjects(res.body.rows)).toEqual(['O4:li-na', 'O6b:li-na']);
  });

  it("gives a division head their division's rows, and none when the division owes nothing", async () => {
    const center = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'huang-lei' });
    expect(subjects(center.body.rows)).toEqual(['O8:center']);
    const policy = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'zhou-tao' });
    expect(policy.body.rows).toEqual([]);
  });

  it('keeps units apart', async () => {
    const res = await api.call('GET', '/api/compliance?period=2026-H2', { as: 'other-office' });
    expect(res.status).toBe(200);
    expect(res.body.unit).toBe('other-bureau');
    expect(res.body.rows.every((r: { done: number }) => r.done === 0)).toBe(true);
  });

  it('refuses a missing, malformed or unknown period parameter', async () => {
    for (const q of ['', '?period=2026-H3', '?period=26', '?period=2026&x=1']) {
      const res = await api.call('GET', `/api/compliance${q}`, { as: 'sun-li' });
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0].path).toMatch(/^query\./);
    }
  });
});

describe('GET /api/me/obligations', () => {
  it('tells a leader what they owe now, with due dates', async () => {
    const res = await api.call('GET', '/api/me/obligations', { as: 'wang-qiang' });
    expect(res.status).toBe(200);
    const h2 = res.body.items.find((i: { obligationId: string }) => i.obligationId === 'O4');
    expect(h2).toMatchObject({ period: '2026-H2', due: '2026-12-31', daysLeft: 33, status: 'in-progress', form: 'member-report' });
  });

  it('tells a division head running a position what their division owes', async () => {
    const res = await api.call('GET', '/api/me/obligations', { as: 'huang-lei' });
    expect(res.body.items.map((i: { obligationId: string; period: string }) => `${i.obligationId} ${i.period}`)).toEqual(['O8 2026-Q4']);
  });

  it("gives the office the unit's running obligations", async () => {
    const res = await api.call('GET', '/api/me/obligations', { as: 'sun-li' });
    const ids = res.body.items.map((i: { obligationId: string }) => i.obligationId);
    expect(ids).toEqual(expect.arrayContaining(['O1', 'O3', 'O7']));
  });
});

describe('assessment', () => {
  it('scores the year with deductions and their reasons', async () => {
    const res = await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' });
    expect(res.status).toBe(200);
    expect(res.body.standardTotal).toBe(100);
    const a8 = res.body.items.find((i: { id: string }) => i.id === 'A8');
    // The information centre missed its second- and third-quarter checks: 2 × 2 points.
    expect(a8).toMatchObject({ missed: 2, computedDeduction: 4, score: 6 });
    expect(a8.reasons.join('\n')).toMatch(/2026年第二季度信息中心/);
    expect(res.body.complete).toBe(false);
    expect(res.body.total).toBe(res.body.items.reduce((n: number, i: { score: number | null }) => n + (i.score ?? 0), 0));
  });

  it('lets only the office and the secretary see it', async () => {
    expect((await api.call('GET', '/api/assessment?period=2026', { as: 'zhang-wei' })).status).toBe(200);
    for (const who of ['li-na', 'zhou-tao']) expect((await api.call('GET', '/api/assessment?period=2026', { as: who })).status).toBe(403);
  });

  it('takes a manual score with its reason, keeps every entry, and refuses bad ones', async () => {
    const set = await api.call('PUT', '/api/assessment/2026/items/A10', { as: 'sun-li', body: { score: 8, reason: '舆情处置及时，回应稍慢' } });
    expect(set.status).toBe(200);
    const a10 = set.body.items.find((i: { id: string }) => i.id === 'A10');
    expect(a10).toMatchObject({ score: 8, deduction: 2, override: { reason: '舆情处置及时，回应稍慢', by: 'sun-li', byName: '孙丽（示例）' } });
    expect(set.body.complete).toBe(true);
    await api.call('PUT', '/api/assessment/2026/items/A10', { as: 'sun-li', body: { score: 9, reason: '复核后调整' } });
    const again = await api.call('GET', '/api/assessment?period=2026', { as: 'sun-li' });
    const line = again.body.items.find((i: { id: string }) => i.id === 'A10');
    expect(line.score).toBe(9);
    expect(line.history.map((h: { score: number }) => h.score)).toEqual([8, 9]);

    const bad = [
      [{ score: 11, reason: '超过标准分' }, 'score'],
      [{ score: 5 }, 'reason'],
      [{ score: 5, reason: ' ' }, 'reason'],
      [{ score: -1, reason: '负分' }, 'score'],
      [{ clear: true, reason: '人工项目不能清空' }, 'score'],
      [{ score: null, reason: 'null 不再表示清除' }, 'score'],
      [{ score: 5, reason: '多余字段', extra: 1 }, 'extra'],
    ] as const;
    for (const [body, path] of bad) {
      const res = await api.call('PUT', '/api/assessment/2026/items/A10', { as: 'sun-li', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await api.call('PUT', '/api/assessment/2026/items/Z9', { as: 'sun-li', body: { score: 1, reason: '没有这项' } })).status).toBe(404);
    expect((await api.call('PUT', '/api/assessment/2026-H9/items/A10', { as: 'sun-li', body: { score: 1, reason: '期间错误' } })).status).toBe(400);
  });

  it('overrides a computed item with a reason, and clears the override again', async () => {
    const over = await api.call('PUT', '/api/assessment/2026/items/A8', { as: 'sun-li', body: { score: 10, reason: '信息中心网站已关停，不再考核' } });
    expect(over.body.items.find((i: { id: string }) => i.id === 'A8')).toMatchObject({ score: 10, computedDeduction: 4 });
    const cleared = await api.call('PUT', '/api/assessment/2026/items/A8', { as: 'sun-li', body: { clear: true, reason: '撤销调整' } });
    const a8 = cleared.body.items.find((i: { id: string }) => i.id === 'A8');
    expect(a8.score).toBe(6);
    expect(a8.history).toHaveLength(2);
  });

  it('lets only the office set scores', async () => {
    for (const who of ['zhang-wei', 'li-na', 'zhou-tao'])
      expect((await api.call('PUT', '/api/assessment/2026/items/A10', { as: who, body: { score: 1, reason: '无权评分' } })).status).toBe(403);
  });
});

describe('reminders', () => {
  it('lists who owes what with days left, for the office only', async () => {
    const res = await api.call('GET', '/api/reminders', { as: 'sun-li' });
    expect(res.status).toBe(200);
    const wang = res.body.items.find((r: { to: { id: string }; obligationId: string }) => r.to.id === 'wang-qiang' && r.obligationId === 'O4');
    expect(wang).toMatchObject({ daysLeft: 33, missing: 1, periodLabel: '2026年下半年' });
    const centre = res.body.items.find((r: { obligationId: string; subject: string }) => r.obligationId === 'O8' && r.subject === '信息中心');
    expect(centre.to.id).toBe('huang-lei');
    for (const who of ['zhang-wei', 'li-na']) expect((await api.call('GET', '/api/reminders', { as: who })).status).toBe(403);
  });

  it('sends them through the configured channel', async () => {
    const list = await api.call('GET', '/api/reminders', { as: 'sun-li' });
    const res = await api.call('POST', '/api/reminders/send', { as: 'sun-li', body: { all: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ channel: 'log', sent: list.body.items.length });
    expect((await api.call('POST', '/api/reminders/send', { as: 'li-na', body: { all: true } })).status).toBe(403);
  });
});
