/**
 * Who may call the API: a JWT authorizer on every route. By default the stack's own Cognito user
 * pool issues the tokens; any OIDC issuer can take its place (and must, in aws-cn, where Cognito
 * user pools are not offered).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../../functions/core/templates.js';

/** An external OpenID Connect issuer: its tokens must carry `sub`, `unit` and `roles` claims. */
export interface OidcIssuer {
  /** The `iss` of its tokens, https. */
  issuer: string;
  /** Accepted `aud` (or `client_id`) values. */
  audience: string[];
}

export interface ApiAuthProps {
  /** @default - a Cognito user pool created here */
  oidc?: OidcIssuer;
  /** Where the web app runs: the only sign-in callback. */
  webOrigin: string;
}

export class ApiAuth extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  readonly issuer: string;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ApiAuthProps) {
    super(scope, id);
    if (props.oidc) {
      this.issuer = props.oidc.issuer;
      this.authorizer = new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: props.oidc.audience });
      return;
    }

    const pool = new cognito.UserPool(this, 'Users', {
      // The office creates every account; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      autoVerify: { email: true },
      // custom:unit says whose records a user may see; the API reads it as a claim.
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
    // Group names are the role names: the ID token's cognito:groups claim is what the API reads.
    for (const role of ROLES) pool.addGroup(`Group-${role}`, { groupName: role, description: `Taizhang role ${role}` });

    const client = pool.addClient('Web', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [props.webOrigin],
        logoutUrls: [props.webOrigin],
      },
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('unit'),
      // Users may not write custom:unit: changing it would move them into another unit's records.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
    });

    this.userPool = pool;
    this.userPoolClient = client;
    this.issuer = pool.userPoolProviderUrl;
    // The web app sends the ID token: it carries custom:unit and cognito:groups, and its aud is the client.
    this.authorizer = new HttpJwtAuthorizer('Cognito', pool.userPoolProviderUrl, { jwtAudience: [client.userPoolClientId] });
  }
}
