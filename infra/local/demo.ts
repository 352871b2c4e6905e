/**
 * Example records for the example organisation, loaded with it on the first `npm start`, so
 * that the office sees a plausible year: some obligations met, some in progress, some missed,
 * one record entered late. Every record says it is an example. Dates fall in the current
 * year once it is past September; earlier in a year, in the year before.
 */
import { formatNumber } from '../../functions/core/records/submissions.js';
import { compileSchema } from '../../functions/core/templates/schema.js';
import { assignRowIds, syncFindings } from '../../functions/core/rectification/findings.js';
import type { Catalog } from '../../functions/core/templates/catalog.js';
import { formatPeriod, periodOf, shanghaiDate } from '../../functions/core/periods.js';
import type { RecordState, RecordStore } from '../../functions/core/records/record.js';
import type { Organisation } from '../../functions/core/templates/templates.js';

const NOTE = '示例数据';

export interface DemoRecord {
  templateId: string;
  owner: string;
  /** Month-day of the activity; the year is the demo year. */
  on: string;
  /** Days after the activity that it was entered (default 2). */
  enteredAfter?: number;
  data: Record<string, unknown>;
}

const meeting = (on: string, n: number): DemoRecord => ({
  templateId: 'party-group-meeting',
  owner: 'sun-li',
  on,
  data: {
    meetingName: `第${n}次党组会议（示例）`,
    location: '局三楼会议室',
    host: 'zhang-wei',
    attendees: ['zhang-wei', 'li-na', 'wang-qiang'],
    expected: 4,
    attended: 3,
    absentees: '陈杰（示例）：出差',
    topics: '研究部署意识形态工作（示例）',
    content: '传达学习上级关于意识形态工作的部署，研究本局贯彻落实措施。（示例）',
    recorder: 'sun-li',
    remarks: NOTE,
  },
});

const study = (on: string, sessionType: string, topic: string): DemoRecord => ({
  templateId: 'study-session',
  owner: 'sun-li',
  on,
  data: {
    sessionType,
    location: '局三楼会议室',
    format: '集中学习',
    topic: `${topic}（示例）`,
    content: '集中学习有关文件精神，交流学习体会。（示例）',
    host: 'zhang-wei',
    expected: 12,
    attended: 11,
    absentees: '1人请假（示例）',
    recorder: 'sun-li',
    remarks: NOTE,
  },
});

const report = (on: string, reporter: string, position: string): DemoRecord => ({
  templateId: 'member-report',
  owner: reporter,
  on,
  data: {
    reporter,
    position,
    reportType: '综合汇报',
    summary: '分管领域意识形态工作开展情况、存在问题和下一步打算。（示例）',
    remarks: NOTE,
  },
});

const check = (on: string, division: string, admin: string, name: string, enteredAfter?: number): DemoRecord => ({
  templateId: 'position-check',
  owner: admin,
  on,
  enteredAfter,
  data: {
    positionType: '微信公众号',
    positionName: `${name}（示例）`,
    division,
    admin,
    status: '正常',
    findings: '发布内容均经三审，未发现问题。（示例）',
    checker: admin,
    remarks: NOTE,
  },
});

