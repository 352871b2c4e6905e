/**
 * The cloud user lifecycle with Cognito (issue 10 item 4), through the HTTP adapter on the embedded
 * store and a real Cognito-compatible server (cognito-local) reached by the real SDK: adding a person
 * invites them and records their `sub`, marking them left disables the account. The store sits
 * behind a fault proxy so a roster write can fail after the invitation went out.
 */
import { AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { callerFor } from '../../functions/core/roster/authority.js';
import { accountName } from '../../functions/core/roster/identity.js';
import { createDocumentClient } from '../../functions/store/client.js';
import { dynamoOrganisationStore } from '../../functions/store/organisation.js';
import { LOCAL_ISSUER } from '../../infra/local/jwt.js';
import { exampleOrg, FIXED_NOW, startTestApi, type TestApi } from '../helpers/api.js';
import { COGNITO_TEST_CREDENTIALS, startLocalCognito, type LocalCognito } from '../helpers/cognito.js';
import { refreshesSettled } from '../../functions/core/county/keep-current.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';

const UNIT = exampleOrg().unit.id;
const TODAY = '2026-11-28';
const NEXT_DAY = new Date('2026-11-28T16:00:00.000Z');

let cognito: LocalCognito;
let proxy: FaultProxy;

/** A fault counts the requests after it is set: the snapshot refreshes of earlier answered writes must not be among them. */
const arm = async (f: Fault) => {
  await refreshesSettled();
  proxy.set(f);
};
let api: TestApi;
let doc: ReturnType<typeof createDocumentClient>;
beforeAll(async () => {
  cognito = await startLocalCognito();
  proxy = await startFaultProxy(inject('dynamoEndpoint'));
  api = await startTestApi({
    handlerEndpoint: proxy.endpoint,
    env: { IDENTITY_PROVIDER: 'cognito', USER_POOL_ID: cognito.userPoolId, COGNITO_ENDPOINT: cognito.endpoint, ...COGNITO_TEST_CREDENTIALS },
  });
  doc = createDocumentClient({ region: 'local', endpoint: api.endpoint });
});
afterAll(async () => {
  doc.destroy();
  await api?.close();
  await proxy?.close();
  await cognito?.close();
});
beforeEach(() => proxy.set({ kind: 'none' }));

const version = async () => (await api.call('GET', '/api/roster', { as: 'sun-li' })).body.version as number;
const account = (id: string) => cognito.client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: accountName(UNIT, id) }));
const users = async () => (await cognito.client.send(new ListUsersCommand({ UserPoolId: cognito.userPoolId }))).Users ?? [];
const asSubject = async (sub: string) => ({ authorization: `Bearer ${await api.keys.sign({ sub })}` });
const person = (id: string, extra: Record<string, unknown>) => ({ id, name: '测试人员（示例）', title: '干部', roles: [{ role: 'division-head', from: TODAY }], ...extra });

describe('adding a person with Cognito', () => {
  it('tells the office that accounts are Cognito\'s, so a page asks for an e-mail rather than a subject', async () => {
    expect((await api.call('GET', '/api/roster', { as: 'sun-li' })).body.accounts).toBe('cognito');
    expect((await api.call('GET', '/api/roster', { as: 'zhang-wei' })).body.accounts).toBeUndefined();
  });

  it('invites them by e-mail, records the account sub, and that sub signs in as the person', async () => {
    const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('ma-lan', { email: 'ma.lan@example.org' }) } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const user = await account('ma-lan');
    const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'ma.lan@example.org' }]));
    expect(user.Enabled).toBe(true);
    expect(res.body.person).toMatchObject({ id: 'ma-lan', subject: sub });
    // The contact went to Cognito only: the roster and its history keep no e-mail.
    expect(JSON.stringify(res.body)).not.toContain('ma.lan@example.org');
    expect(JSON.stringify(await api.snapshot())).not.toContain('ma.lan@example.org');
    const me = await api.call('GET', '/api/me', { headers: await asSubject(sub) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'ma-lan', roles: ['division-head'] });
  });

  it('invites by phone (E.164), with the number as the account attribute', async () => {
    const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('he-ping', { phone: '+8613800138000' }) } });
    expect(res.status).toBe(201);
    expect((await account('he-ping')).UserAttributes).toEqual(expect.arrayContaining([{ Name: 'phone_number', Value: '+8613800138000' }]));
  });

  it('refuses a bad e-mail, a bad phone, no contact and a hand-entered subject with 400 on the field, inviting nobody', async () => {
    const before = (await users()).length;
    const snapshot = await api.snapshot();
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not-an-address' }, 'email'],
      [{ phone: '138 0013 8000' }, 'phone'],
      [{ email: 'ok@example.org', phone: '+86' }, 'phone'],
      [{}, 'email'],
      [{ email: 'ok@example.org', subject: 'made-up-sub' }, 'subject'],
    ];
    for (const [extra, path] of cases) {
      const res = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('bad-one', extra) } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    // A body the roster refuses (no name) is refused before anyone is invited.
    const noName = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), id: 'bad-two', email: 'two@example.org' } });
    expect(noName.status).toBe(400);
    expect(noName.body.errors.map((e: { path: string }) => e.path)).toContain('name');
    expect((await users()).length).toBe(before);
    expect(await api.snapshot()).toEqual(snapshot);
  });

  it('makes one account when the roster write fails after the invitation and the office tries again', async () => {
    const body = { version: await version(), ...person('lu-yan', { email: 'lu.yan@example.org' }) };
    await arm({ kind: 'cut-after', pass: 0, target: 'PutItem' });
    const failed = await api.call('POST', '/api/roster/people', { as: 'sun-li', body });
    expect(failed.status).toBe(503);
    proxy.set({ kind: 'none' });
    expect((await api.call('GET', '/api/roster', { as: 'sun-li' })).body.people.some((p: { id: string }) => p.id === 'lu-yan')).toBe(false);
    const sub = (await account('lu-yan')).UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    // Until the roster gives it, the account signs in to nothing.
    expect((await api.call('GET', '/api/me', { headers: await asSubject(sub) })).status).toBe(403);

    const retried = await api.call('POST', '/api/roster/people', { as: 'sun-li', body });
    expect(retried.status).toBe(201);
    expect(retried.body.person.subject).toBe(sub);
    expect((await users()).filter((u) => u.Username === accountName(UNIT, 'lu-yan'))).toHaveLength(1);
    expect((await api.call('GET', '/api/me', { headers: await asSubject(sub) })).body).toMatchObject({ id: 'lu-yan' });
    // And the same request once more: the id is taken, so nothing is invited again.
    expect((await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { ...body, version: await version() } })).status).toBe(409);
  });

  it('does not take over an account that an earlier attempt made for another contact', async () => {
    const body = { version: await version(), ...person('tang-xin', { email: 'tang.old@example.org' }) };
    await arm({ kind: 'cut-after', pass: 0, target: 'PutItem' });
    expect((await api.call('POST', '/api/roster/people', { as: 'sun-li', body })).status).toBe(503);
    proxy.set({ kind: 'none' });
    const again = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { ...body, email: 'tang.new@example.org' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/联系方式/);
  });
});

