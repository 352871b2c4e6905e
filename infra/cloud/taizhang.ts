/** Builds the app: the one stack, its environment, and cdk-nag's AWS Solutions checks over it. */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WEB_DIST } from '../../web/build.js';
import { CONTEXT, settingsFromContext } from './settings.js';
import { TaizhangStack } from './stack.js';

export const STACK_NAME = 'Taizhang';
/**
 * Offline `cdk synth` has no credentials, so no account: a placeholder keeps synthesis
 * deterministic. `cdk deploy` supplies the real account from its credentials.
 */
export const OFFLINE_ACCOUNT = '123456789012';
/** A commercial region with Cognito, for synthesis when none is configured. */
export const DEFAULT_REGION = 'ap-southeast-1';

export interface BuildOptions {
  /** The built web app to deploy. @default web/dist */
  webDist?: string;
}

export function buildApp(app: App, options: BuildOptions = {}): TaizhangStack {
  const account = (app.node.tryGetContext(CONTEXT.account) as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT ?? OFFLINE_ACCOUNT;
  const region = (app.node.tryGetContext(CONTEXT.region) as string | undefined) ?? process.env.CDK_DEFAULT_REGION ?? DEFAULT_REGION;
  const stack = new TaizhangStack(app, STACK_NAME, {
    env: { account, region },
    description: 'Taizhang (台账): records, ledgers and the monthly compilation',
    settings: settingsFromContext(app.node),
    webDist: options.webDist ?? WEB_DIST,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
