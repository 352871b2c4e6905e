/**
 * The web app in the cloud: web/dist in a private bucket behind CloudFront, which also routes
 * `/api/*` to the HTTP API, so the page and the API share one origin (no CORS, CSP connect-src
 * 'self' for the API). A `config.json` written at deploy time tells the page how to sign in.
 *
 * The China regions get the same shape from different parts, because CloudFront there lacks some
 * of the commercial partition's (checked June 2026; see the README's China section): no origin
 * access control (an origin access identity instead), no cache or origin request policies on a
 * behaviour (the legacy forwarded-values settings instead), no ACM (an IAM server certificate),
 * and no default domain (an ICP-filed alternate domain is required).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { SECURITY_HEADERS } from '../../../functions/http/middleware.js';
import type { WebConfig } from '../../../web/src/auth.js';
import { ASSETS_DIR as WEB_ASSETS, IMMUTABLE as WEB_IMMUTABLE, WEB_CSP } from '../../local/web.js';
import type { OidcSignIn, WebDomain } from '../settings.js';
import { LOG_RETENTION } from './function.js';

/** Browsers remember HTTPS-only for this long after one visit. */
export const HSTS_MAX_AGE = Duration.days(365);
/** The path the API's routes live under, served from the API origin. */
export const API_PATH = '/api/*';
/** Where web/build.ts puts the hashed assets, and their Cache-Control (the same as `npm start` sends). */
export { ASSETS_DIR as WEB_ASSETS, IMMUTABLE as WEB_IMMUTABLE } from '../../local/web.js';
/** The request headers the API reads (functions/http): forwarded where the headers must be listed (aws-cn). */
export const API_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key'];

export type WebConfigOidc = Extract<WebConfig, { mode: 'oidc' }>;

/** The `config.json` the page reads: the API on its own origin, sign-in with the code flow and PKCE. */
export function webConfig(signIn: OidcSignIn, webOrigin: string): WebConfigOidc {
  return {
    mode: 'oidc',
    apiBase: '',
    authorizeUrl: signIn.authorizeUrl,
    tokenUrl: signIn.tokenUrl,
    ...(signIn.logoutUrl ? { logoutUrl: signIn.logoutUrl } : {}),
    clientId: signIn.clientId,
    redirectUri: `${webOrigin}/`,
    ...(signIn.scope ? { scope: signIn.scope } : {}),
  };
}

/**
 * WEB_CSP with more origins the page may fetch from. The page itself posts the authorization code
 * to the issuer's token endpoint (web/src/auth.ts), so that origin must be allowed beside 'self'.
 */
export function withConnectSources(csp: string, sources: string[]): string {
  return csp
    .split(';')
    .map((d) => d.trim())
    .map((d) => (d.split(/\s+/)[0] === 'connect-src' ? [d, ...sources].join(' ') : d))
    .join('; ');
}

export interface WebAppProps {
  api: IHttpApi;
  /** The built web app (web/dist). */
  distDir: string;
  /** `aws` or `aws-cn`: CloudFront differs between them. */
  partition: string;
  /** Required in aws-cn. */
  domain?: WebDomain;
  /** Origins the page fetches from besides its own: the issuer's token endpoint. */
  connectSources: string[];
}

