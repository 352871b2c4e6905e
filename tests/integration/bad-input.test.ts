import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';
import { memberReport, studySession } from '../helpers/fixtures.js';

let api: TestApi;
let existing: { id: string; data: Record<string, unknown> };
beforeAll(async () => {
  api = await startTestApi();
  existing = (await api.call('POST', '/api/submissions', { as: 'li-na', body: memberReport() })).body;
});
afterAll(() => api.close());

interface Case {
  name: string;
  method?: string;
  path?: string;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  /** The path the first error must name (400 only). */
  errorPath?: string;
}

const m = (o: Record<string, unknown>) => memberReport(o);
/** The JSON of a valid record with raw bytes spliced into its summary. */
const withBytes = (bytes: number[]) => {
  const [head, tail] = JSON.stringify(memberReport()).split('综合汇报。');
  return Buffer.concat([Buffer.from(`${head}综合汇报`), Buffer.from(bytes), Buffer.from(`。${tail}`)]);
};
const s = (o: Record<string, unknown>) => studySession(o);

const cases: Case[] = [
  { name: 'malformed JSON', raw: '{"templateId": "member-report",', status: 400, errorPath: '' },
  { name: 'JSON that is not an object', raw: '"hello"', status: 400, errorPath: '' },
  { name: 'an empty body', raw: '', status: 400, errorPath: '' },
  { name: 'the wrong content type', raw: 'templateId=member-report', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 400, errorPath: 'Content-Type' },
  { name: 'no content type', raw: JSON.stringify(memberReport()), headers: { 'content-type': '' }, status: 400, errorPath: 'Content-Type' },
  { name: 'a body over 256 KB', body: m({ summary: '长'.repeat(90_000) }), status: 413 },
  { name: 'a body far over the limit', raw: 'x'.repeat(2_000_000), status: 413 },
  { name: 'an unknown template', body: { templateId: 'no-such-form', data: {} }, status: 400, errorPath: 'templateId' },
  { name: 'a missing templateId', body: { data: memberReport().data }, status: 400, errorPath: 'templateId' },
  { name: 'a missing data', body: { templateId: 'member-report' }, status: 400, errorPath: 'data' },
  { name: 'data as an array', body: { templateId: 'member-report', data: [] }, status: 400, errorPath: 'data' },
  { name: 'an unknown top-level key', body: { ...memberReport(), extra: 1 }, status: 400, errorPath: 'extra' },
  { name: 'an unknown field', body: m({ nickname: 'x' }), status: 400, errorPath: 'data.nickname' },
  { name: 'a prototype key', raw: JSON.stringify(memberReport()).replace('"reporter"', '"__proto__":{"x":1},"reporter"'), status: 400, errorPath: 'data.__proto__' },
  { name: 'a missing required field', body: m({ summary: undefined }), status: 400, errorPath: 'data.summary' },
  { name: 'a required text of spaces', body: m({ position: '   ' }), status: 400, errorPath: 'data.position' },
  { name: 'a number for a text', body: m({ position: 42 }), status: 400, errorPath: 'data.position' },
  { name: 'null for a text', body: m({ area: null }), status: 400, errorPath: 'data.area' },
  { name: 'a newline in a one-line text', body: m({ position: '副局长\n兼任' }), status: 400, errorPath: 'data.position' },
  { name: 'a control character', body: m({ summary: '汇报内容摘要\u0007包含响铃字符' }), status: 400, errorPath: 'data.summary' },
  { name: 'a lone surrogate', raw: JSON.stringify(memberReport()).replace('综合汇报。', '综合汇报\\ud800。'), status: 400, errorPath: 'data.summary' },
  { name: 'a byte 0xFF, which is never UTF-8', raw: withBytes([0xff]), status: 400, errorPath: '' },
  { name: 'a three-byte character cut after two bytes', raw: withBytes([0xe6, 0xb1]), status: 400, errorPath: '' },
  { name: 'an overlong encoding of "/"', raw: withBytes([0xc0, 0xaf]), status: 400, errorPath: '' },
  { name: 'an encoded surrogate (CESU-8)', raw: withBytes([0xed, 0xa0, 0x80]), status: 400, errorPath: '' },
  { name: 'a GBK body declared as GBK', raw: withBytes([0xbb, 0xe3, 0xb1, 0xa8]), headers: { 'content-type': 'application/json; charset=gbk' }, status: 415, errorPath: 'Content-Type' },
  { name: 'a UTF-8 body declared as GBK', body: memberReport(), headers: { 'content-type': 'application/json; charset=gbk' }, status: 415, errorPath: 'Content-Type' },
  { name: 'a body declared as ISO-8859-1', body: memberReport(), headers: { 'content-type': 'application/json;charset="ISO-8859-1"' }, status: 415, errorPath: 'Content-Type' },
  { name: 'a text one over its limit', body: m({ position: '职'.repeat(31) }), status: 400, errorPath: 'data.position' },
  { name: 'a long text under its minimum', body: m({ summary: '太短' }), status: 400, errorPath: 'data.summary' },
  { name: 'an impossible date', body: m({ reportDate: '2026-02-30' }), status: 400, errorPath: 'data.reportDate' },
  { name: 'a date in another format', body: m({ reportDate: '2026/11/02' }), status: 400, errorPath: 'data.reportDate' },
  { name: 'a date before 2000', body: m({ reportDate: '1999-12-31' }), status: 400, errorPath: 'data.reportDate' },
  { name: 'an activity date after today', body: m({ reportDate: '2026-11-29' }), status: 400, errorPath: 'data.reportDate' },
  { name: 'a date as a number', body: m({ reportDate: 20261102 }), status: 400, errorPath: 'data.reportDate' },
  { name: 'an option not offered', body: m({ reportType: '口头汇报' }), status: 400, errorPath: 'data.reportType' },
  { name: 'a person not in the organisation', body: m({ reporter: 'nobody' }), status: 400, errorPath: 'data.reporter' },
  { name: 'a person without the required role', body: m({ reporter: 'zhou-tao' }), status: 400, errorPath: 'data.reporter' },
  { name: 'a member who had left by that date', body: m({ reporter: 'chen-jie', reportDate: '2026-09-01' }), status: 400, errorPath: 'data.reporter' },
  { name: 'a thematic report without its topic', body: m({ reportType: '专题汇报' }), status: 400, errorPath: 'data.topic' },
  { name: 'a fractional head count', body: s({ expected: 12.5 }), status: 400, errorPath: 'data.expected' },
  { name: 'a head count as text', body: s({ expected: '12' }), status: 400, errorPath: 'data.expected' },
  { name: 'a negative head count', body: s({ attended: -1 }), status: 400, errorPath: 'data.attended' },
  { name: 'a head count over its maximum', body: s({ expected: 501 }), status: 400, errorPath: 'data.expected' },
  { name: 'a huge number', raw: JSON.stringify(studySession()).replace('"expected":12', '"expected":1e400'), status: 400, errorPath: 'data.expected' },
  { name: 'more attended than expected', body: s({ attended: 13 }), status: 400, errorPath: 'data.attended' },
  { name: 'a people list with a duplicate', body: s({ speakers: ['li-na', 'li-na'] }), status: 400, errorPath: 'data.speakers' },
  { name: 'a people list with a stranger', body: s({ speakers: ['li-na', 'ghost'] }), status: 400, errorPath: 'data.speakers.1' },
  { name: 'a people field as a string', body: s({ speakers: 'li-na' }), status: 400, errorPath: 'data.speakers' },
  { name: 'a boolean as text', body: { templateId: 'opinion-response', data: { discoveredOn: '2026-11-01', channel: '微博', summary: '事件概述', level: '一般', measures: '及时回应', responsible: 'sun-li', secondary: 'no' } }, status: 400, errorPath: 'data.secondary' },
  { name: 'a multiselect with an unknown option', body: { templateId: 'situation-analysis', data: { date: '2026-11-01', format: '党组会议', host: 'zhang-wei', participants: ['li-na'], domains: ['宗教'], overview: '总体平稳', measures: '加强管理' } }, status: 400, errorPath: 'data.domains.0' },
  { name: 'an unknown division', body: { templateId: 'inspection', data: { kind: '综合检查', date: '2026-11-01', division: 'nowhere', team: ['sun-li'], findings: '未发现问题', progress: '无需整改' } }, status: 400, errorPath: 'data.division' },
  { name: 'a deeply nested value', raw: JSON.stringify(m({ position: JSON.parse('['.repeat(500) + ']'.repeat(500)) })), status: 400, errorPath: 'data.position' },
  { name: 'a bad Idempotency-Key', body: memberReport(), headers: { 'idempotency-key': 'k'.repeat(129) }, status: 400, errorPath: 'Idempotency-Key' },
  { name: 'an update without a version', method: 'PUT', path: 'existing', body: { data: memberReport().data }, status: 400, errorPath: 'version' },
  { name: 'an update with a version as text', method: 'PUT', path: 'existing', body: { data: memberReport().data, version: '1' }, status: 400, errorPath: 'version' },
  { name: 'an update with an invalid field', method: 'PUT', path: 'existing', body: { data: { ...memberReport().data, reportDate: 'soon' }, version: 1 }, status: 400, errorPath: 'data.reportDate' },
  { name: 'an update of an unknown record', method: 'PUT', path: '/api/submissions/01ARZ3NDEKTSV4RRFFQ69G5FAV', body: { data: memberReport().data, version: 1 }, status: 404 },
  { name: 'a get of a malformed id', method: 'GET', path: '/api/submissions/..%2F..%2Fetc', status: 404 },
  { name: 'a withdrawal with a malformed version', method: 'DELETE', path: 'existing?version=abc', status: 400, errorPath: 'query.version' },
  { name: 'a list with a malformed period', method: 'GET', path: '/api/submissions?period=2026-H3', status: 400, errorPath: 'query.period' },
  { name: 'a list with an unknown template', method: 'GET', path: '/api/submissions?templateId=nope', status: 400, errorPath: 'query.templateId' },
  { name: 'a list with a limit of 0', method: 'GET', path: '/api/submissions?limit=0', status: 400, errorPath: 'query.limit' },
  { name: 'a list with a limit of 101', method: 'GET', path: '/api/submissions?limit=101', status: 400, errorPath: 'query.limit' },
  { name: 'a list with an unknown parameter', method: 'GET', path: '/api/submissions?sort=asc', status: 400, errorPath: 'query.sort' },
  { name: 'a list with an unknown scope', method: 'GET', path: '/api/submissions?scope=all', status: 400, errorPath: 'query.scope' },
];

