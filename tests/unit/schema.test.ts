import { resolve } from 'node:path';
import { describe, it, expect } from 'vitest';
import { readCatalog } from '../../functions/core/templates/catalog.js';
import { AppError } from '../../functions/core/errors.js';
import { compileSchema, EARLIEST_DATE, parseOrThrow, toFieldErrors, type FieldError } from '../../functions/core/templates/schema.js';
import { FIELD_TYPES, type FieldType } from '../../functions/core/templates/templates.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

const TODAY = '2026-11-28';
const catalog = readCatalog(resolve('templates'));
const org = catalog.exampleOrganisation;
const CHINESE = /[\u4e00-\u9fff]/;

type Data = Record<string, unknown>;

function schemaFor(formId: string) {
  const form = catalog.form(formId);
  if (!form) throw new Error(`test setup: no form ${formId}`);
  return compileSchema(form, { org, today: TODAY });
}

/** The field errors for a record's data, with paths as the API reports them (`data.<key>`). */
function errorsOf(formId: string, data: unknown): FieldError[] {
  const result = schemaFor(formId).safeParse(data);
  return result.success ? [] : toFieldErrors(result.error.issues, ['data']);
}

function without(data: Data, key: string): Data {
  const copy = { ...data };
  delete copy[key];
  return copy;
}

/** Valid data for each form the tests use; each is checked to be accepted as it stands. */
const valid: Record<string, () => Data> = {
  'study-session': () => studySession().data,
  'member-report': () => memberReport().data,
  'situation-analysis': () => ({
    date: '2026-10-20',
    format: '专题会议',
    host: 'zhang-wei',
    participants: ['zhang-wei', 'li-na', 'liu-yang'],
    domains: ['思想理论', '网上舆情'],
    overview: '本季度意识形态领域总体平稳。',
    measures: '加强门户网站和公众号内容审核。',
  }),
  'opinion-response': () => ({
    discoveredOn: '2026-10-08',
    channel: '微博',
    summary: '网民反映办事窗口排队时间较长。',
    level: '一般',
    measures: '核实情况并在官方账号说明改进措施。',
    responsible: 'liu-yang',
  }),
  inspection: () => ({
    kind: '综合检查',
    date: '2026-06-12',
    division: 'policy',
    team: ['liu-yang', 'sun-li'],
    findings: '学习记录不全。',
    progress: '无需整改',
  }),
};

function base(formId: string, overrides: Data = {}): Data {
  const make = valid[formId];
  if (!make) throw new Error(`test setup: no valid data for ${formId}`);
  return { ...make(), ...overrides };
}

interface Rejection {
  label: string;
  value: unknown;
  path: string;
  message?: string;
}

interface TypeCase {
  type: FieldType;
  form: string;
  key: string;
  accepted: unknown;
  rejected: Rejection[];
}

