/**
 * Taizhang on AWS, one stack: the records table, the compilations bucket, one function per
 * route of functions/routes.ts behind an HTTP API with a JWT authorizer, the web app on
 * CloudFront in front of that API, the monthly job, and alarms to a topic the office subscribes to.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Construct } from 'constructs';
import { ROUTES, SNAPSHOT_STREAM, WORKER, type RouteDef } from '../../functions/routes.js';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { METRIC_NAMESPACE } from '../../functions/http/metrics.js';
import { ApiAuth, cognitoBaseUrl, defaultCognitoDomainPrefix } from './constructs/auth.js';
import { LOG_RETENTION, TaizhangFunction } from './constructs/function.js';
import { evidenceUploadOrigin, EvidenceStorage } from './constructs/evidence.js';
import { useBucket, useTable, type TableAccess } from './constructs/grants.js';
import { MonthlyJob, WORKER_RUN_RETRIES } from './constructs/monthly-job.js';
import { RecordsTable } from './constructs/table.js';
import { WebApp } from './constructs/web-app.js';
import { CONTEXT, DEFAULT_WEB_ORIGIN, type TaizhangSettings } from './settings.js';

export interface TaizhangStackProps extends StackProps {
  settings: TaizhangSettings;
  /** The built web app (web/dist), deployed to the web bucket. */
  webDist: string;
}

/** The entry that sends reminders: the only function told the reminders channel. */
export const REMINDER_SENDER = 'send-reminders';

/** Said in the outputs when the stack does not serve the web app (aws-cn without a web domain). */
export const WEB_NOT_HOSTED =
  'Not served by this stack: CloudFront in the China regions needs an ICP-filed domain (-c webDomain) and an IAM ' +
  'server certificate (-c webCertificateId). Until then serve web/dist from your own HTTPS server with the headers ' +
  'and the config.json described in the README (Deploy, China).';

/** Exactly the calls functions/store/cognito-identity.ts makes, on the stack's one user pool. */
export const USER_POOL_ACTIONS = ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser'] as const;

/** One bureau's traffic: a few hundred requests a day, a burst when a meeting's records go in. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };
/** Old workbook versions (a compilation run twice) are kept this long, then expire. */
export const NONCURRENT_VERSION_DAYS = 90;

/** Entries that read or write workbooks in the compilations bucket. */
export const usesBucket = (entry: string) => entry.includes('compilation') || entry.includes('archive') || entry === WORKER.entry;

/**
 * The worker's memory: the benchmark's 100,000-record job peaks near 200 MB (README, Measured), so
 * memory is not what limits it; CPU is, and Lambda gives a whole vCPU at 1,769 MB.
 */
export const WORKER_MEMORY_MB = 1769;

const pascal = (entry: string) =>
  entry
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