describe('marking a person left with Cognito', () => {
  it('disables the account, and the roster refuses the person from the next day; un-marking enables it again', async () => {
    const added = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('qi-yue', { email: 'qi.yue@example.org' }) } });
    expect(added.status).toBe(201);
    const sub = added.body.person.subject as string;
    const left = await api.call('PUT', '/api/roster/people/qi-yue', { as: 'sun-li', body: { version: await version(), left: TODAY } });
    expect(left.status).toBe(200);
    expect((await account('qi-yue')).Enabled).toBe(false);
    const store = dynamoOrganisationStore(doc, api.tableName);
    expect((await callerFor(store, LOCAL_ISSUER, sub, new Date(FIXED_NOW))).id).toBe('qi-yue');
    await expect(callerFor(store, LOCAL_ISSUER, sub, NEXT_DAY)).rejects.toMatchObject({ status: 403 });

    const back = await api.call('PUT', '/api/roster/people/qi-yue', { as: 'sun-li', body: { version: await version(), left: null } });
    expect(back.status).toBe(200);
    expect((await account('qi-yue')).Enabled).toBe(true);
  });

  it('disables the account before the roster write, so the same request can be sent again when that write fails', async () => {
    const added = await api.call('POST', '/api/roster/people', { as: 'sun-li', body: { version: await version(), ...person('fang-yi', { email: 'fang.yi@example.org' }) } });
    expect(added.status).toBe(201);
    const body = { version: await version(), left: TODAY };
    await arm({ kind: 'cut-after', pass: 0, target: 'PutItem' });
    expect((await api.call('PUT', '/api/roster/people/fang-yi', { as: 'sun-li', body })).status).toBe(503);
    proxy.set({ kind: 'none' });
    // Closed early, never open late: the account is off while the roster still has the person.
    expect((await account('fang-yi')).Enabled).toBe(false);
    expect((await api.call('GET', '/api/roster', { as: 'sun-li' })).body.people.find((p: { id: string }) => p.id === 'fang-yi').left).toBeUndefined();
    const again = await api.call('PUT', '/api/roster/people/fang-yi', { as: 'sun-li', body });
    expect(again.status).toBe(200);
    expect(again.body.person.left).toBe(TODAY);
    expect((await account('fang-yi')).Enabled).toBe(false);
  });

  it('invites, on an edit, a person who has no account yet, and refuses a second invitation or a hand-set subject', async () => {
    // A person loaded with the organisation has no account of ours.
    const invited = await api.call('PUT', '/api/roster/people/huang-lei', { as: 'sun-li', body: { version: await version(), email: 'huang.lei@example.org' } });
    expect(invited.status).toBe(200);
    const sub = (await account('huang-lei')).UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    expect(invited.body.person.subject).toBe(sub);
    const twice = await api.call('PUT', '/api/roster/people/huang-lei', { as: 'sun-li', body: { version: await version(), email: 'huang.lei@example.org' } });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].path).toBe('email');
    const byHand = await api.call('PUT', '/api/roster/people/huang-lei', { as: 'sun-li', body: { version: await version(), subject: 'someone-else' } });
    expect(byHand.status).toBe(400);
    expect(byHand.body.errors[0].path).toBe('subject');
  });
});