export class WebApp extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.IDistribution;
  /** `https://<web domain or CloudFront domain>`: the page's origin and the sign-in callback's. */
  readonly origin: string;
  readonly pageHeaders: cloudfront.ResponseHeadersPolicy;
  readonly apiHeaders: cloudfront.ResponseHeadersPolicy;
  /** The page's Content-Security-Policy. */
  readonly contentSecurityPolicy: string;
  readonly distDir: string;
  private readonly partition: string;
  private readonly china: boolean;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    this.distDir = props.distDir;
    this.partition = props.partition;
    this.china = props.partition === 'aws-cn';
    if (this.china && !props.domain?.iamCertificateId)
      throw new Error(
        'Taizhang: CloudFront in the China regions serves only an ICP-filed domain, with an IAM server certificate ' +
          '(it takes no ACM certificate): set -c webDomain=… -c webCertificateId=<ServerCertificateId>',
      );
    if (!this.china && props.domain && !props.domain.acmCertificateArn)
      throw new Error('Taizhang: give the web domain an ACM certificate from us-east-1: -c webCertificateArn=arn:aws:acm:us-east-1:…');
    if (!existsSync(join(props.distDir, 'index.html')))
      throw new Error(`Taizhang: ${props.distDir}/index.html is missing; build the web app first: npx tsx web/build.ts`);

    // Build output, rebuilt and redeployed from the repository each time: versions would only pile
    // up, and the bucket goes with the stack.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the built web app (index.html, its hashed assets, config.json), written by the ' +
        'deployment and read only by CloudFront; nothing in it is private or changes between deploys.',
    });

    const hsts = { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true };
    // The page's headers: those `npm start` sends (infra/local/web.ts), plus HSTS.
    this.contentSecurityPolicy = withConnectSources(WEB_CSP, props.connectSources);
    this.pageHeaders = new cloudfront.ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Taizhang web app: CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: hsts,
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // The API's own responses carry functions/http's headers; these fill them in on API Gateway's own
    // (a 401 from the authorizer, a 429 from throttling) without overriding the functions'.
    this.apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Taizhang API: HSTS, and the API headers where API Gateway answers itself',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SECURITY_HEADERS['Content-Security-Policy']!, override: false },
        strictTransportSecurity: hsts,
        contentTypeOptions: { override: false },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: false },
      },
    });

    // The HTTP API's default endpoint: its stage is $default, so /api/… maps onto the routes as is.
    const apiDomain = `${props.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    if (this.china) {
      this.distribution = this.chinaDistribution(apiDomain, props.domain!);
    } else {
      this.distribution = this.commercialDistribution(apiDomain, props.domain);
    }
    this.origin = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
  }

  private commercialDistribution(apiDomain: string, domain?: WebDomain): cloudfront.Distribution {
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Taizhang: the web app, and /api/* to the HTTP API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(domain
        ? {
            domainNames: [domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.acmCertificateArn!),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.pageHeaders,
        compress: true,
      },
      additionalBehaviors: {
        [API_PATH]: {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          // No redirect: a request with a token must not travel in the clear even once.
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Every viewer header, Authorization included (allowed because caching is off), and every
          // query string; not Host, which API Gateway needs to be its own domain.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.apiHeaders,
        },
      },
    });
    this.acknowledgeDistribution(distribution);
    if (!domain)
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a web domain the distribution uses the default *.cloudfront.net certificate, whose security ' +
          'policy CloudFront fixes at TLSv1; with -c webDomain and -c webCertificateArn it is TLSv1.2_2021.',
      });
    return distribution;
  }

  private chinaDistribution(apiDomain: string, domain: WebDomain): cloudfront.IDistribution {
    const oai = new cloudfront.OriginAccessIdentity(this, 'OriginAccessIdentity', { comment: 'Taizhang web app' });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('*')],
        principals: [new iam.CanonicalUserPrincipal(oai.cloudFrontOriginAccessIdentityS3CanonicalUserId)],
      }),
    );
    const cfn = new cloudfront.CfnDistribution(this, 'Distribution', {
      distributionConfig: {
        enabled: true,
        comment: 'Taizhang: the web app, and /api/* to the HTTP API',
        aliases: [domain.name],
        defaultRootObject: 'index.html',
        httpVersion: 'http2',
        ipv6Enabled: false,
        viewerCertificate: { iamCertificateId: domain.iamCertificateId, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' },
        origins: [
          {
            id: 'web',
            domainName: this.bucket.bucketRegionalDomainName,
            s3OriginConfig: { originAccessIdentity: `origin-access-identity/cloudfront/${oai.originAccessIdentityId}` },
          },
          {
            id: 'api',
            domainName: apiDomain,
            customOriginConfig: { originProtocolPolicy: 'https-only', originSslProtocols: ['TLSv1.2'] },
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: 'web',
          viewerProtocolPolicy: 'redirect-to-https',
          allowedMethods: ['GET', 'HEAD'],
          compress: true,
          forwardedValues: { queryString: false, cookies: { forward: 'none' } },
          responseHeadersPolicyId: this.pageHeaders.responseHeadersPolicyId,
        },
        cacheBehaviors: [
          {
            pathPattern: API_PATH,
            targetOriginId: 'api',
            viewerProtocolPolicy: 'https-only',
            allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
            cachedMethods: ['GET', 'HEAD'],
            // Legacy settings forward only listed headers, Host not among them; with every TTL at
            // zero nothing is cached, so Authorization in the forwarded set is safe.
            forwardedValues: { queryString: true, headers: API_HEADERS, cookies: { forward: 'none' } },
            minTtl: 0,
            defaultTtl: 0,
            maxTtl: 0,
            responseHeadersPolicyId: this.apiHeaders.responseHeadersPolicyId,
          },
        ],
      },
    });
    const distribution = cloudfront.Distribution.fromDistributionAttributes(this, 'DistributionRef', {
      distributionId: cfn.ref,
      domainName: cfn.attrDomainName,
    });
    this.acknowledgeDistribution(cfn);
    Validations.of(cfn).acknowledge({
      id: 'AwsSolutions-CFR7',
      reason:
        "Origin access control is not offered in the China regions (CloudFormation's cn-north-1 and cn-northwest-1 " +
        'resource lists have no AWS::CloudFront::OriginAccessControl); an origin access identity, allowed only ' +
        's3:GetObject on this bucket, keeps it private instead.',
    });
    return distribution;
  }

  private acknowledgeDistribution(distribution: Construct) {
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "The bureau's people sign in from wherever they work, and every API call needs a token from the " +
          "bureau's issuer; a country block would add nothing to that and lock out staff travelling abroad.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A few hundred authenticated requests a day, throttled at the API stage (50/s, burst 100); a web ACL ' +
          'costs more than the whole application. In the China regions AWS WAF is regional only and cannot attach to CloudFront.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'The API stage already logs every API request with its caller; the remaining requests are for four ' +
          'public static files, whose logs would need a log bucket with ACLs enabled and say nothing about who did what.',
      },
    );
  }

  /**
   * Deploys web/dist in two parts. The hashed assets (assets/…) first, with `immutable`: their
   * names change with their content, so browsers and CloudFront keep them for good and nothing
   * needs invalidating; earlier builds' assets are kept, so a page opened before a deploy can
   * still load its other pages' code. Then the page and config.json with `no-cache`: browsers
   * revalidate them each time (a 304 with S3's ETag when unchanged), and the deploy invalidates
   * them, "/" included, which CloudFront caches apart from /index.html.
   */
  deploy(signIn: OidcSignIn): s3deploy.BucketDeployment {
    const logGroup = new logs.LogGroup(this, 'DeployLogs', { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    const assets = new s3assets.Asset(this, 'Assets', { path: join(this.distDir, WEB_ASSETS), exclude: ['.*'] });
    const page = new s3assets.Asset(this, 'Files', { path: this.distDir, exclude: [WEB_ASSETS, '.*'] });
    const assetDeployment = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${WEB_ASSETS}/`,
      sources: [s3deploy.Source.bucket(assets.bucket, assets.s3ObjectKey)],
      cacheControl: [s3deploy.CacheControl.fromString(WEB_IMMUTABLE)],
      prune: false,
      logGroup,
    });
    const files = readdirSync(this.distDir, { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.startsWith('.'))
      .map((f) => `/${f.name}`);
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.bucket(page.bucket, page.s3ObjectKey),
        s3deploy.Source.jsonData('config.json', webConfig(signIn, this.origin), { escape: true }),
      ],
      cacheControl: [s3deploy.CacheControl.noCache()],
      // Pruning removes what this build no longer has, but never the assets.
      prune: true,
      exclude: [`${WEB_ASSETS}/*`],
      distribution: this.distribution,
      distributionPaths: [...new Set(['/', ...files, '/config.json'])].sort(),
      logGroup,
    });
    // The page must never name an asset that is not there yet.
    deployment.node.addDependency(assetDeployment);
    this.acknowledgeDeploymentHandler(deployment, page.s3BucketName);
    return deployment;
  }

  /**
   * The deployment's handler is aws-cdk-lib's own prebuilt function (one per stack), run by
   * CloudFormation only while a deploy copies the files; its role and runtime are CDK's.
   */
  private acknowledgeDeploymentHandler(deployment: s3deploy.BucketDeployment, assetBucket: string) {
    const stack = Stack.of(this);
    const handler = deployment.handlerRole.node.scope!;
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const grants =
      "These are aws-cdk-lib's grants for its deployment handler: read the stack's asset bucket (where the zipped " +
      'web/dist and config.json are uploaded), read and write the web bucket it syncs into, with deletion of files ' +
      'no longer built. The handler runs only during a CloudFormation deploy.';
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "AWSLambdaBasicExecutionRole is what aws-cdk-lib's BucketDeployment gives its handler to write its logs; " +
          'the handler only copies the built web app during a deploy and holds no data.',
      },
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: grants,
      })),
      { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: grants },
      { id: `AwsSolutions-IAM5[Resource::arn:${this.partition}:s3:::${assetBucket}/*]`, reason: grants },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "aws-cdk-lib's BucketDeployment allows cloudfront:CreateInvalidation and GetInvalidation on any distribution; " +
          'the handler invalidates only the paths of this distribution that the stack names.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "The runtime of aws-cdk-lib's prebuilt deployment handler is chosen by aws-cdk-lib and moves with it; " +
          'the handler runs only during a deploy and serves no request.',
      },
    );
  }
}
