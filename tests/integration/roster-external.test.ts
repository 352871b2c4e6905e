/**
 * The people routes when an external OIDC issuer signs people in (IDENTITY_PROVIDER=external): we
 * can create no accounts there, so the office enters each person's subject, and nobody can sign in
 * as a person by their roster id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { IDENTITY_PROVIDER: 'external' } });
});
afterAll(async () => {
  await api.close();
});

const version = async () => (await api.call('GET', '/api/roster', { as: 'sun-li' })).body.version as number;
const person = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: '外部人员（示例）', roles: [{ role: 'division-head', from: '2026-11-28' }], ...extra });

describe('adding a person with an external issuer', () => {
  it('requires the subject, and refuses an e-mail or phone, with 400 on the field and nothing written', async () => {
    const snapshot = await api.snapshot();
    for (const [extra, path] of [
      [{}, 'subject'],
      [{ email: 'someone@example.org' }, 'email'],
      [{ subject: 'idp|42', phone: '+8613800138000' }, 'phone'],
    ] as const) {
      const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('ext-one', extra) } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await api.snapshot()).toEqual(snapshot);
  });

  it('tells the office that subjects are entered by hand', async () => {
    expect((await api.call('GET', '/api/roster', { as: 'sun-li' })).body.accounts).toBe('external');
  });

  it('records the subject the office enters, and that subject signs in as the person', async () => {
    const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('ext-two', { subject: 'idp|4711' }) } });
    expect(res.status).toBe(201);
    expect(res.body.person).toMatchObject({ id: 'ext-two', subject: 'idp|4711' });
    const me = await api.call('GET', '/api/me', { headers: { authorization: `Bearer ${await api.keys.sign({ sub: 'idp|4711' })}` } });
    expect(me.body).toMatchObject({ id: 'ext-two', roles: ['division-head'] });
    // The roster id is not a subject of that issuer.
    expect((await api.call('GET', '/api/me', { headers: { authorization: `Bearer ${await api.keys.sign({ sub: 'ext-two' })}` } })).status).toBe(403);
  });
});