const DEMO: DemoRecord[] = [
  meeting('03-12', 3),
  study('04-16', '意识形态专题学习', '意识形态工作责任制专题学习'),
  study('02-20', '理论学习中心组学习', '第一季度中心组集中学习'),
  study('05-21', '理论学习中心组学习', '第二季度中心组集中学习'),
  study('08-27', '党员大会', '第三季度党员大会学习'),
  {
    templateId: 'situation-analysis',
    owner: 'sun-li',
    on: '06-20',
    data: {
      format: '党组会议',
      host: 'zhang-wei',
      participants: ['zhang-wei', 'li-na', 'wang-qiang', 'chen-jie'],
      domains: ['新闻舆论', '网上舆情'],
      overview: '上半年本局意识形态领域总体平稳。（示例）',
      risks: '个别工作群管理不够规范。（示例）',
      riskLevel: '低',
      measures: '落实工作群管理员责任，开展一次专项检查。（示例）',
      responsibleDivision: 'office',
      remarks: NOTE,
    },
  },
  report('06-10', 'zhang-wei', '党组书记、局长'),
  report('06-11', 'li-na', '党组成员、副局长'),
  report('06-12', 'wang-qiang', '党组成员、副局长'),
  report('06-15', 'chen-jie', '党组成员、副局长'),
  report('11-05', 'li-na', '党组成员、副局长'),
  {
    templateId: 'inspection',
    owner: 'sun-li',
    on: '05-28',
    data: {
      kind: '综合检查',
      division: 'services',
      team: ['liu-yang', 'sun-li'],
      findings: '台账资料基本齐全，个别记录不够详细。（示例）',
      progress: '已整改',
      remarks: NOTE,
    },
  },
  {
    templateId: 'inspection',
    owner: 'sun-li',
    on: '06-18',
    data: {
      kind: '专项督查',
      division: 'policy',
      team: ['liu-yang', 'sun-li'],
      findings: '专项督查意识形态工作责任制落实情况，发现两个问题，已逐条交办整改。（示例）',
      findingsList: [
        { description: '理论学习记录不完整，缺少研讨发言记录（示例）', division: 'policy', person: 'zhou-tao', severity: '一般', requirement: '补齐本年度学习记录并建立研讨发言登记（示例）', deadline: '10-31' },
        { description: '科室工作群未明确管理员（示例）', division: 'policy', person: 'xu-jing', severity: '较重', requirement: '明确群管理员并落实审核制度（示例）', deadline: '12-31' },
      ],
      progress: '整改中',
      remarks: NOTE,
    },
  },
  check('03-25', 'office', 'sun-li', 'XX局政务公众号'),
  check('06-24', 'office', 'sun-li', 'XX局政务公众号'),
  check('09-22', 'office', 'sun-li', 'XX局政务公众号', 33),
  check('03-28', 'center', 'huang-lei', 'XX局门户网站'),
  {
    templateId: 'opinion-response',
    owner: 'sun-li',
    on: '07-14',
    data: {
      channel: '本地论坛',
      summary: '网帖反映办事窗口排队时间较长。（示例）',
      division: 'services',
      level: '一般',
      measures: '核实情况，增开窗口，当日回复。（示例）',
      response: '当日通过官方账号回应。（示例）',
      responsible: 'wu-fang',
      remarks: NOTE,
    },
  },
];

/** The year the demo records fall in. */
export function demoYear(today: string): number {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) >= 10 ? year : year - 1;
}

/**
 * A few example records for a smaller example unit of the county: the XX局's meeting, study and
 * reports with the unit's own secretary, leader and office person in the roles; how many depends on
 * `share` (0–1), so the county's units rank differently.
 */
export function smallUnitDemo(org: Organisation, share: number): DemoRecord[] {
  const holder = (role: string) => org.people.find((p) => p.roles.some((r) => r.role === role))?.id;
  const [secretary, leader, office] = [holder('secretary'), holder('leader'), holder('office')];
  if (!secretary || !leader || !office) throw new Error(`example records: ${org.unit.id} needs a secretary, a leader and an office person`);
  const swap = (d: DemoRecord): DemoRecord => {
    const map: Record<string, string> = { 'zhang-wei': secretary, 'li-na': leader, 'wang-qiang': leader, 'chen-jie': leader, 'sun-li': office };
    const sub = (v: unknown): unknown => (typeof v === 'string' ? (map[v] ?? v) : Array.isArray(v) ? [...new Set(v.map(sub))] : v);
    return { ...d, owner: map[d.owner] ?? d.owner, data: Object.fromEntries(Object.entries(d.data).map(([k, v]) => [k, sub(v)])) };
  };
  const all = [
    meeting('03-18', 1),
    study('04-22', '意识形态专题学习', '意识形态工作责任制专题学习'),
    study('03-05', '理论学习中心组学习', '第一季度集中学习'),
    report('06-16', leader, '副馆长'),
    meeting('09-09', 2),
    study('06-18', '理论学习中心组学习', '第二季度集中学习'),
  ].map(swap);
  return all.slice(0, Math.max(1, Math.round(all.length * share)));
}

