/** Test data beside the shipped example: a second unit, and valid records for each form. */
import type { RecordState } from '../../functions/core/records/record.js';
import type { Organisation } from '../../functions/core/templates/templates.js';

/** A second unit, to prove that nobody sees another unit's records. */
export const OTHER_UNIT: Organisation = {
  unit: { id: 'other-bureau', name: '中共YY县YY局党组（测试）', shortName: 'YY局' },
  divisions: [{ id: 'office', name: '办公室' }],
  people: [
    { id: 'other-office', name: '测试办公室', title: '办公室主任', division: 'office', roles: [{ role: 'office', from: '2024-01-01' }] },
    { id: 'other-leader', name: '测试领导', title: '副局长', roles: [{ role: 'leader', from: '2024-01-01' }] },
  ],
};

/** A valid member report by li-na (a leader in the example organisation). */
export const memberReport = (overrides: Record<string, unknown> = {}) => ({
  templateId: 'member-report',
  data: {
    reporter: 'li-na',
    position: '党组成员、副局长',
    area: '政策法规、信息中心',
    reportDate: '2026-11-02',
    reportType: '综合汇报',
    summary: '下半年分管领域意识形态工作开展情况的综合汇报。',
    ...overrides,
  },
});

/** A valid study session hosted by the secretary. */
export const studySession = (overrides: Record<string, unknown> = {}) => ({
  templateId: 'study-session',
  data: {
    sessionType: '意识形态专题学习',
    date: '2026-09-15',
    location: '局三楼会议室',
    format: '集中学习',
    topic: '意识形态工作责任制专题学习',
    content: '学习《党委（党组）意识形态工作责任制实施办法》',
    host: 'zhang-wei',
    expected: 12,
    attended: 11,
    recorder: 'sun-li',
    ...overrides,
  },
});

/** A record as the store keeps it, for tests that talk to the store directly. */
export const storedRecord = (id: string, over: Partial<RecordState> = {}): RecordState => ({
  id,
  unit: 'u1',
  templateId: 'study-session',
  version: 1,
  status: 'active',
  date: '2026-03-01',
  period: '2026-03',
  owner: 'p1',
  division: 'd1',
  data: { topic: '第一版' },
  createdAt: '2026-03-01T00:00:00.000Z',
  createdBy: 'p1',
  updatedAt: '2026-03-01T00:00:00.000Z',
  updatedBy: 'p1',
  ...over,
});
