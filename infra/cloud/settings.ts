/**
 * The deployment's choices, read from CDK context (`cdk.json`, `-c key=value`) so that a bureau
 * configures its deployment without editing code.
 */
import type { Node } from 'constructs';
import type { OidcIssuer } from './constructs/auth.js';
import type { MonthlyTrigger } from './constructs/monthly-job.js';

/** Where the web app signs in against an external issuer: written into its `config.json`. */
export interface OidcSignIn {
  authorizeUrl: string;
  tokenUrl: string;
  logoutUrl?: string;
  /** The issuer's client for the web app (public, code flow with PKCE, no secret). */
  clientId: string;
  scope?: string;
}

/** The web app's own domain on the distribution, with its certificate. */
export interface WebDomain {
  /** e.g. `taizhang.example.gov.cn` (no scheme, no path). */
  name: string;
  /** An ACM certificate in us-east-1 (the commercial partition). */
  acmCertificateArn?: string;
  /** An IAM server certificate's id (the China regions, where CloudFront takes no ACM certificate). */
  iamCertificateId?: string;
}

export type NotifierKind = 'log' | 'webhook';

export interface TaizhangSettings {
  /**
   * Where the web app runs when this stack does not serve it (in aws-cn without a web domain):
   * the CORS origin. When the stack serves it, its origin comes from the distribution instead.
   */
  webOrigin?: string;
  /** A custom domain for the distribution; without it, the CloudFront domain (commercial partition only). */
  webDomain?: WebDomain;
  /** An external OIDC issuer instead of the stack's Cognito user pool; required in aws-cn. */
  oidc?: OidcIssuer & { signIn?: OidcSignIn };
  /** The Cognito hosted sign-in domain's prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  cognitoDomainPrefix?: string;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  monthlyTrigger: MonthlyTrigger;
  /** The reminders channel of the send-reminders function. */
  notifier: { kind: NotifierKind; webhookUrl?: string };
}

/** Context keys, one place. */
export const CONTEXT = {
  account: 'account',
  region: 'region',
  webOrigin: 'webOrigin',
  webDomain: 'webDomain',
  webCertificateArn: 'webCertificateArn',
  webCertificateId: 'webCertificateId',
  cognitoDomain: 'cognitoDomain',
  oidcIssuer: 'oidcIssuer',
  oidcAudience: 'oidcAudience',
  oidcAuthorizeUrl: 'oidcAuthorizeUrl',
  oidcTokenUrl: 'oidcTokenUrl',
  oidcLogoutUrl: 'oidcLogoutUrl',
  oidcClientId: 'oidcClientId',
  oidcScope: 'oidcScope',
  alarmEmail: 'alarmEmail',
  monthlyTrigger: 'monthlyTrigger',
  notifier: 'notifier',
  notifyWebhookUrl: 'notifyWebhookUrl',
} as const;

