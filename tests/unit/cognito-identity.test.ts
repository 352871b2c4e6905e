/**
 * Cognito's refusals that the local Cognito-compatible server cannot produce (it enforces no
 * attribute schema, has no SMS role and no rate limit): a fault-level stand-in for the client's
 * `send` raises the SDK's own exception classes, and the adapter must answer as the API promises.
 * Everything else about the adapter runs against cognito-local (tests/integration/roster-cognito.test.ts).
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  InvalidParameterException,
  InvalidSmsRoleAccessPolicyException,
  TooManyRequestsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { cognitoIdentity } from '../../functions/store/cognito-identity.js';

const failing = (error: CognitoIdentityProviderServiceException) =>
  cognitoIdentity({ userPoolId: 'pool', region: 'local', client: { send: () => Promise.reject(error) } as unknown as CognitoIdentityProviderClient });
const meta = { $metadata: {} };

describe('the Cognito identity provider, when Cognito refuses', () => {
  it('answers 400 on email when the pool requires an e-mail and only a phone was given', async () => {
    const idp = failing(new InvalidParameterException({ ...meta, message: 'Attributes did not conform to the schema: email: The attribute is required' }));
    await expect(idp.invite('unit.p', { phone: '+8613800138000' })).rejects.toMatchObject({ status: 400, errors: [{ path: 'email', message: '此用户池要求填写' }] });
  });

  it('answers 400 on phone when the pool cannot send SMS', async () => {
    const idp = failing(new InvalidSmsRoleAccessPolicyException({ ...meta, message: 'Role does not have permission to publish with SNS' }));
    await expect(idp.invite('unit.p', { email: 'a@example.org', phone: '+8613800138000' })).rejects.toMatchObject({ status: 400, errors: [{ path: 'phone' }] });
  });

  it('answers 503 with Retry-After when Cognito throttles', async () => {
    const idp = failing(new TooManyRequestsException({ ...meta, message: 'Too many requests' }));
    await expect(idp.invite('unit.p', { email: 'a@example.org' })).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    await expect(idp.disable('unit.p')).rejects.toMatchObject({ status: 503 });
  });

  it('disables or enables nothing, quietly, for a person with no account of ours', async () => {
    const idp = failing(new UserNotFoundException({ ...meta, message: 'User does not exist.' }));
    await expect(idp.disable('unit.p')).resolves.toBeUndefined();
    await expect(idp.enable('unit.p')).resolves.toBeUndefined();
  });
});
