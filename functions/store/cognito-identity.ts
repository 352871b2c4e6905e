/**
 * The identity provider port (core/roster/identity.ts) on a Cognito user pool: AdminCreateUser sends
 * the invitation (a temporary password by e-mail or SMS), AdminGetUser finds the account an earlier
 * attempt made, AdminDisableUser / AdminEnableUser follow `left`. These four calls are all the stack
 * grants (infra/cloud/stack.ts), on this one pool.
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  type AttributeType,
  type DeliveryMediumType,
} from '@aws-sdk/client-cognito-identity-provider';
import { conflict, throttled, validationError, AppError } from '../core/errors.js';
import type { Contact, IdentityProvider } from '../core/roster/identity.js';

const attr = (attributes: AttributeType[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

/** Cognito's refusals of what the office entered, as 400s on the field; its load as 503; the rest as they are. */
function mapError(err: unknown, contact?: Contact): never {
  const name = (err as { name?: string }).name ?? '';
  const message = String((err as { message?: string }).message ?? '');
  if (contact && name === 'InvalidParameterException') {
    // e.g. "Attributes did not conform to the schema: email: The attribute is required" (the stack's
    // pool requires an e-mail), or an address or number Cognito will not take.
    const path = /email/i.test(message) ? 'email' : /phone/i.test(message) ? 'phone' : contact.email !== undefined ? 'email' : 'phone';
    const required = /required/i.test(message);
    throw validationError(required ? '登录账号需要电子邮箱，请填写' : 'Cognito 不接受此联系方式，请检查后重试', [
      { path, message: required ? '此用户池要求填写' : path === 'phone' ? '手机号不被接受' : '电子邮箱不被接受' },
    ]);
  }
  // A pool without SMS set up (the stack's sends by e-mail) cannot text the invitation.
  if (contact && name.startsWith('InvalidSmsRole'))
    throw validationError('此用户池未开通短信邀请，请改填电子邮箱', [{ path: 'phone', message: '无法发送短信邀请' }]);
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException') throw throttled(5);
  if (name === 'CodeDeliveryFailureException')
    throw new AppError(502, 'Bad Gateway', '登录邀请未能送达，请检查电子邮箱或手机号后重试；名册未修改');
  throw err;
}

export function cognitoIdentity(options: { userPoolId: string; region: string; endpoint?: string; client?: CognitoIdentityProviderClient }): IdentityProvider {
  const client = options.client ?? new CognitoIdentityProviderClient({ region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  const UserPoolId = options.userPoolId;

  async function existing(account: string, contact: Contact): Promise<string> {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId, Username: account })).catch((e: unknown) => mapError(e));
    // The account of an earlier attempt is the same person's only if it was made for the same contact.
    const same = (contact.email ?? undefined) === attr(user.UserAttributes, 'email') && (contact.phone ?? undefined) === attr(user.UserAttributes, 'phone_number');
    if (!same) throw conflict('该人员已有登录账号，但联系方式与本次填写的不同；请联系管理员核对后重试');
    const sub = attr(user.UserAttributes, 'sub');
    if (!sub) throw new Error(`cognito: account ${account} has no sub`);
    return sub;
  }

  return {
    kind: 'cognito',
    async invite(account, contact) {
      const attributes: AttributeType[] = [];
      const media: DeliveryMediumType[] = [];
      // Marked verified: the invitation itself goes there, and the person can sign in only by reading it.
      if (contact.email !== undefined) {
        attributes.push({ Name: 'email', Value: contact.email }, { Name: 'email_verified', Value: 'true' });
        media.push('EMAIL');
      }
      if (contact.phone !== undefined) {
        attributes.push({ Name: 'phone_number', Value: contact.phone }, { Name: 'phone_number_verified', Value: 'true' });
        media.push('SMS');
      }
      try {
        const out = await client.send(
          new AdminCreateUserCommand({ UserPoolId, Username: account, UserAttributes: attributes, DesiredDeliveryMediums: media }),
        );
        const sub = attr(out.User?.Attributes, 'sub');
        // Some pools leave sub out of the answer; the account is read back then.
        return sub ?? (await existing(account, contact));
      } catch (err) {
        if ((err as { name?: string }).name === 'UsernameExistsException') return existing(account, contact);
        mapError(err, contact);
      }
    },
    async disable(account) {
      await client.send(new AdminDisableUserCommand({ UserPoolId, Username: account })).catch(ignoreMissing);
    },
    async enable(account) {
      await client.send(new AdminEnableUserCommand({ UserPoolId, Username: account })).catch(ignoreMissing);
    },
  };
}

/** A person whose subject was entered by hand has no account of ours: the roster alone refuses them. */
function ignoreMissing(err: unknown): void {
  if ((err as { name?: string }).name === 'UserNotFoundException') return;
  mapError(err);
}