const typeCases: TypeCase[] = [
  {
    type: 'text',
    form: 'study-session',
    key: 'location',
    accepted: '局三楼会议室',
    rejected: [
      { label: 'a number', value: 301, path: 'data.location', message: '应为文本，收到的是数字' },
      { label: 'null', value: null, path: 'data.location', message: '应为文本，收到的是空值' },
      { label: 'a line break', value: '三楼\n会议室', path: 'data.location', message: '单行文本不能换行' },
      { label: 'text over maxLength', value: '室'.repeat(61), path: 'data.location', message: '最多 60 个字，现有 61 个字' },
    ],
  },
  {
    type: 'longtext',
    form: 'study-session',
    key: 'content',
    accepted: '学习篇目：\n一、……\n二、……',
    rejected: [
      { label: 'an empty string for a required field', value: '', path: 'data.content', message: '此项为必填项' },
      { label: 'only spaces for a required field', value: '  \n ', path: 'data.content', message: '此项为必填项' },
      { label: 'a list', value: ['学习'], path: 'data.content', message: '应为文本，收到的是列表' },
      { label: 'text over maxLength', value: '字'.repeat(5001), path: 'data.content', message: '最多 5000 个字，现有 5001 个字' },
    ],
  },
  {
    type: 'date',
    form: 'study-session',
    key: 'date',
    accepted: '2026-09-15',
    rejected: [
      { label: 'a day that does not exist', value: '2026-02-29', path: 'data.date', message: '应为有效日期，格式为 YYYY-MM-DD' },
      { label: 'slashes', value: '2026/09/15', path: 'data.date', message: '应为有效日期，格式为 YYYY-MM-DD' },
      { label: 'unpadded digits', value: '2026-9-15', path: 'data.date' },
      { label: 'a number', value: 20260915, path: 'data.date', message: '应为日期，收到的是数字' },
    ],
  },
  {
    type: 'number',
    form: 'inspection',
    key: 'deduction',
    accepted: 2.5,
    rejected: [
      { label: 'a numeric string', value: '2.5', path: 'data.deduction', message: '应为数字，收到的是文本' },
      { label: 'a boolean', value: true, path: 'data.deduction', message: '应为数字，收到的是是/否' },
      { label: 'a value under min', value: -0.5, path: 'data.deduction', message: '不能小于 0' },
      { label: 'a value over max', value: 100.5, path: 'data.deduction', message: '不能大于 100' },
    ],
  },
  {
    type: 'integer',
    form: 'study-session',
    key: 'attended',
    accepted: 12,
    rejected: [
      { label: 'a fraction', value: 1.5, path: 'data.attended', message: '应为整数' },
      { label: 'a numeric string', value: '11', path: 'data.attended', message: '应为整数，收到的是文本' },
      { label: 'a value under min', value: -1, path: 'data.attended', message: '不能小于 0' },
      { label: 'a value over max', value: 501, path: 'data.attended', message: '不能大于 500' },
    ],
  },
  {
    type: 'select',
    form: 'study-session',
    key: 'format',
    accepted: '专题研讨',
    rejected: [
      { label: 'a value not among the options', value: '讲座', path: 'data.format' },
      { label: 'an empty string', value: '', path: 'data.format' },
      { label: 'a list holding an option', value: ['集中学习'], path: 'data.format', message: '应为选项，收到的是列表' },
    ],
  },
  {
    type: 'multiselect',
    form: 'situation-analysis',
    key: 'domains',
    accepted: ['社会舆情'],
    rejected: [
      { label: 'an option not in the list', value: ['思想理论', '其他'], path: 'data.domains.1' },
      { label: 'a bare string', value: '社会舆情', path: 'data.domains', message: '应为列表，收到的是文本' },
      { label: 'an empty list for a required field', value: [], path: 'data.domains', message: '至少选择 1 项' },
      { label: 'the same option twice', value: ['社会舆情', '社会舆情'], path: 'data.domains', message: '不能重复选择' },
    ],
  },
  {
    type: 'person',
    form: 'study-session',
    key: 'host',
    accepted: 'li-na',
    rejected: [
      { label: 'someone not in the organisation', value: 'nobody', path: 'data.host', message: '组织中没有这个人员' },
      { label: 'a name instead of an id', value: '李娜（示例）', path: 'data.host', message: '组织中没有这个人员' },
      { label: 'a number', value: 7, path: 'data.host', message: '应为人员编号，收到的是数字' },
    ],
  },
  {
    type: 'people',
    form: 'situation-analysis',
    key: 'participants',
    accepted: ['li-na', 'zhou-tao'],
    rejected: [
      { label: 'someone not in the organisation', value: ['li-na', 'nobody'], path: 'data.participants.1', message: '组织中没有这个人员' },
      { label: 'the same person twice', value: ['li-na', 'zhou-tao', 'li-na'], path: 'data.participants', message: '不能重复选择' },
      { label: 'an empty list for a required field', value: [], path: 'data.participants', message: '至少选择 1 项' },
      { label: 'a bare id', value: 'li-na', path: 'data.participants', message: '应为列表，收到的是文本' },
    ],
  },
  {
    type: 'division',
    form: 'opinion-response',
    key: 'division',
    accepted: 'center',
    rejected: [
      { label: 'a division not in the organisation', value: 'hr', path: 'data.division', message: '组织中没有这个科室' },
      { label: 'a name instead of an id', value: '办公室', path: 'data.division', message: '组织中没有这个科室' },
      { label: 'a number', value: 3, path: 'data.division', message: '应为科室编号，收到的是数字' },
    ],
  },
  {
    type: 'rows',
    form: 'inspection',
    key: 'findingsList',
    accepted: [
      { id: 'r1', description: '学习记录不全', division: 'policy', person: 'zhou-tao', severity: '一般', requirement: '补齐记录', deadline: '2026-12-15' },
      { description: '宣传栏未更新' },
    ],
    rejected: [
      { label: 'a row without its description', value: [{ description: '有' }, { division: 'policy' }], path: 'data.findingsList.1.description', message: '此项为必填项' },
      { label: 'a bad deadline in the third row', value: [{ description: '一' }, { description: '二' }, { description: '三', deadline: '2026-02-30' }], path: 'data.findingsList.2.deadline', message: '应为有效日期，格式为 YYYY-MM-DD' },
      { label: 'a severity the template does not offer', value: [{ description: '一', severity: '特别严重' }], path: 'data.findingsList.0.severity', message: '应为以下选项之一：一般、较重、严重' },
      { label: 'a responsible person not in the organisation', value: [{ description: '一', person: 'nobody' }], path: 'data.findingsList.0.person', message: '组织中没有这个人员' },
      { label: 'two rows with one id', value: [{ id: 'a1', description: '一' }, { id: 'a1', description: '二' }], path: 'data.findingsList.1.id', message: '行编号重复' },
      { label: 'a key no row has', value: [{ description: '一', colour: '红' }], path: 'data.findingsList.0.colour', message: '未知字段，表单中没有这一项' },
      { label: 'more rows than the template allows', value: Array.from({ length: 31 }, () => ({ description: '一' })), path: 'data.findingsList', message: '最多 30 行，现有 31 行' },
      { label: 'a single row instead of a list', value: { description: '一' }, path: 'data.findingsList', message: '应为列表，收到的是对象' },
    ],
  },
  {
    type: 'boolean',
    form: 'opinion-response',
    key: 'secondary',
    accepted: false,
    rejected: [
      { label: 'the string "true"', value: 'true', path: 'data.secondary', message: '应为是/否，收到的是文本' },
      { label: 'the number 1', value: 1, path: 'data.secondary', message: '应为是/否，收到的是数字' },
      { label: 'null', value: null, path: 'data.secondary', message: '应为是/否，收到的是空值' },
    ],
  },
];

