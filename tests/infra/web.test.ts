/**
 * The web app in the cloud: the distribution and its two origins, the private bucket, the headers
 * the page gets, the config.json written at deploy, the sign-in callback, and the China rule
 * (a distribution only with an ICP-filed domain and an IAM certificate).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../functions/http/middleware.js';
import { WEB_SCOPES } from '../../infra/cloud/constructs/auth.js';
import { API_HEADERS, HSTS_MAX_AGE, webConfig, withConnectSources } from '../../infra/cloud/constructs/web-app.js';
import { CONTEXT, settingsFromContext } from '../../infra/cloud/settings.js';
import { REMINDER_SENDER, WEB_NOT_HOSTED } from '../../infra/cloud/stack.js';
import { WORKER } from '../../functions/routes.js';
import { buildApp } from '../../infra/cloud/taizhang.js';
import { WEB_CSP } from '../../infra/local/web.js';
import { CHINA, CHINA_WEB, COMMERCIAL, WEB_FILES, synthesise, type Synthesised } from './synth.js';

const DOMAIN = 'taizhang.example.gov.cn';
const ACM_ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const IDP = 'https://idp.example.com/realms/bureau';
const WEBHOOK = 'https://oapi.dingtalk.com/robot/send?access_token=example';
const COMMERCIAL_WITH_DOMAIN = {
  ...COMMERCIAL,
  webDomain: DOMAIN,
  webCertificateArn: ACM_ARN,
  oidcIssuer: IDP,
  oidcAudience: 'taizhang-web',
  oidcAuthorizeUrl: `${IDP}/protocol/openid-connect/auth`,
  oidcTokenUrl: `${IDP}/protocol/openid-connect/token`,
  notifyWebhookUrl: WEBHOOK,
};
const CHINA_ELSEWHERE = { ...CHINA, webOrigin: `https://${DOMAIN}` };

const commercial = synthesise(COMMERCIAL);
const withDomain = synthesise(COMMERCIAL_WITH_DOMAIN);
const chinaElsewhere = synthesise(CHINA_ELSEWHERE);
const chinaWeb = synthesise(CHINA_WEB);
afterAll(() => [commercial, withDomain, chinaElsewhere, chinaWeb].forEach((s) => s.dispose()));

type Resource = { Type: string; Properties: any; DeletionPolicy?: string; DependsOn?: string[] };
const resourcesOf = (s: Synthesised) => s.template.toJSON().Resources as Record<string, Resource>;
const ofType = (s: Synthesised, type: string) => Object.entries(resourcesOf(s)).filter(([, r]) => r.Type === type);
const one = (s: Synthesised, type: string): [string, Resource] => {
  const found = ofType(s, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const idOf = (s: Synthesised, element: unknown) => Stack.of(s.stack).getLogicalId(element as CfnElement);
const distributionConfig = (s: Synthesised) => one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
const apiBehaviour = (s: Synthesised) => (distributionConfig(s).CacheBehaviors as any[]).find((b) => b.PathPattern === '/api/*');
const originOf = (s: Synthesised, id: string) => (distributionConfig(s).Origins as any[]).find((o) => o.Id === id);
const headersPolicy = (s: Synthesised, ref: { Ref: string }) => resourcesOf(s)[ref.Ref]!.Properties.ResponseHeadersPolicyConfig;
/** A CSP as the browser gets it: the partition's URL suffix (in the evidence upload host) filled in. */
const flatCsp = (s: Synthesised, v: unknown): string =>
  typeof v === 'string'
    ? v
    : (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((p) => (typeof p === 'string' ? p : (p as { Ref?: string }).Ref === 'AWS::URLSuffix' ? (s.stack.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com') : JSON.stringify(p)))
        .join('');
const csp = (s: Synthesised) => {
  const c = headersPolicy(s, distributionConfig(s).DefaultCacheBehavior.ResponseHeadersPolicyId).SecurityHeadersConfig.ContentSecurityPolicy;
  return { ...c, ContentSecurityPolicy: flatCsp(s, c.ContentSecurityPolicy) };
};
const apiDomain = (s: Synthesised) => ({
  'Fn::Join': ['', [{ Ref: idOf(s, s.stack.api.node.defaultChild) }, `.execute-api.${s.stack.region}.`, { Ref: 'AWS::URLSuffix' }]],
});
const deployments = (s: Synthesised) => ofType(s, 'Custom::CDKBucketDeployment').map(([, r]) => r);
/** The deployment of the page and config.json (the other copies the hashed assets). */
const pageDeployment = (s: Synthesised) => {
  const found = deployments(s).filter((d) => d.Properties.DestinationBucketKeyPrefix === undefined);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const assetDeployment = (s: Synthesised) => {
  const found = deployments(s).filter((d) => d.Properties.DestinationBucketKeyPrefix === 'assets/');
  expect(found).toHaveLength(1);
  return found[0]!;
};
const directives = (policy: string) => Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

/**
 * The config.json the deployment writes, read back from the staged asset, with each deploy-time
 * marker put back as the CloudFormation value it stands for: a string made of text and values
 * becomes the list of its parts.
 */
function deployedConfig(s: Synthesised): Record<string, unknown> {
  const deployment = pageDeployment(s);
  const keys = deployment.Properties.SourceObjectKeys as string[];
  const i = keys.findIndex((k) => existsSync(join(s.assemblyDir, `asset.${k.replace(/\.zip$/, '')}`, 'config.json')));
  expect(i, 'config.json among the deployed sources').toBeGreaterThanOrEqual(0);
  // CDK leaves SourceMarkers out when no source has a deploy-time value.
  const markers = (deployment.Properties.SourceMarkers?.[i] ?? {}) as Record<string, unknown>;
  expect(deployment.Properties.SourceMarkersConfig[i]).toEqual({ jsonEscape: true });
  const raw = JSON.parse(readFileSync(join(s.assemblyDir, `asset.${keys[i]!.replace(/\.zip$/, '')}`, 'config.json'), 'utf8')) as Record<string, unknown>;
  const restore = (value: unknown) => {
    if (typeof value !== 'string' || !value.includes('<<marker:')) return value;
    const parts = value.split(/(<<marker:0x[0-9a-f]+:\d+>>)/).filter(Boolean).map((p) => markers[p] ?? p);
    return parts.length === 1 ? parts[0] : parts;
  };
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, restore(v)]));
}

describe('the web app in the commercial partition', () => {
  const config = distributionConfig(commercial);
  const [bucketId, bucket] = ofType(commercial, 'AWS::S3::Bucket').find(([lid]) => lid.startsWith('WebBucket'))!;
  const [distributionId] = one(commercial, 'AWS::CloudFront::Distribution');
  const tokenOrigin = new URL(commercial.stack.auth.signIn!.tokenUrl).origin;
  const s3Origin = originOf(commercial, config.DefaultCacheBehavior.TargetOriginId);
  const apiOrigin = originOf(commercial, apiBehaviour(commercial).TargetOriginId);

  it('is served from a private, encrypted, TLS-only bucket that holds build output and goes with the stack', () => {
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Delete');
    const statements = ofType(commercial, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)![1].Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
  });

  it('lets only this distribution read it, through origin access control', () => {
    const [oacId, oac] = one(commercial, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    const statements = ofType(commercial, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)![1].Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]],
          },
        },
      },
    });
    expect(ofType(commercial, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('answers / with index.html, over HTTPS only (HTTP is redirected), cached as CloudFront optimises static files', () => {
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // Managed-CachingOptimized
      Compress: true,
    });
  });

  it('routes /api/* to the HTTP API, uncached, with every method, Authorization and query strings forwarded, Host not', () => {
    expect(apiOrigin).toEqual({
      Id: apiOrigin.Id,
      DomainName: apiDomain(commercial),
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(apiBehaviour(commercial)).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
    });
    expect(config.CacheBehaviors).toHaveLength(1);
  });

  it('sends the page with the CSP of `npm start`, allowing the token endpoint too, and HSTS, nosniff, DENY, no-referrer', () => {
    const headers = headersPolicy(commercial, config.DefaultCacheBehavior.ResponseHeadersPolicyId).SecurityHeadersConfig;
    const uploads = 'https://*.s3.ap-southeast-1.amazonaws.com';
    expect(csp(commercial)).toEqual({ ContentSecurityPolicy: withConnectSources(WEB_CSP, [tokenOrigin, uploads]), Override: true });
    const [cloud, local] = [directives(csp(commercial).ContentSecurityPolicy), directives(WEB_CSP)];
    // The page uploads evidence straight to its bucket (a presigned POST), so the regional S3 host too.
    expect(cloud['connect-src']).toEqual(["'self'", tokenOrigin, uploads]);
    expect({ ...cloud, 'connect-src': local['connect-src'] }).toEqual(local);
    expect(tokenOrigin).toMatch(/^https:\/\/taizhang-[0-9a-f]{12}\.auth\.ap-southeast-1\.amazoncognito\.com$/);
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: HSTS_MAX_AGE.toSeconds(), IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it("adds HSTS to the API's answers and fills in the API's own headers where API Gateway answers itself, without overriding the functions'", () => {
    const headers = headersPolicy(commercial, apiBehaviour(commercial).ResponseHeadersPolicyId).SecurityHeadersConfig;
    expect(headers).toMatchObject({
      ContentSecurityPolicy: { ContentSecurityPolicy: SECURITY_HEADERS['Content-Security-Policy'], Override: false },
      StrictTransportSecurity: { Override: true },
      ContentTypeOptions: { Override: false },
      FrameOptions: { FrameOption: 'DENY', Override: false },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: false },
    });
  });

  it('deploys the built files and a config.json for Cognito managed login, the API on the same origin', () => {
    const [clientId] = one(commercial, 'AWS::Cognito::UserPoolClient');
    const base = tokenOrigin;
    expect(deployedConfig(commercial)).toEqual({
      mode: 'oidc',
      apiBase: '',
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl: `${base}/oauth2/token`,
      logoutUrl: `${base}/logout`,
      clientId: { Ref: clientId },
      redirectUri: ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/'],
      scope: WEB_SCOPES,
    });
    const [, domain] = one(commercial, 'AWS::Cognito::UserPoolDomain');
    expect(`https://${domain.Properties.Domain}.auth.${commercial.stack.region}.amazoncognito.com`).toBe(base);
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    expect(one(commercial, 'AWS::Cognito::ManagedLoginBranding')[1].Properties).toMatchObject({ ClientId: { Ref: clientId }, UseCognitoProvidedValues: true });
  });

  it('copies the hashed assets kept for good (immutable, earlier builds kept, nothing invalidated), then the page revalidated each time', () => {
    expect(deployments(commercial)).toHaveLength(2);
    const assets = assetDeployment(commercial);
    expect(assets.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: 'assets/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(assets.Properties.DistributionId).toBeUndefined();
    const page = pageDeployment(commercial);
    expect(page.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      Prune: true,
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/', '/config.json', '/index.html'],
    });
    // The page goes up only after the assets it names.
    const [assetsId] = ofType(commercial, 'Custom::CDKBucketDeployment').find(([, r]) => r === assets)!;
    expect(page.DependsOn).toEqual(expect.arrayContaining([assetsId]));
    expect(WEB_FILES.filter((f) => !f.startsWith('assets/'))).toEqual(['index.html']);
  });

  it('makes the distribution the user pool client\'s only sign-in and sign-out URL: a public client, code flow, openid email profile', () => {
    const root = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] };
    expect(one(commercial, 'AWS::Cognito::UserPoolClient')[1].Properties).toMatchObject({
      CallbackURLs: [root],
      LogoutURLs: [root],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: WEB_SCOPES.split(' '),
      GenerateSecret: false,
    });
  });

  it('outputs the web URL and the distribution', () => {
    commercial.template.hasOutput('WebUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] } });
    commercial.template.hasOutput('WebDistributionId', { Value: { Ref: distributionId } });
  });

  it('uses the default certificate without a web domain, and a custom domain with its ACM certificate and TLS 1.2 when given', () => {
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
    const custom = distributionConfig(withDomain);
    expect(custom.Aliases).toEqual([DOMAIN]);
    expect(custom.ViewerCertificate).toEqual({ AcmCertificateArn: ACM_ARN, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' });
    withDomain.template.hasOutput('WebUrl', { Value: `https://${DOMAIN}/` });
    // The TLSv1 finding is acknowledged only where the default certificate forces it.
    const acknowledgesTlsV1 = (s: Synthesised) => s.acknowledgements.some((a) => a.id.endsWith('AwsSolutions-CFR4'));
    expect(acknowledgesTlsV1(withDomain)).toBe(false);
    expect(acknowledgesTlsV1(commercial)).toBe(true);
  });

  it('writes an external issuer\'s endpoints from context into config.json and its token origin into the CSP', () => {
    expect(ofType(withDomain, 'AWS::Cognito::UserPool')).toEqual([]);
    expect(deployedConfig(withDomain)).toEqual(
      webConfig(
        { authorizeUrl: COMMERCIAL_WITH_DOMAIN.oidcAuthorizeUrl, tokenUrl: COMMERCIAL_WITH_DOMAIN.oidcTokenUrl, clientId: 'taizhang-web' },
        `https://${DOMAIN}`,
      ),
    );
    expect(deployedConfig(withDomain)).toMatchObject({ redirectUri: `https://${DOMAIN}/`, clientId: 'taizhang-web', apiBase: '' });
    expect(directives(csp(withDomain).ContentSecurityPolicy)['connect-src']).toEqual(["'self'", 'https://idp.example.com', 'https://*.s3.ap-southeast-1.amazonaws.com']);
  });

  it('passes cdk-nag with a custom domain and an external issuer too', () => {
    expect(withDomain.violations).toEqual([]);
    expect(chinaElsewhere.violations).toEqual([]);
  });

  it('leaves CORS off: the page and the API share the origin', () => {
    for (const s of [commercial, withDomain]) expect(one(s, 'AWS::ApiGatewayV2::Api')[1].Properties.CorsConfiguration).toBeUndefined();
  });
});

describe('the reminders channel', () => {
  const env = (s: Synthesised, entry: string) => resourcesOf(s)[idOf(s, s.stack.functions.get(entry)!.node.defaultChild)]!.Properties.Environment.Variables;

  // The worker sends the scheduled reminders, so it is told the channel too.
  const senders: string[] = [REMINDER_SENDER, WORKER.entry];
  it('is a webhook from context, told to the send-reminders function and the worker and no other', () => {
    for (const sender of senders) {
      expect(env(withDomain, sender), sender).toMatchObject({ NOTIFIER: 'webhook', NOTIFY_WEBHOOK_URL: WEBHOOK });
      expect(env(commercial, sender), sender).toMatchObject({ NOTIFIER: 'log' });
      expect(env(commercial, sender), sender).not.toHaveProperty('NOTIFY_WEBHOOK_URL');
    }
    for (const entry of withDomain.stack.functions.keys())
      if (!senders.includes(entry)) expect(env(withDomain, entry), entry).not.toHaveProperty('NOTIFY_WEBHOOK_URL');
  });
});

describe('the web app in the China partition', () => {
  it('is not served by the stack without an ICP-filed domain and its IAM certificate; the output says how to serve it', () => {
    for (const type of ['AWS::CloudFront::Distribution', 'Custom::CDKBucketDeployment', 'AWS::CloudFront::ResponseHeadersPolicy'])
      expect(ofType(chinaElsewhere, type), type).toEqual([]);
    expect(ofType(chinaElsewhere, 'AWS::S3::Bucket').filter(([lid]) => lid.startsWith('WebBucket'))).toEqual([]);
    chinaElsewhere.template.hasOutput('WebUrl', { Value: WEB_NOT_HOSTED });
    expect(chinaElsewhere.stack.web).toBeUndefined();
  });

  it('then lets the API be called cross-origin from the configured web origin only', () => {
    expect(one(chinaElsewhere, 'AWS::ApiGatewayV2::Api')[1].Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: [`https://${DOMAIN}`],
      AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
    });
  });

  describe('with webDomain and webCertificateId', () => {
    const config = distributionConfig(chinaWeb);
    const web = originOf(chinaWeb, config.DefaultCacheBehavior.TargetOriginId);
    const api = originOf(chinaWeb, apiBehaviour(chinaWeb).TargetOriginId);

    it('serves the domain with its IAM server certificate, TLS 1.2, SNI, IPv4', () => {
      expect(config).toMatchObject({
        Aliases: [CHINA_WEB.webDomain],
        ViewerCertificate: { IamCertificateId: CHINA_WEB.webCertificateId, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
        DefaultRootObject: 'index.html',
        IPV6Enabled: false,
      });
      chinaWeb.template.hasOutput('WebUrl', { Value: `https://${CHINA_WEB.webDomain}/` });
    });

    it('reads the private bucket through an origin access identity (no origin access control there), allowed GetObject only', () => {
      const [oaiId] = one(chinaWeb, 'AWS::CloudFront::CloudFrontOriginAccessIdentity');
      expect(ofType(chinaWeb, 'AWS::CloudFront::OriginAccessControl')).toEqual([]);
      expect(web.S3OriginConfig).toEqual({ OriginAccessIdentity: { 'Fn::Join': ['', ['origin-access-identity/cloudfront/', { Ref: oaiId }]] } });
      expect(web.OriginAccessControlId).toBeUndefined();
      const [bucketId] = ofType(chinaWeb, 'AWS::S3::Bucket').find(([lid]) => lid.startsWith('WebBucket'))!;
      const statements = ofType(chinaWeb, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)![1].Properties.PolicyDocument.Statement as any[];
      expect(statements).toContainEqual({
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { CanonicalUser: { 'Fn::GetAtt': [oaiId, 'S3CanonicalUserId'] } },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      });
    });

    it('routes /api/* to the HTTP API with legacy settings: Authorization and the API headers forwarded, Host not, nothing cached', () => {
      expect(api).toMatchObject({ DomainName: apiDomain(chinaWeb), CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } });
      const behaviour = apiBehaviour(chinaWeb);
      expect(behaviour).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        ForwardedValues: { QueryString: true, Headers: API_HEADERS, Cookies: { Forward: 'none' } },
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 0,
      });
      expect(API_HEADERS).toContain('Authorization');
      expect(API_HEADERS.map((h) => h.toLowerCase())).not.toContain('host');
      // Cache and origin request policies cannot be set on a behaviour in the China regions.
      for (const b of [config.DefaultCacheBehavior, behaviour]) {
        expect(b.CachePolicyId).toBeUndefined();
        expect(b.OriginRequestPolicyId).toBeUndefined();
      }
      expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', ForwardedValues: { QueryString: false } });
    });

    it('sends the same headers, the CSP allowing the issuer\'s token endpoint', () => {
      expect(csp(chinaWeb).ContentSecurityPolicy).toBe(withConnectSources(WEB_CSP, ['https://idp.example.gov.cn', `https://*.s3.${chinaWeb.stack.region}.amazonaws.com.cn`]));
      expect(headersPolicy(chinaWeb, apiBehaviour(chinaWeb).ResponseHeadersPolicyId).SecurityHeadersConfig.StrictTransportSecurity.Override).toBe(true);
    });

    it('deploys config.json with the issuer\'s endpoints from context and the domain as redirect URI, and leaves CORS off', () => {
      expect(deployedConfig(chinaWeb)).toEqual({
        mode: 'oidc',
        apiBase: '',
        authorizeUrl: CHINA_WEB.oidcAuthorizeUrl,
        tokenUrl: CHINA_WEB.oidcTokenUrl,
        logoutUrl: CHINA_WEB.oidcLogoutUrl,
        clientId: CHINA_WEB.oidcAudience,
        redirectUri: `https://${CHINA_WEB.webDomain}/`,
      });
      expect(one(chinaWeb, 'AWS::ApiGatewayV2::Api')[1].Properties.CorsConfiguration).toBeUndefined();
    });

    it('passes cdk-nag, acknowledging the missing origin access control with its reason', () => {
      expect(chinaWeb.violations).toEqual([]);
      expect(chinaWeb.acknowledgements.find((a) => a.id.endsWith('AwsSolutions-CFR7'))?.reason).toMatch(/China regions/);
    });
  });
});

