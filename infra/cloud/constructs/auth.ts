/**
 * Who may call the API: a JWT authorizer on every route. By default the stack's own Cognito user
 * pool issues the tokens and its managed login pages sign people in; any OIDC issuer can take its
 * place (and must, in aws-cn, where Cognito user pools are not offered).
 */
import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { OidcSignIn } from '../settings.js';

/** An external OpenID Connect issuer: its tokens must carry `sub`, `unit` and `roles` claims. */
export interface OidcIssuer {
  /** The `iss` of its tokens, https. */
  issuer: string;
  /** Accepted `aud` (or `client_id`) values. */
  audience: string[];
}

export interface ApiAuthProps {
  /** @default - a Cognito user pool created here */
  oidc?: OidcIssuer & { signIn?: OidcSignIn };
  /** Where the web app runs: its root (`<webOrigin>/`) is the only sign-in callback and sign-out URL. */
  webOrigin: string;
  /** @default - `taizhang-` and a hash of the account, region and stack name */
  cognitoDomainPrefix?: string;
}

/** The scopes the web app asks for: the ID token then carries the name and e-mail beside the unit and groups. */
export const WEB_SCOPES = 'openid email profile';

/**
 * A stable prefix nobody else is likely to hold in the region, without putting the account id in
 * every sign-in URL.
 */
export function defaultCognitoDomainPrefix(account: string, region: string, stackName: string): string {
  return `taizhang-${createHash('sha256').update(`${account}/${region}/${stackName}`).digest('hex').slice(0, 12)}`;
}

/** Where Cognito serves a user pool's sign-in pages and OAuth endpoints for a domain prefix. */
export function cognitoBaseUrl(domainPrefix: string, region: string): string {
  return `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
}

export class ApiAuth extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  readonly issuer: string;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly domain?: cognito.UserPoolDomain;
  /** How the web app signs in; undefined for an external issuer configured without its endpoints. */
  readonly signIn?: OidcSignIn;

  constructor(scope: Construct, id: string, props: ApiAuthProps) {
    super(scope, id);
    if (props.oidc) {
      this.issuer = props.oidc.issuer;
      this.authorizer = new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: props.oidc.audience });
      this.signIn = props.oidc.signIn;
      return;
    }

    const pool = new cognito.UserPool(this, 'Users', {
      // The office creates every account; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      autoVerify: { email: true },
      // Kept only because a user pool cannot drop an attribute once made: the API no longer reads it;
      // the unit and roles come from the roster in the table (DESIGN §5).
      customAttributes: { unit: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised passwords, risky sign-ins) comes with the Plus plan.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // A public client (a browser keeps no secret): the web app uses the code flow with PKCE.
    const client = pool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.webOrigin}/`],
        logoutUrls: [`${props.webOrigin}/`],
      },
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true }),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
    });

    const stack = Stack.of(this);
    if (!props.cognitoDomainPrefix && Token.isUnresolved(stack.account))
      throw new Error('Taizhang: the sign-in domain prefix needs a concrete account, or set -c cognitoDomain=<prefix>');
    const domainPrefix = props.cognitoDomainPrefix ?? defaultCognitoDomainPrefix(stack.account, stack.region, stack.stackName);
    // Managed login (version 2) walks a new user through the authenticator-app setup that MFA requires.
    const domain = pool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login shows its pages only for a client that has a style; Cognito's own is enough.
    new cognito.CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: pool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    // Spelled out rather than domain.baseUrl(): the page's CSP needs the same origin before this exists.
    const base = cognitoBaseUrl(domainPrefix, stack.region);

    this.userPool = pool;
    this.userPoolClient = client;
    this.domain = domain;
    this.signIn = {
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl: `${base}/oauth2/token`,
      logoutUrl: `${base}/logout`,
      clientId: client.userPoolClientId,
      scope: WEB_SCOPES,
    };
    this.issuer = pool.userPoolProviderUrl;
    // The web app sends the ID token, whose aud is the client; only its sub (and issuer) count.
    this.authorizer = new HttpJwtAuthorizer('Cognito', pool.userPoolProviderUrl, { jwtAudience: [client.userPoolClientId] });
  }
}