function expectChinese(errors: FieldError[]) {
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) expect(e.message).toMatch(CHINESE);
}

describe('record schema', () => {
  describe('the valid data used by these tests', () => {
    it.each(Object.keys(valid))('is accepted for %s', (formId) => {
      expect(errorsOf(formId, base(formId))).toEqual([]);
    });
  });

  it('covers every field type in the cases below', () => {
    expect(new Set(typeCases.map((c) => c.type))).toEqual(new Set(FIELD_TYPES));
  });

  for (const c of typeCases) {
    describe(`a ${c.type} field (${c.form}.${c.key})`, () => {
      it(`is of type ${c.type} in the template`, () => {
        expect(catalog.form(c.form)?.fields.find((f) => f.key === c.key)?.type).toBe(c.type);
      });

      it('accepts a valid value and returns it unchanged', () => {
        const result = schemaFor(c.form).safeParse(base(c.form, { [c.key]: c.accepted }));
        expect(result.success).toBe(true);
        expect(result.data?.[c.key]).toEqual(c.accepted);
      });

      it.each(c.rejected)('rejects $label under its own path', ({ value, path, message }) => {
        const errors = errorsOf(c.form, base(c.form, { [c.key]: value }));
        expectChinese(errors);
        expect(errors.map((e) => e.path)).toContain(path);
        if (message !== undefined) expect(errors).toContainEqual({ path, message });
      });
    });
  }

  describe('required and unknown fields', () => {
    it('names a missing required text field as 此项为必填项', () => {
      expect(errorsOf('study-session', without(base('study-session'), 'location'))).toEqual([
        { path: 'data.location', message: '此项为必填项' },
      ]);
    });

    it('names every missing required field of an empty record', () => {
      const errors = errorsOf('situation-analysis', {});
      const required = catalog.form('situation-analysis')!.fields.filter((f) => f.required).map((f) => `data.${f.key}`);
      expect(errors.map((e) => e.path).sort()).toEqual(required.sort());
      for (const e of errors) expect(e.message).toBe('此项为必填项');
    });

    it('accepts a record that leaves an optional field out', () => {
      const data = base('study-session');
      expect(data).not.toHaveProperty('speakers');
      expect(errorsOf('study-session', data)).toEqual([]);
    });

    it('rejects an unknown key under its own path', () => {
      expect(errorsOf('study-session', base('study-session', { venue: '会议室' }))).toEqual([
        { path: 'data.venue', message: '未知字段，表单中没有这一项' },
      ]);
    });

    it('rejects data that is not an object', () => {
      const errors = errorsOf('study-session', ['局三楼会议室']);
      expect(errors).toEqual([{ path: 'data', message: '应为对象，收到的是列表' }]);
    });
  });

  describe('text content', () => {
    it('rejects a carriage return in single-line text', () => {
      expect(errorsOf('study-session', base('study-session', { location: '三楼\r会议室' }))).toEqual([
        { path: 'data.location', message: '单行文本不能换行' },
      ]);
    });

    it('allows line breaks in longtext', () => {
      expect(errorsOf('study-session', base('study-session', { content: '第一篇\r\n第二篇\n第三篇' }))).toEqual([]);
    });

    it('allows a tab in single-line text', () => {
      expect(errorsOf('study-session', base('study-session', { location: '三楼\t会议室' }))).toEqual([]);
    });

    it.each([
      ['the control character U+0001 in text', 'location', '会议\u0001室'],
      ['the control character U+0001 in longtext', 'content', '学习\u0001内容'],
      ['DEL in text', 'location', '会议\u007f室'],
      ['a lone high surrogate', 'location', '会议\ud800室'],
      ['a lone high surrogate at the end', 'content', '学习内容\ud800'],
      ['a lone low surrogate', 'location', '\udc00会议室'],
    ])('rejects %s', (_label, key, value) => {
      expect(errorsOf('study-session', base('study-session', { [key]: value }))).toEqual([
        { path: `data.${key}`, message: '含有不允许的控制字符或无效字符' },
      ]);
    });

    it('accepts a character outside the basic plane, written as a surrogate pair', () => {
      expect(errorsOf('study-session', base('study-session', { location: '𠮷野家会议室' }))).toEqual([]);
    });

    it('counts maxLength in code points, so 30 four-byte characters fit in 30', () => {
      const thirty = '𠮷'.repeat(30);
      expect(thirty.length).toBe(60);
      expect(errorsOf('member-report', base('member-report', { position: thirty }))).toEqual([]);
    });

    it('counts maxLength in code points, so 31 four-byte characters exceed 30', () => {
      expect(errorsOf('member-report', base('member-report', { position: '𠮷'.repeat(31) }))).toEqual([
        { path: 'data.position', message: '最多 30 个字，现有 31 个字' },
      ]);
    });

    it('counts minLength in code points as well', () => {
      expect(errorsOf('member-report', base('member-report', { summary: '𠮷'.repeat(9) }))).toEqual([
        { path: 'data.summary', message: '至少 10 个字' },
      ]);
      expect(errorsOf('member-report', base('member-report', { summary: '𠮷'.repeat(10) }))).toEqual([]);
    });
  });

  describe('dates', () => {
    it('uses 2000-01-01 as the earliest date', () => {
      expect(EARLIEST_DATE).toBe('2000-01-01');
    });

    it('rejects 1999-12-31 and accepts 2000-01-01', () => {
      expect(errorsOf('study-session', base('study-session', { date: '1999-12-31' }))).toEqual([
        { path: 'data.date', message: '日期不能早于 2000-01-01' },
      ]);
      expect(errorsOf('study-session', base('study-session', { date: '2000-01-01' }))).toEqual([]);
    });

    it('rejects an activity date after today and accepts today', () => {
      expect(errorsOf('study-session', base('study-session', { date: '2026-11-29' }))).toEqual([
        { path: 'data.date', message: '日期不能晚于今天' },
      ]);
      expect(errorsOf('study-session', base('study-session', { date: TODAY }))).toEqual([]);
    });

    it('rejects a future activity date under the template dateField of another form', () => {
      expect(errorsOf('member-report', base('member-report', { reportDate: '2027-01-01' }))).toEqual([
        { path: 'data.reportDate', message: '日期不能晚于今天' },
      ]);
    });

    it('accepts a future date in a field that is not the activity date', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { deadline: '2027-06-30' }))).toEqual([]);
    });

    it('rejects a planned date more than five years ahead', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { deadline: '2031-11-27' }))).toEqual([]);
      expect(errorsOf('situation-analysis', base('situation-analysis', { deadline: '2031-11-28' }))).toEqual([
        { path: 'data.deadline', message: '日期不能晚于 2031-11-27' },
      ]);
    });

    it('rejects a date before 2000 in a field that is not the activity date', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { reportedOn: '1999-12-31' }))).toEqual([
        { path: 'data.reportedOn', message: '日期不能早于 2000-01-01' },
      ]);
    });
  });

  describe('numbers', () => {
    it('rejects an integer field holding 1.5', () => {
      expect(errorsOf('study-session', base('study-session', { expected: 12, attended: 1.5 }))).toEqual([
        { path: 'data.attended', message: '应为整数' },
      ]);
    });

    it('rejects a number over max and accepts max itself', () => {
      expect(errorsOf('inspection', base('inspection', { deduction: 101 }))).toEqual([
        { path: 'data.deduction', message: '不能大于 100' },
      ]);
      expect(errorsOf('inspection', base('inspection', { deduction: 100 }))).toEqual([]);
    });

    it('rejects an integer over max', () => {
      expect(errorsOf('study-session', base('study-session', { expected: 501, attended: 11 }))).toEqual([
        { path: 'data.expected', message: '不能大于 500' },
      ]);
    });
  });

  describe('people and roles', () => {
    it('rejects a person who is not in the organisation', () => {
      expect(errorsOf('member-report', base('member-report', { reporter: 'nobody' }))).toEqual([
        { path: 'data.reporter', message: '组织中没有这个人员' },
      ]);
    });

    it('rejects a reporter who is neither secretary nor leader', () => {
      const errors = errorsOf('member-report', base('member-report', { reporter: 'liu-yang', reportDate: '2026-07-15' }));
      expect(errors).toEqual([{ path: 'data.reporter', message: '刘洋（示例）在2026-07-15不是党组书记或班子成员' }]);
    });

    it('accepts the secretary as reporter', () => {
      expect(errorsOf('member-report', base('member-report', { reporter: 'zhang-wei' }))).toEqual([]);
    });

    it('accepts chen-jie while he was a leader, on 2026-07-15', () => {
      expect(errorsOf('member-report', base('member-report', { reporter: 'chen-jie', reportDate: '2026-07-15' }))).toEqual([]);
    });

    it('accepts chen-jie on 2026-07-31, the last day of his leader role', () => {
      expect(errorsOf('member-report', base('member-report', { reporter: 'chen-jie', reportDate: '2026-07-31' }))).toEqual([]);
    });

    it('rejects chen-jie on 2026-08-15, after his leader role ended', () => {
      const errors = errorsOf('member-report', base('member-report', { reporter: 'chen-jie', reportDate: '2026-08-15' }));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.path).toBe('data.reporter');
      expect(errors[0]?.message).toMatch(/陈杰/);
      expect(errors[0]?.message).toMatch(CHINESE);
    });

    it('rejects zhao-min on 2026-07-15, before she joined', () => {
      const errors = errorsOf('member-report', base('member-report', { reporter: 'zhao-min', reportDate: '2026-07-15' }));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.path).toBe('data.reporter');
      expect(errors[0]?.message).toMatch(/赵敏/);
    });

    it('accepts zhao-min from 2026-08-10, the day she joined', () => {
      expect(errorsOf('member-report', base('member-report', { reporter: 'zhao-min', reportDate: '2026-08-10' }))).toEqual([]);
    });

    it('checks an optional role-limited person field too', () => {
      expect(errorsOf('inspection', base('inspection', { responsibleLeader: 'li-na' }))).toEqual([]);
      expect(errorsOf('inspection', base('inspection', { responsibleLeader: 'sun-li' }))).toEqual([
        { path: 'data.responsibleLeader', message: '孙丽（示例）在2026-06-12不是党组书记或班子成员' },
      ]);
    });

    it('rejects the same person twice in a people field', () => {
      expect(errorsOf('study-session', base('study-session', { speakers: ['li-na', 'li-na'] }))).toEqual([
        { path: 'data.speakers', message: '不能重复选择' },
      ]);
    });
  });

  describe('choices', () => {
    it('rejects a multiselect option that is not in the list, at its index', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { domains: ['其他'] }))).toEqual([
        { path: 'data.domains.0', message: '应为以下选项之一：思想理论、新闻舆论、社会舆情、思想道德、网上舆情' },
      ]);
    });

    it('lists the options when a select value is not among them', () => {
      expect(errorsOf('opinion-response', base('opinion-response', { level: '特大' }))).toEqual([
        { path: 'data.level', message: '应为以下选项之一：一般、较大、重大' },
      ]);
    });
  });

  describe('cross-field rules', () => {
    it('rejects more attendees than expected under data.attended', () => {
      expect(errorsOf('study-session', base('study-session', { expected: 12, attended: 13 }))).toEqual([
        { path: 'data.attended', message: '实到人数不能多于应到人数' },
      ]);
    });

    it('accepts attendees equal to expected', () => {
      expect(errorsOf('study-session', base('study-session', { expected: 12, attended: 12 }))).toEqual([]);
    });

    it('rejects a 专题汇报 without a topic under data.topic', () => {
      const data = without(base('member-report', { reportType: '专题汇报' }), 'topic');
      expect(errorsOf('member-report', data)).toEqual([{ path: 'data.topic', message: '专题汇报须填写汇报题目' }]);
    });

    it('rejects a 专题汇报 whose topic is only spaces', () => {
      expect(errorsOf('member-report', base('member-report', { reportType: '专题汇报', topic: '   ' }))).toEqual([
        { path: 'data.topic', message: '专题汇报须填写汇报题目' },
      ]);
    });

    it('accepts a 专题汇报 with a topic, and a 综合汇报 without one', () => {
      expect(errorsOf('member-report', base('member-report', { reportType: '专题汇报', topic: '网络阵地管理' }))).toEqual([]);
      expect(errorsOf('member-report', without(base('member-report', { reportType: '综合汇报' }), 'topic'))).toEqual([]);
    });

    it('rejects a situation-analysis deadline before its date under data.deadline', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { date: '2026-10-20', deadline: '2026-10-19' }))).toEqual([
        { path: 'data.deadline', message: '化解时限不能早于研判日期' },
      ]);
    });

    it('accepts a situation-analysis deadline on its date', () => {
      expect(errorsOf('situation-analysis', base('situation-analysis', { date: '2026-10-20', deadline: '2026-10-20' }))).toEqual([]);
    });
  });

  describe('parseOrThrow', () => {
    it('returns the parsed data when it is valid', () => {
      const data = base('study-session');
      expect(parseOrThrow(schemaFor('study-session'), data, ['data'], '表单内容有误')).toEqual(data);
    });

    it('throws a 400 AppError listing each bad field under the prefix', () => {
      const data = base('study-session', { location: 5, venue: 'x' });
      let caught: unknown;
      try {
        parseOrThrow(schemaFor('study-session'), data, ['data'], '表单内容有误');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AppError);
      const error = caught as AppError;
      expect(error.status).toBe(400);
      expect(error.detail).toBe('表单内容有误');
      expect(error.errors).toEqual(
        expect.arrayContaining([
          { path: 'data.location', message: '应为文本，收到的是数字' },
          { path: 'data.venue', message: '未知字段，表单中没有这一项' },
        ]),
      );
      expect(error.errors).toHaveLength(2);
    });
  });
});

describe('one-line text', () => {
  it('refuses Unicode line and paragraph separators and C1 controls', async () => {
    const { readCatalog } = await import('../../functions/core/templates/catalog.js');
    const { compileSchema } = await import('../../functions/core/templates/schema.js');
    const { memberReport } = await import('../helpers/fixtures.js');
    const catalog = readCatalog('templates');
    const schema = compileSchema(catalog.form('member-report')!, { org: catalog.exampleOrganisation, today: '2026-11-28' });
    for (const bad of ['a\u2028b', 'a\u2029b', 'a\u0085b', 'a\u0090b']) {
      const r = schema.safeParse({ ...memberReport().data, position: bad });
      expect(r.success, JSON.stringify(bad)).toBe(false);
    }
  });
});
