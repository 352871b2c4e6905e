/**
 * Synthesises the app as `cdk synth` would, but in memory and with bundling switched off, so a
 * test file gets its template in about a second. cdk.json's feature flags apply, as in the CLI.
 * The web app deployed is a stand-in written per synthesis: tests neither build web/dist nor
 * race each other (or the web tests) writing it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/cloud/bundling.js';
import type { TaizhangStack } from '../../infra/cloud/stack.js';
import { buildApp } from '../../infra/cloud/taizhang.js';

const CDK_JSON = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

export const COMMERCIAL = { region: 'ap-southeast-1' };
export const CHINA = {
  region: 'cn-northwest-1',
  oidcIssuer: 'https://idp.example.gov.cn/realms/bureau',
  oidcAudience: 'taizhang-web',
};
/** China with the web app served: an ICP-filed domain, its IAM certificate, and the issuer's sign-in endpoints. */
export const CHINA_WEB = {
  ...CHINA,
  webDomain: 'taizhang.example.gov.cn',
  webCertificateId: 'ASCAEXAMPLECERTIFICATE1',
  oidcAuthorizeUrl: 'https://idp.example.gov.cn/realms/bureau/protocol/openid-connect/auth',
  oidcTokenUrl: 'https://idp.example.gov.cn/realms/bureau/protocol/openid-connect/token',
  oidcLogoutUrl: 'https://idp.example.gov.cn/realms/bureau/protocol/openid-connect/logout',
};

/** The files of a built web app, as web/build.ts names them: the page, and hashed assets under assets/. */
export const WEB_FILES = ['index.html', 'assets/app-TESTHASH.js', 'assets/chunk-TESTHASH.js', 'assets/app-TESTHASH.css'];

/** A stand-in for web/dist under `dir`. */
export function fakeWebDist(dir: string): string {
  const dist = join(dir, 'web');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  for (const f of WEB_FILES) writeFileSync(join(dist, f), `/* ${f} */\n`);
  return dist;
}

export interface Synthesised {
  stack: TaizhangStack;
  template: Template;
  /** Violations cdk-nag (and any other validation plugin) reported and nobody acknowledged. */
  violations: { plugin: string; rule: string; paths: string[] }[];
  /** Every acknowledgement in the app: where it sits, what it silences, and why. */
  acknowledgements: { path: string; id: string; reason: string }[];
  /** The cloud assembly's directory: staged assets (the web app, config.json) are under it. */
  assemblyDir: string;
  dispose(): void;
}

/** `extend` adds to the stack before synthesis (e.g. grants a later route will make). */
export function synthesise(context: Record<string, unknown>, extend?: (stack: TaizhangStack) => void): Synthesised {
  const root = mkdtempSync(join(tmpdir(), 'taizhang-cdk-'));
  const outdir = join(root, 'out');
  const app = new App({
    outdir,
    // CloudFormation's schema check runs in `npm run synth`; here it would only add seconds.
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [], account: '111111111111', ...context },
  });
  const stack = buildApp(app, { webDist: fakeWebDist(root) });
  extend?.(stack);
  // In memory, a violation makes synth() throw with the report; none makes it write an empty one.
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: { ruleName: string; violatingResources?: { constructPath?: string }[] }[] }[];
  };
  const violations = report.pluginReports.flatMap((p) =>
    p.violations.map((v) => ({
      plugin: p.pluginName,
      rule: v.ruleName,
      paths: (v.violatingResources ?? []).map((r) => r.constructPath ?? '?'),
    })),
  );
  const acknowledgements = app.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
  return {
    stack,
    template: Template.fromJSON(assembly.getStackByName(stack.stackName).template),
    violations,
    acknowledgements,
    assemblyDir: assembly.directory,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