export class TaizhangStack extends Stack {
  readonly table: RecordsTable;
  readonly bucket: s3.Bucket;
  /** Evidence (佐证材料): its own bucket, uploaded to from the web origin; grants for the attachment routes. */
  readonly evidence: EvidenceStorage;
  /** Every function by its entry name, the scheduled one included. */
  readonly functions = new Map<string, TaizhangFunction>();
  readonly auth: ApiAuth;
  readonly api: apigw.HttpApi;
  /** The web app on CloudFront; undefined in aws-cn without a web domain. */
  readonly web?: WebApp;
  readonly stage: apigw.HttpStage;
  readonly monthly: MonthlyJob;
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: TaizhangStackProps) {
    super(scope, id, props);
    const { settings } = props;
    if (Token.isUnresolved(this.region)) throw new Error('Taizhang: the stack needs a concrete region (context region or CDK_DEFAULT_REGION)');
    const partition = RegionInfo.get(this.region).partition;
    if (partition === 'aws-cn' && !settings.oidc)
      throw new Error(
        `Taizhang: Amazon Cognito user pools are not offered in ${this.region} (aws-cn); ` +
          'configure an OIDC issuer with -c oidcIssuer=https://… -c oidcAudience=<client id>',
      );

    // Data
    this.table = new RecordsTable(this, 'Records');
    this.bucket = new s3.Bucket(this, 'Compilations', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the stack\'s functions reach this bucket, through their roles; every compile and download is logged ' +
        'by them with the caller, and public access is blocked. An access-log bucket would record nothing more.',
    });

    // Functions: one per entry of ROUTES, so a new route needs no edit here.
    const routesByEntry = new Map<string, RouteDef[]>();
    for (const route of ROUTES) routesByEntry.set(route.entry, [...(routesByEntry.get(route.entry) ?? []), route]);
    for (const [entry, routes] of routesByEntry) {
      const compiles = usesBucket(entry);
      const fn = new TaizhangFunction(this, pascal(entry), {
        entry,
        description: `Taizhang ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}`,
        // No request compiles (the worker does): every API function has the same small defaults.
      });
      const reads = routes.every((r) => r.method === 'GET' || r.readsOnly);
      const access: TableAccess = !reads ? 'readwrite' : routes.some((r) => r.repairsHeads || r.writesAccessLog) ? 'read-repair' : 'read';
      useTable(fn, this.table, access);
      if (compiles) useBucket(fn, this.bucket);
      this.functions.set(entry, fn);
    }
    // The worker: jobs (asynchronous invocation), the monthly schedule and the sweep. A run that
    // fails is retried once; then Lambda sends its record back here (the job is failed at once) and
    // the event to the dead-letter queue (alarmed).
    const deadLetters = new sqs.Queue(this, 'WorkerDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter queue of the worker's asynchronous invocations and of the schedules' " +
        'deliveries; cdk-nag only recognises a DLQ through another queue\'s redrive policy.',
    });
    const worker = new TaizhangFunction(this, pascal(WORKER.entry), {
      entry: WORKER.entry,
      description: 'Taizhang worker: compilation jobs, the monthly schedule, the daily reminders, the sweep',
      memorySize: WORKER_MEMORY_MB,
      nodeOptions: WORKER.nodeOptions,
      timeout: Duration.minutes(15),
      deadLetterQueue: deadLetters,
    });
    useTable(worker, this.table, 'readwrite');
    useBucket(worker, this.bucket);
    this.functions.set(WORKER.entry, worker);
    new lambda.EventInvokeConfig(this, 'WorkerAsync', {
      function: worker,
      retryAttempts: WORKER_RUN_RETRIES,
      maxEventAge: Duration.hours(6),
      // Back to the worker itself, which fails the job; a plain reference, since the grant helper
      // would put the function's own ARN in the policy it depends on.
      onFailure: { bind: () => ({ destination: worker.functionArn }) },
    });
    // Who may invoke the worker: itself (the monthly fan-out, the sweep's redispatch, the on-failure
    // record) and the routes that start jobs. A policy of its own, so the function does not depend on it.
    const invokers = [worker, ...[...routesByEntry].filter(([, rs]) => rs.some((r) => r.startsJobs)).map(([e]) => this.functions.get(e)!)];
    for (const fn of invokers) {
      new iam.Policy(this, `${pascal(fn.entryName)}InvokesWorker`, {
        roles: [fn.serviceRole],
        statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [worker.functionArn] })],
      });
      if (fn !== worker) fn.addEnvironment('WORKER_FUNCTION', worker.functionName);
    }

    // Reminders go out through the channel configured at deploy; only the sender needs to know it.
    const sender = this.functions.get(REMINDER_SENDER);
    if (!sender) throw new Error(`Taizhang: no function ${REMINDER_SENDER} in functions/routes.ts`);
    // The worker sends the scheduled reminders (DESIGN §10) through the same channel.
    for (const fn of [sender, worker]) {
      fn.addEnvironment('NOTIFIER', settings.notifier.kind);
      if (settings.notifier.webhookUrl) fn.addEnvironment('NOTIFY_WEBHOOK_URL', settings.notifier.webhookUrl);
    }

    // The web app is served here, with the API on its origin, except in the China regions without
    // an ICP-filed domain: CloudFront there has no default domain that may serve content.
    const hostsWeb = partition !== 'aws-cn' || settings.webDomain !== undefined;
    if (hostsWeb && settings.webOrigin)
      throw new Error(
        `Taizhang: context ${CONTEXT.webOrigin} is for a web app served elsewhere; this stack serves it ` +
          `(at https://<${CONTEXT.webDomain} or the CloudFront domain>), so remove ${CONTEXT.webOrigin}`,
      );
    if (hostsWeb && settings.oidc && !settings.oidc.signIn)
      throw new Error(
        `Taizhang: the web app signs in against ${settings.oidc.issuer}: set -c ${CONTEXT.oidcAuthorizeUrl}=… ` +
          `-c ${CONTEXT.oidcTokenUrl}=… (and ${CONTEXT.oidcLogoutUrl}, ${CONTEXT.oidcClientId} if they differ), from its /.well-known/openid-configuration`,
      );
    if (!settings.oidc && !settings.cognitoDomainPrefix && Token.isUnresolved(this.account))
      throw new Error(`Taizhang: the sign-in domain needs a concrete account, or set -c ${CONTEXT.cognitoDomain}=<prefix>`);
    const cognitoDomainPrefix = settings.oidc
      ? undefined
      : (settings.cognitoDomainPrefix ?? defaultCognitoDomainPrefix(this.account, this.region, this.stackName));
    const tokenUrl = settings.oidc ? settings.oidc.signIn?.tokenUrl : `${cognitoBaseUrl(cognitoDomainPrefix!, this.region)}/oauth2/token`;

    // API: on the web app's origin when it is served here, so browsers make no cross-origin call and
    // CORS stays off; otherwise open to the configured origin only.
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Taizhang API',
      createDefaultStage: false,
      corsPreflight: hostsWeb
        ? undefined
        : {
            allowOrigins: [settings.webOrigin ?? DEFAULT_WEB_ORIGIN],
            allowMethods: [
              apigw.CorsHttpMethod.GET,
              apigw.CorsHttpMethod.POST,
              apigw.CorsHttpMethod.PUT,
              apigw.CorsHttpMethod.DELETE,
            ],
            allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
            exposeHeaders: ['location', 'retry-after'],
            maxAge: Duration.hours(1),
          },
    });
    if (hostsWeb)
      this.web = new WebApp(this, 'Web', {
        api: this.api,
        distDir: props.webDist,
        partition: partition ?? 'aws',
        domain: settings.webDomain,
        // The token endpoint, and the evidence bucket the page uploads to directly.
        connectSources: [new URL(tokenUrl!).origin, evidenceUploadOrigin(this.region, this.urlSuffix)],
      });
    const webOrigin = this.web?.origin ?? settings.webOrigin ?? DEFAULT_WEB_ORIGIN;
    this.evidence = new EvidenceStorage(this, 'Evidence', { webOrigin });
    // Each attachment route gets only the evidence grant its work needs (sign, finalise or read).
    for (const route of ROUTES) {
      const fn = this.functions.get(route.entry)!;
      if (route.evidence === 'sign') this.evidence.grantUploadSigning(fn);
      else if (route.evidence === 'finalise') this.evidence.grantFinalise(fn);
      else if (route.evidence === 'read') this.evidence.grantRead(fn);
    }
    // The worker reads kept evidence into the period's archive.
    this.evidence.grantRead(worker);

    // Who may call: created after the web app, whose origin is the sign-in callback; the web app's
    // config.json then names the sign-in endpoints and client.
    this.auth = new ApiAuth(this, 'Auth', { oidc: settings.oidc, webOrigin, cognitoDomainPrefix });
    if (this.web) this.web.deploy(this.auth.signIn!);

    // The people routes keep accounts in step with the roster (functions/core/roster/identity.ts):
    // with the stack's pool they invite, look up, disable and enable its users, and nothing else;
    // with an external issuer they are granted nothing and require the office to enter subjects.
    const pool = this.auth.userPool;
    for (const entry of new Set(ROUTES.filter((r) => r.managesAccounts).map((r) => r.entry))) {
      const fn = this.functions.get(entry)!;
      fn.addEnvironment('IDENTITY_PROVIDER', pool ? 'cognito' : 'external');
      if (!pool) continue;
      fn.addEnvironment('USER_POOL_ID', pool.userPoolId);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...USER_POOL_ACTIONS], resources: [pool.userPoolArn] }));
    }

    // The stage and the routes, each behind the JWT authorizer.
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            caller: '$context.authorizer.claims.sub',
            route: '$context.routeKey',
            status: '$context.status',
            bytes: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            authError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of ROUTES) {
      const fn = this.functions.get(route.entry)!;
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.method}${pascal(route.path)}`, fn),
        authorizer: this.auth.authorizer,
      });
    }

    // The snapshots of the county view (DESIGN §14), from the table's stream: only record heads, roster
    // versions and score entries reach the function. A batch that keeps failing is halved, retried,
    // then recorded in its own dead-letter queue (alarmed below); the rebuild recomputes what it missed.
    const snapshotDeadLetters = new sqs.Queue(this, 'SnapshotDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(snapshotDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the dead-letter destination of the snapshot stream's failed batches.",
    });
    const snapshotFn = new TaizhangFunction(this, pascal(SNAPSHOT_STREAM.entry), {
      entry: SNAPSHOT_STREAM.entry,
      description: 'Taizhang snapshots: the county view kept current from the table stream',
      memorySize: 1024,
      timeout: Duration.minutes(2),
    });
    useTable(snapshotFn, this.table, 'readwrite');
    snapshotFn.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        retryAttempts: 3,
        onFailure: new SqsDlq(snapshotDeadLetters),
        filters: [
          lambda.FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual('HEAD') } } } }),
          lambda.FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith('ROSTER#V#') } } } }),
          lambda.FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: lambda.FilterRule.beginsWith('SCORE#') } } } }),
        ],
      }),
    );
    this.functions.set(SNAPSHOT_STREAM.entry, snapshotFn);
    Validations.of(snapshotFn.serviceRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The event source mapping grants dynamodb:ListStreams, which has no resource-level permission; reading ' +
        "records (DescribeStream, GetRecords, GetShardIterator) is granted on this table's stream only.",
    });

    // Monthly job
    this.monthly = new MonthlyJob(this, 'Monthly', { fn: worker, trigger: settings.monthlyTrigger, deadLetterQueue: deadLetters });

    // Alarms: to a topic the office subscribes to (e-mail here, or any SNS subscription).
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Taizhang alarms', enforceSSL: true });
    if (settings.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);
    // Alarms are billed per metric they read, so each reads a few sums that cover everything: every
    // API function's unhandled errors are one metric (Taizhang/ApiFailures, written by the code), a
    // crash or timeout shows as the API's 5xx; the worker's are its errors, the jobs it failed and
    // the dead letters. FILL makes a quiet metric a zero, not missing data.
    const alarm = (id: string, description: string, expression: string, usingMetrics: Record<string, cloudwatch.IMetric>) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric: new cloudwatch.MathExpression({ expression, usingMetrics, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      this.alarms.push(a);
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    const own = (metricName: string) => new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, ...fiveMinutes });
    alarm(
      'ApiFailures',
      'Taizhang API failed: answered 5xx, or a function hit an unhandled error or a stored file that fails its check (see the functions\' logs: level error)',
      'FILL(serverErrors, 0) + FILL(failures, 0)',
      { serverErrors: this.stage.metricServerError(fiveMinutes), failures: own('ApiFailures') },
    );
    alarm(
      'WorkerFailures',
      'Taizhang worker failed: a job failed, a run crashed or timed out, or an event was dead-lettered (see the worker\'s log and the dead-letter queue)',
      'FILL(errors, 0) + FILL(jobs, 0) + FILL(deadLetters, 0)',
      {
        errors: worker.metricErrors(fiveMinutes),
        jobs: own('JobFailures'),
        deadLetters: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      },
    );

    alarm(
      'SnapshotFailures',
      'Taizhang county snapshots failed: the stream consumer erred or dead-lettered a batch (run the rebuild once fixed; see its log)',
      'FILL(errors, 0) + FILL(deadLetters, 0)',
      {
        errors: snapshotFn.metricErrors(fiveMinutes),
        deadLetters: snapshotDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      },
    );

    // Outputs
    if (this.web) {
      new CfnOutput(this, 'WebUrl', { value: `${this.web.origin}/`, description: 'The web app; its API is under /api on the same origin' });
      new CfnOutput(this, 'WebDistributionId', { value: this.web.distribution.distributionId });
    } else {
      new CfnOutput(this, 'WebUrl', { value: WEB_NOT_HOSTED, description: 'The web app' });
    }
    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'The HTTP API (routes under /api)' });
    new CfnOutput(this, 'Issuer', { value: this.auth.issuer, description: 'The JWT issuer the API trusts' });
    if (this.auth.userPool && this.auth.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.auth.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'CompilationsBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'EvidenceBucket', { value: this.evidence.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
