import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const insp = (o: Record<string, unknown>) => ({ templateId: 'inspection', data: { kind: '综合检查', date: '2026-11-01', division: 'policy', team: ['sun-li'], findings: '未发现问题', progress: '无需整改', ...o } });
describe('probe', () => {
  it('probes', async () => {
    for (const o of [{ deduction: 5e-324 }, { deduction: 1e-200 }, { deduction: 1e-131 }, { deduction: -0 }, { deduction: 0.30000000000000004 }, { remarks: '' }, { measures: '' }, { remarks: '𠀀'.repeat(200) }, {remarks: '\uffff\ufffe'}, {findings: 'a\r\nb\u2028c'}, {deadline: '2031-11-27'}, {deadline: '2031-11-28'}]) {
      const r = await api.call('POST', '/api/submissions', { as: 'sun-li', body: insp(o) });
      let back;
      if (r.status === 201) back = (await api.call('GET', `/api/submissions/${r.body.id}`, { as: 'sun-li' })).body.data;
      console.log(JSON.stringify(o), r.status, JSON.stringify(r.body).slice(0, 300), JSON.stringify(back));
    }
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const raw = JSON.stringify(insp({ remarks: 'PLACE' })).replace('"PLACE"', deep);
    const r = await api.call('POST', '/api/submissions', { as: 'sun-li', raw, headers: { 'content-type': 'application/json' } });
    console.log('deep', r.status, JSON.stringify(r.body).slice(0, 300));
    const raw2 = JSON.stringify(insp({ remarks: 'PLACE' })).replace('"PLACE"', '{"a":'.repeat(50000) + '1' + '}'.repeat(50000));
    const r2 = await api.call('POST', '/api/submissions', { as: 'sun-li', raw: raw2, headers: { 'content-type': 'application/json' } });
    console.log('deepobj', r2.status, JSON.stringify(r2.body).slice(0, 300));
    const raw3 = JSON.stringify(insp({ })).replace('"data":{', '"data":{"x":' + '['.repeat(100000) + ']'.repeat(100000)+',');
    const r3 = await api.call('POST', '/api/submissions', { as: 'sun-li', raw: raw3, headers: { 'content-type': 'application/json' } });
    console.log('deepunknown', r3.status, JSON.stringify(r3.body).slice(0, 300));
    const t0 = Date.now(); await api.snapshot(); console.log('snap ms', Date.now() - t0, (await api.snapshot()).length);
  });
});
