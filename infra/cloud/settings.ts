/**
 * The deployment's choices, read from CDK context (`cdk.json`, `-c key=value`) so that a bureau
 * configures its deployment without editing code.
 */
import type { Node } from 'constructs';
import type { OidcIssuer } from './constructs/auth.js';
import type { MonthlyTrigger } from './constructs/monthly-job.js';

export interface TaizhangSettings {
  /** The web app's origin, e.g. `https://taizhang.example.gov.cn`: CORS and the sign-in callback. */
  webOrigin: string;
  /** An external OIDC issuer instead of the stack's Cognito user pool; required in aws-cn. */
  oidc?: OidcIssuer;
  /** Subscribed to the alarm topic when given. */
  alarmEmail?: string;
  monthlyTrigger: MonthlyTrigger;
  /** The reminders channel of the send-reminders function. */
  notifier: { kind: NotifierKind; webhookUrl?: string };
}

export type NotifierKind = 'log' | 'webhook';

/** Context keys, one place. */
export const CONTEXT = {
  account: 'account',
  region: 'region',
  webOrigin: 'webOrigin',
  oidcIssuer: 'oidcIssuer',
  oidcAudience: 'oidcAudience',
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

export function settingsFromContext(node: Node): TaizhangSettings {
  const webOrigin = text(node, CONTEXT.webOrigin) ?? DEFAULT_WEB_ORIGIN;
  if (!/^https?:\/\/[^/\s]+$/.test(webOrigin))
    throw new Error(`context ${CONTEXT.webOrigin}: an origin such as https://taizhang.example.gov.cn (no path), got ${webOrigin}`);

  const issuer = text(node, CONTEXT.oidcIssuer);
  const audience = list(node, CONTEXT.oidcAudience);
  if (!issuer !== !audience?.length)
    throw new Error(`context ${CONTEXT.oidcIssuer} and ${CONTEXT.oidcAudience} go together: set both or neither`);
  if (issuer && !/^https:\/\/\S+$/.test(issuer)) throw new Error(`context ${CONTEXT.oidcIssuer}: an https URL, got ${issuer}`);

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
    oidc: issuer && audience ? { issuer, audience } : undefined,
    alarmEmail: text(node, CONTEXT.alarmEmail),
    monthlyTrigger: trigger,
    notifier: { kind, webhookUrl },
  };
}