describe('charsets that are fine', () => {
  it.each(['application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json'])(
    'accepts %s and keeps every character as sent',
    async (type) => {
      const body = memberReport({ summary: `${type} 的汇报内容，含 𠮷 与「引号」。` });
      const res = await api.call('POST', '/api/submissions', { as: 'li-na', raw: Buffer.from(JSON.stringify(body)), headers: { 'content-type': type } });
      expect(res.status).toBe(201);
      expect(res.body.data.summary).toBe(body.data.summary);
    },
  );
});

describe('bad input', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} and writes nothing`, async () => {
      const before = await api.snapshot();
      const method = c.method ?? 'POST';
      const path = c.path?.startsWith('existing') ? `/api/submissions/${existing.id}${c.path.slice('existing'.length)}` : (c.path ?? '/api/submissions');
      const headers: Record<string, string> = { 'content-type': 'application/json', ...c.headers };
      if (headers['content-type'] === '') delete headers['content-type'];
      const res = await api.call(method, path, {
        as: 'li-na',
        raw: c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
        headers,
      });
      expect(res.status).toBe(c.status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.status).toBe(c.status);
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
      if (c.errorPath !== undefined) {
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(c.errorPath);
        for (const e of res.body.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]|application/);
      }
      expect(await api.snapshot()).toEqual(before);
    });
  }
});