/** Where `npm start` serves the web page: a safe default until the real origin is configured. */
export const DEFAULT_WEB_ORIGIN = 'http://localhost:3000';

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key}: expected a string`);
  return value.trim();
}

function list(node: Node, key: string): string[] | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

function httpsUrl(node: Node, key: string): string | undefined {
  const value = text(node, key);
  if (value !== undefined && !/^https:\/\/[^/\s]+(\/\S*)?$/.test(value)) throw new Error(`context ${key}: an https URL, got ${value}`);
  return value;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Cognito's rule for a domain prefix, and the words it refuses in one. */
const COGNITO_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COGNITO_RESERVED = /aws|amazon|cognito/;

function webDomainFrom(node: Node): WebDomain | undefined {
  const name = text(node, CONTEXT.webDomain)?.toLowerCase();
  const acmCertificateArn = text(node, CONTEXT.webCertificateArn);
  const iamCertificateId = text(node, CONTEXT.webCertificateId);
  if (!name) {
    if (acmCertificateArn || iamCertificateId)
      throw new Error(`context ${CONTEXT.webCertificateArn} / ${CONTEXT.webCertificateId}: a certificate needs ${CONTEXT.webDomain}`);
    return undefined;
  }
  if (!HOSTNAME.test(name)) throw new Error(`context ${CONTEXT.webDomain}: a host name such as taizhang.example.gov.cn, got ${name}`);
  if (!acmCertificateArn === !iamCertificateId)
    throw new Error(
      `context ${CONTEXT.webDomain}: give its certificate, either ${CONTEXT.webCertificateArn}=<ACM certificate ARN in us-east-1> ` +
        `or ${CONTEXT.webCertificateId}=<IAM server certificate id> (China regions), not both`,
    );
  if (acmCertificateArn && !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(acmCertificateArn))
    throw new Error(`context ${CONTEXT.webCertificateArn}: CloudFront takes ACM certificates from us-east-1 only, got ${acmCertificateArn}`);
  if (iamCertificateId && !/^[A-Z0-9]{16,128}$/.test(iamCertificateId))
    throw new Error(`context ${CONTEXT.webCertificateId}: an IAM server certificate id (ServerCertificateId, e.g. ASCA…), got ${iamCertificateId}`);
  return { name, acmCertificateArn, iamCertificateId };
}

function oidcFrom(node: Node): TaizhangSettings['oidc'] {
  const issuer = text(node, CONTEXT.oidcIssuer);
  const audience = list(node, CONTEXT.oidcAudience);
  if (!issuer !== !audience?.length)
    throw new Error(`context ${CONTEXT.oidcIssuer} and ${CONTEXT.oidcAudience} go together: set both or neither`);
  if (issuer && !/^https:\/\/\S+$/.test(issuer)) throw new Error(`context ${CONTEXT.oidcIssuer}: an https URL, got ${issuer}`);

  const authorizeUrl = httpsUrl(node, CONTEXT.oidcAuthorizeUrl);
  const tokenUrl = httpsUrl(node, CONTEXT.oidcTokenUrl);
  const logoutUrl = httpsUrl(node, CONTEXT.oidcLogoutUrl);
  const clientId = text(node, CONTEXT.oidcClientId);
  const scope = text(node, CONTEXT.oidcScope);
  const anySignIn = authorizeUrl || tokenUrl || logoutUrl || clientId || scope;
  if (!issuer || !audience) {
    if (anySignIn) throw new Error(`context ${CONTEXT.oidcAuthorizeUrl}, ${CONTEXT.oidcTokenUrl}…: they belong to an external issuer (${CONTEXT.oidcIssuer})`);
    return undefined;
  }
  if (!anySignIn) return { issuer, audience };
  if (!authorizeUrl || !tokenUrl)
    throw new Error(`context ${CONTEXT.oidcAuthorizeUrl} and ${CONTEXT.oidcTokenUrl} go together: the web app needs both to sign in`);
  // The ID token's aud is the client that asked for it, so the web app's client is normally the audience.
  return { issuer, audience, signIn: { authorizeUrl, tokenUrl, logoutUrl, clientId: clientId ?? audience[0]!, scope } };
}

export function settingsFromContext(node: Node): TaizhangSettings {
  const webOrigin = text(node, CONTEXT.webOrigin);
  if (webOrigin !== undefined && !/^https?:\/\/[^/\s]+$/.test(webOrigin))
    throw new Error(`context ${CONTEXT.webOrigin}: an origin such as https://taizhang.example.gov.cn (no path), got ${webOrigin}`);

  const cognitoDomainPrefix = text(node, CONTEXT.cognitoDomain);
  if (cognitoDomainPrefix !== undefined && (!COGNITO_PREFIX.test(cognitoDomainPrefix) || COGNITO_RESERVED.test(cognitoDomainPrefix)))
    throw new Error(
      `context ${CONTEXT.cognitoDomain}: lower-case letters, digits and hyphens, without "aws", "amazon" or "cognito", got ${cognitoDomainPrefix}`,
    );

  const trigger = text(node, CONTEXT.monthlyTrigger) ?? 'scheduler';
  if (trigger !== 'scheduler' && trigger !== 'rule')
    throw new Error(`context ${CONTEXT.monthlyTrigger}: scheduler or rule, got ${trigger}`);

  const webhookUrl = httpsUrl(node, CONTEXT.notifyWebhookUrl);
  const kind = text(node, CONTEXT.notifier) ?? (webhookUrl ? 'webhook' : 'log');
  if (kind !== 'log' && kind !== 'webhook') throw new Error(`context ${CONTEXT.notifier}: log or webhook, got ${kind}`);
  if (kind === 'webhook' && !webhookUrl) throw new Error(`context ${CONTEXT.notifier}=webhook needs ${CONTEXT.notifyWebhookUrl}=https://…`);
  if (kind === 'log' && webhookUrl) throw new Error(`context ${CONTEXT.notifyWebhookUrl} is set but ${CONTEXT.notifier} is log`);

  return {
    webOrigin,
    webDomain: webDomainFrom(node),
    oidc: oidcFrom(node),
    cognitoDomainPrefix,
    alarmEmail: text(node, CONTEXT.alarmEmail),
    monthlyTrigger: trigger,
    notifier: { kind, webhookUrl },
  };
}
