/**
 * The identity provider port: who issues the tokens that sign people in, as the roster routes see it
 * (types and the contact rules only; functions/store/cognito-identity.ts implements Cognito).
 *
 * - `cognito`: the stack's own user pool. Adding a person invites them with the e-mail or phone the
 *   office enters and records the account's `sub`; marking them left disables the account.
 * - `external`: another OIDC issuer whose accounts we cannot create, so the office enters the
 *   person's subject (the `sub` of that issuer's tokens).
 * - `local`: `npm start`'s own sign-in, where the subject is the person's id unless given.
 */
import { z } from 'zod';
import { validationError } from '../errors.js';
import { parseOrThrow } from '../templates/schema.js';

export type IdentityKind = 'local' | 'cognito' | 'external';

/** Where the invitation goes. Passed to the provider and never written to the table. */
export interface Contact {
  email?: string;
  phone?: string;
}

export interface IdentityProvider {
  kind: IdentityKind;
  /**
   * Creates the account `account` and sends the invitation; returns the account's subject (`sub`).
   * Idempotent: when the account already exists (an earlier attempt whose roster write failed) it
   * returns that account's subject, and 409 if it was made for another contact.
   */
  invite(account: string, contact: Contact): Promise<string>;
  /** Stops the account signing in; nothing when there is no such account. */
  disable(account: string): Promise<void>;
  /** Lets the account sign in again (a person marked left by mistake); nothing when there is none. */
  enable(account: string): Promise<void>;
}

/** The name of a person's account at the provider: unit and person, so two units' ids never meet. */
export const accountName = (unit: string, person: string): string => `${unit}.${person}`;

/** Providers that invite nobody (external issuer, local sign-in): their calls are never made. */
export const noInvitations = (kind: Exclude<IdentityKind, 'cognito'>): IdentityProvider => ({
  kind,
  invite: () => Promise.reject(new Error(`identity: ${kind} sign-in invites nobody`)),
  disable: () => Promise.resolve(),
  enable: () => Promise.resolve(),
});

/** Cognito takes phone numbers in E.164 only: `+86` and the number, no spaces. */
const ContactSchema = z.strictObject({
  email: z.email('电子邮箱格式不正确').max(254, '电子邮箱不能超过 254 个字符').optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, '手机号应写成国际格式，如 +8613800138000')
    .optional(),
});

/**
 * Takes the contact out of a request body, checked for the provider in use; the rest of the body
 * goes to the roster's own schema, which knows nothing of contacts (so they are never stored).
 */
export function takeContact(body: unknown, kind: IdentityKind): { contact?: Contact; rest: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { rest: body };
  const { email, phone, ...rest } = body as Record<string, unknown>;
  if (email === undefined && phone === undefined) return { rest };
  if (kind !== 'cognito') {
    const path = email !== undefined ? 'email' : 'phone';
    throw validationError(
      kind === 'external' ? '本系统使用外部身份提供方，不发送邀请；请填写此人在该提供方的登录身份 subject' : '本地运行不发送邀请，无需填写电子邮箱或手机号',
      [{ path, message: '此处不需要填写' }],
    );
  }
  const contact = parseOrThrow(ContactSchema, { email, phone }, [], '联系方式有误');
  if (contact.email === undefined) delete contact.email;
  if (contact.phone === undefined) delete contact.phone;
  return { contact, rest };
}