describe('web settings', () => {
  const settings = (context: Record<string, string>) => settingsFromContext(new App({ context }).node);
  const build = (context: Record<string, string>) => () =>
    buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], account: '111111111111', ...context } }), { webDist: '/nonexistent' });

  it('take a domain only with its certificate, ACM from us-east-1 or an IAM server certificate id', () => {
    expect(() => settings({ webDomain: DOMAIN })).toThrow(/webCertificateArn=.*or webCertificateId=/);
    expect(() => settings({ webCertificateId: 'ASCAEXAMPLECERTIFICATE1' })).toThrow(/needs webDomain/);
    expect(() => settings({ webDomain: DOMAIN, webCertificateArn: ACM_ARN.replace('us-east-1', 'ap-southeast-1') })).toThrow(/us-east-1 only/);
    expect(() => settings({ webDomain: 'https://x.example.com' })).toThrow(/host name/);
    expect(settings({ webDomain: DOMAIN.toUpperCase(), webCertificateArn: ACM_ARN }).webDomain).toEqual({ name: DOMAIN, acmCertificateArn: ACM_ARN, iamCertificateId: undefined });
  });

  it('take an issuer\'s sign-in endpoints together, the client defaulting to the audience', () => {
    const issuer = { oidcIssuer: IDP, oidcAudience: 'web' };
    expect(() => settings({ ...issuer, oidcAuthorizeUrl: `${IDP}/auth` })).toThrow(/oidcAuthorizeUrl and oidcTokenUrl go together/);
    expect(() => settings({ oidcTokenUrl: `${IDP}/token` })).toThrow(/external issuer/);
    expect(settings({ ...issuer, oidcAuthorizeUrl: `${IDP}/auth`, oidcTokenUrl: `${IDP}/token` }).oidc?.signIn).toMatchObject({ clientId: 'web' });
  });

  it('take a Cognito domain prefix Cognito would accept', () => {
    expect(() => settings({ [CONTEXT.cognitoDomain]: 'my-amazon-login' })).toThrow(/without "aws", "amazon" or "cognito"/);
    expect(settings({ [CONTEXT.cognitoDomain]: 'bureau-taizhang' }).cognitoDomainPrefix).toBe('bureau-taizhang');
  });

  it('take a reminders channel that is complete', () => {
    expect(() => settings({ notifier: 'webhook' })).toThrow(/needs notifyWebhookUrl/);
    expect(() => settings({ notifier: 'sms' })).toThrow(/log or webhook/);
    expect(() => settings({ notifier: 'log', notifyWebhookUrl: WEBHOOK })).toThrow(/notifier is log/);
    expect(settings({}).notifier).toEqual({ kind: 'log', webhookUrl: undefined });
  });

  it('refuse what the stack cannot serve, naming the context to set', () => {
    expect(build({ ...COMMERCIAL, webOrigin: `https://${DOMAIN}` })).toThrow(/webOrigin is for a web app served elsewhere/);
    const { webCertificateId: _iam, ...chinaWebWithoutCertificate } = CHINA_WEB;
    expect(build({ ...chinaWebWithoutCertificate, webCertificateArn: ACM_ARN })).toThrow(/takes no ACM certificate/);
    expect(build({ ...COMMERCIAL, oidcIssuer: IDP, oidcAudience: 'web' })).toThrow(/oidcAuthorizeUrl=.*oidcTokenUrl=/);
    expect(build(COMMERCIAL)).toThrow(/index.html is missing; build the web app first/);
  });
});