/** Writes the example records (ids fixed, so a second run writes nothing new). */
export async function loadDemoRecords(
  catalog: Catalog,
  org: Organisation,
  records: RecordStore,
  now: Date,
  list: DemoRecord[] = DEMO,
  idPrefix = 'DEMO',
): Promise<number> {
  const today = shanghaiDate(now);
  const year = demoYear(today);
  // Every record is built and checked before the first is written: an organisation the examples do not
  // fit fails here, with nothing half-loaded.
  const states: RecordState[] = [];
  for (const [i, d] of list.entries()) {
    const form = catalog.form(d.templateId)!;
    const date = `${year}-${d.on}`;
    // Deadlines of findings are month-days of the demo year, as activity dates are.
    const rows = Array.isArray(d.data.findingsList)
      ? { findingsList: (d.data.findingsList as Record<string, unknown>[]).map((r) => ({ ...r, deadline: `${year}-${String(r.deadline)}` })) }
      : {};
    const data = assignRowIds(catalog, form, compileSchema(form, { org, today }).parse({ ...d.data, ...rows, [form.dateField]: date }), true);
    const entered = new Date(Date.parse(`${date}T10:00:00+08:00`) + (d.enteredAfter ?? 2) * 86_400_000);
    const at = (entered < now ? entered : now).toISOString();
    const filer = org.people.find((p) => p.id === d.owner);
    if (!filer) throw new Error(`example records: ${d.owner} is not in ${org.unit.id}; they fit the example organisation only`);
    const id = `${idPrefix}${String(i).padStart(12 - idPrefix.length, '0')}${year}`;
    // A second run takes no number: the record is already there.
    if (await records.get(id)) continue;
    const subjectId = form.subjectField ? data[form.subjectField] : undefined;
    const subject = typeof subjectId === 'string' ? org.people.find((p) => p.id === subjectId) : undefined;
    const owner = subject ?? filer;
    const seq = await records.nextNumber(org.unit.id, form.id, Number(date.slice(0, 4)));
    const state: RecordState = {
      id,
      unit: org.unit.id,
      templateId: form.id,
      version: 1,
      status: 'active',
      date,
      period: formatPeriod(periodOf(date, form.period)),
      owner: owner.id,
      division: owner.division,
      data,
      number: formatNumber(form.code ?? form.id, Number(date.slice(0, 4)), seq),
      ...(subject ? { subject: subject.id, subjectName: subject.name } : {}),
      ...(subject && subject.id !== filer.id ? { proxy: true as const } : {}),
      // Reviewed forms' examples await review, so the office's queue has something in it.
      ...(form.review ? { review: { state: 'pending' as const } } : {}),
      createdAt: at,
      createdBy: filer.id,
      createdByName: filer.name,
      updatedAt: at,
      updatedBy: filer.id,
    };
    states.push(state);
  }
  let written = 0;
  for (const state of states) {
    if ((await records.create(state, 'demo')).outcome === 'created') written++;
    // An example inspection's findings become items, as a saved inspection's do.
    await syncFindings({ catalog, records, now: () => new Date(state.createdAt) }, org, state);
  }
  return written;
}

/** The example county's orgs to load beside the example organisation (its third unit). */
export function exampleCountyOrgs(catalog: Catalog): Organisation[] {
  return [catalog.exampleCounty.county, ...catalog.exampleCounty.units];
}

/** The smaller example units' records: the first unit gets most of its list, the second fewer. */
export async function loadCountyDemoRecords(catalog: Catalog, records: RecordStore, now: Date): Promise<number> {
  let written = 0;
  for (const [i, org] of catalog.exampleCounty.units.entries())
    written += await loadDemoRecords(catalog, org, records, now, smallUnitDemo(org, i === 0 ? 1 : 0.5), `DEMOU${i}`);
  return written;
}
