import { App, type CfnElement } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER } from '../../functions/routes.js';
import { MONTHLY_RETRY, MONTHLY_RULE_EXPRESSION } from '../../infra/cloud/constructs/monthly-job.js';
import { DEFAULT_WEB_ORIGIN } from '../../infra/cloud/settings.js';
import { buildApp } from '../../infra/cloud/taizhang.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHINA, CHINA_WEB, COMMERCIAL, fakeWebDist, synthesise, type Synthesised } from './synth.js';

const commercial = synthesise(COMMERCIAL);
const china = synthesise(CHINA);
const chinaWithRule = synthesise({ ...CHINA, monthlyTrigger: 'rule' });
const chinaWithWeb = synthesise(CHINA_WEB);
const scratch = mkdtempSync(join(tmpdir(), 'taizhang-partitions-'));
afterAll(() => {
  [commercial, china, chinaWithRule, chinaWithWeb].forEach((s) => s.dispose());
  rmSync(scratch, { recursive: true, force: true });
});

const resourcesOf = (s: Synthesised) => Object.values(s.template.toJSON().Resources as Record<string, { Type: string; Properties: any }>);
const typesOf = (s: Synthesised) => new Set(resourcesOf(s).map((r) => r.Type));

/**
 * Every string the template spells out, except service principal names (`Service` in a policy,
 * `Principal` of a Lambda permission), which are the same in every partition.
 */
function literals(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return key === 'Service' || key === 'Principal' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => literals(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => literals(v, k));
  return [];
}

describe('the China partition (cn-northwest-1, aws-cn)', () => {
  it('refuses to synthesise without an OIDC issuer, since Cognito user pools are not offered there', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], region: 'cn-northwest-1', account: '111111111111' } });
    expect(() => buildApp(app)).toThrow(/Cognito user pools are not offered in cn-northwest-1.*oidcIssuer/);
  });

  it('trusts the configured OIDC issuer and audience, and creates no Cognito resource', () => {
    expect([...typesOf(china)].filter((t) => t.startsWith('AWS::Cognito::'))).toEqual([]);
    china.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: CHINA.oidcIssuer, Audience: [CHINA.oidcAudience] },
    });
    china.template.hasOutput('Issuer', { Value: CHINA.oidcIssuer });
  });

  it('grants no function any Cognito call, and has the people routes require the subject the office enters', () => {
    const statements = resourcesOf(china)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as { Action: string | string[] }[]);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('cognito-idp:'))).toEqual([]);
    for (const entry of ['create-roster-person', 'update-roster-person']) {
      const fn = china.stack.functions.get(entry)!;
      const vars = china.template.toJSON().Resources[china.stack.getLogicalId(fn.node.defaultChild as CfnElement)].Properties.Environment.Variables;
      expect(vars.IDENTITY_PROVIDER, entry).toBe('external');
      expect(vars.USER_POOL_ID, entry).toBeUndefined();
    }
  });

  it('serves no web app without an ICP-filed domain, and allows CORS from the web origin, http://localhost:3000 until one is set', () => {
    expect(typesOf(china).has('AWS::CloudFront::Distribution')).toBe(false);
    china.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: [DEFAULT_WEB_ORIGIN] } });
  });

  it('keeps EventBridge Scheduler with the Shanghai time zone by default', () => {
    china.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 1 1 * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
    });
  });

  it('can fire the monthly job from an EventBridge rule instead, at 17:00 UTC on the last day of the month', () => {
    expect(typesOf(chinaWithRule).has('AWS::Scheduler::Schedule')).toBe(false);
    const fnId = chinaWithRule.stack.getLogicalId(chinaWithRule.stack.functions.get(WORKER.entry)!.node.defaultChild as never);
    const dlqId = chinaWithRule.stack.getLogicalId(chinaWithRule.stack.monthly.deadLetterQueue.node.defaultChild as never);
    chinaWithRule.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: MONTHLY_RULE_EXPRESSION,
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: MONTHLY_RETRY.attempts, MaximumEventAgeInSeconds: MONTHLY_RETRY.maxEventAge.toSeconds() },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      ],
    });
    expect(MONTHLY_RULE_EXPRESSION).toBe('cron(0 17 L * ? *)');
    // The daily reminders at 09:00 Shanghai are 01:00 UTC.
    chinaWithRule.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 1 * * ? *)',
      Targets: [{ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } } }],
    });
  });
});

describe('both partitions', () => {
  it('synthesise the same application: table, buckets, functions, routes, alarms, and the web app once China has its domain', () => {
    const count = (s: Synthesised, type: string) => resourcesOf(s).filter((r) => r.Type === type).length;
    const types = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Lambda::Function', 'AWS::ApiGatewayV2::Route', 'AWS::CloudWatch::Alarm'];
    for (const type of [...types, 'AWS::CloudFront::Distribution', 'AWS::CloudFront::ResponseHeadersPolicy', 'Custom::CDKBucketDeployment'])
      expect(count(chinaWithWeb, type), type).toBe(count(commercial, type));
    for (const type of ['AWS::DynamoDB::Table', 'AWS::ApiGatewayV2::Route', 'AWS::CloudWatch::Alarm']) expect(count(china, type), type).toBe(count(commercial, type));
    expect(china.stack.functions.size).toBe(commercial.stack.functions.size);
  });

  it('spell no ARN, domain or endpoint of the other partition', () => {
    const chinese = [china, chinaWithWeb].map((s) => literals(s.template.toJSON()).join('\n')).join('\n');
    const global = literals(commercial.template.toJSON()).join('\n');
    expect(chinese).not.toMatch(/arn:aws:/);
    expect(chinese).not.toMatch(/amazonaws\.com(?!\.cn)/);
    expect(global).not.toMatch(/arn:aws-cn:|amazonaws\.com\.cn/);
    expect(global).not.toMatch(/amazonaws\.com/);
  });

  it('pass cdk-nag AWS Solutions checks with no unacknowledged finding', () => {
    for (const s of [commercial, china, chinaWithRule, chinaWithWeb]) expect(s.violations).toEqual([]);
  });

  it('would fail on a finding nobody acknowledged (the checks do run)', () => {
    const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...COMMERCIAL, account: '111111111111' } });
    const stack = buildApp(app, { webDist: fakeWebDist(scratch) });
    new Queue(stack, 'Unchecked');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('acknowledge each finding on its own construct, with a reason a reviewer can check', () => {
    const all = [...commercial.acknowledgements, ...china.acknowledgements, ...chinaWithWeb.acknowledgements];
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) {
      expect(a.path, a.id).not.toBe('');
      expect(a.reason.length, a.id).toBeGreaterThan(60);
    }
    const distinct = [...new Map(all.map((a) => [`${a.path} ${a.id}`, a])).values()];
    console.log(distinct.map((a) => `${a.path}\n  ${a.id}\n  ${a.reason}`).join('\n'));
  });
});
