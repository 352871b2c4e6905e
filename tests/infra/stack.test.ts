import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES, SNAPSHOT_STREAM, WORKER } from '../../functions/routes.js';
import { projectionOf, TABLE } from '../../functions/store/table.js';
import { BUNDLED_TEMPLATES_DIR } from '../../infra/cloud/bundling.js';
import { BUCKET_ACTIONS, TABLE_ACTIONS } from '../../infra/cloud/constructs/grants.js';
import { MONTHLY_RETRY, SWEEP_MINUTES, WORKER_RUN_RETRIES } from '../../infra/cloud/constructs/monthly-job.js';
import { API_THROTTLE, NONCURRENT_VERSION_DAYS, REMINDER_SENDER, USER_POOL_ACTIONS, usesBucket, WORKER_MEMORY_MB } from '../../infra/cloud/stack.js';
import { COMMERCIAL, synthesise } from './synth.js';

const synth = synthesise(COMMERCIAL);
const { stack, template } = synth;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
afterAll(() => synth.dispose());

const id = (element: unknown) => Stack.of(stack).getLogicalId(element as CfnElement);
const getAtt = (element: unknown, attr = 'Arn') => ({ 'Fn::GetAtt': [id(element), attr] });
const ref = (element: unknown) => ({ Ref: id(element) });
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** aws-cdk-lib's own handlers that copy the web app into its bucket and empty that bucket on teardown. */
const isCdkHandler = (logicalId: string) => /^Custom(CDKBucketDeployment|S3AutoDeleteObjects)/.test(logicalId);

const tableId = id(stack.table.node.defaultChild);
const bucketId = id(stack.bucket.node.defaultChild);
const dlqId = id(stack.monthly.deadLetterQueue.node.defaultChild);
const entries = [...new Set(ROUTES.map((r) => r.entry)), WORKER.entry, SNAPSHOT_STREAM.entry];
const fnOf = (entry: string) => stack.functions.get(entry)!;
const fnResource = (entry: string) => resources[id(fnOf(entry).node.defaultChild)]!;
/** Written out by hand, not derived from the stack: which functions may do what to the table. */
const TABLE_ACCESS: Record<string, 'read' | 'read-repair'> = {
  'list-templates': 'read',
  'get-template': 'read',
  'get-me': 'read',
  'get-organisation': 'read',
  // Reads of records repair heads a crash left behind (a conditional put).
  'list-submissions': 'read-repair',
  // The export reads the list as GET /api/submissions does, so it may repair a head too.
  'export-submissions': 'read-repair',
  'get-compliance': 'read-repair',
  'get-my-obligations': 'read-repair',
  'get-assessment': 'read-repair',
  'list-reminders': 'read-repair',
  'list-compilations': 'read',
  'get-compilation': 'read',
  'get-compilation-file': 'read',
  'get-submission': 'read-repair',
  'get-submission-history': 'read-repair',
  'get-roster': 'read',
  'get-roster-history': 'read',
  'get-review-queue': 'read-repair',
  'get-reminder-log': 'read',
  'get-roster-template': 'read',
  // Opening an attachment reads its record, which may repair the head.
  'get-attachment': 'read-repair',
  'list-archives': 'read',
  'get-archive': 'read',
  'get-archive-file': 'read',
  // Rectification items are records: reading them may repair a head.
  'list-rectifications': 'read-repair',
  'get-rectification': 'read-repair',
  // A county read appends to the unit's access log (one put, never an update).
  'get-county-overview': 'read-repair',
  'get-county-unit-compliance': 'read-repair',
  'get-county-unit-assessment': 'read-repair',
  'list-county-unit-compilations': 'read-repair',
  'get-county-compilation-file': 'read-repair',
  'get-county-archive-file': 'read-repair',
  'get-access-log': 'read',
  'get-county-compilation': 'read',
  'get-county-own-compilation-file': 'read',
};
const accessOf = (entry: string) => TABLE_ACCESS[entry] ?? 'readwrite';
/** Written out by hand: the people routes, which keep Cognito accounts in step with the roster. */
const MANAGES_ACCOUNTS = ['create-roster-person', 'update-roster-person'];
const poolId = () => id(stack.auth.userPool!.node.defaultChild);

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** A role's statements, actions and resources sorted, in a stable order. */
/** The evidence bucket's grants are checked in evidence.test.ts; here they are left out. */
const evidenceId = id(stack.evidence.bucket.node.defaultChild);
const signerId = () => id(stack.evidence.uploadSignerRole!.node.defaultChild);
const aboutEvidence = (s: any) => JSON.stringify(s.Resource).includes(evidenceId) || JSON.stringify(s.Resource).includes(signerId());
const evidenceEnv = (entry: string) => {
  const kind = ROUTES.find((r) => r.entry === entry)?.evidence ?? (entry === WORKER.entry ? 'read' : undefined);
  if (!kind) return {};
  return {
    EVIDENCE_BUCKET: { Ref: evidenceId },
    ...(kind === 'sign' ? { EVIDENCE_UPLOAD_ROLE_ARN: { 'Fn::GetAtt': [signerId(), 'Arn'] } } : {}),
  };
};
const startsJobs = (entry: string) => ROUTES.some((r) => r.entry === entry && r.startsJobs);

function statementsOf(entry: string) {
  const policy = fnOf(entry).serviceRole.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy;
  const doc = resources[id(policy)]!.Properties.PolicyDocument;
  return (doc.Statement as any[])
    .filter((s) => !aboutEvidence(s))
    .map((s) => ({ effect: s.Effect, actions: [s.Action].flat().sort(), resources: [s.Resource].flat().sort(byJson), condition: s.Condition }))
    .sort((a, b) => a.actions[0].localeCompare(b.actions[0]));
}

describe('the records table', () => {
  const table = resources[tableId]!;

  it('has the keys, indexes and expiry attribute of the shared definition', () => {
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: projectionOf(i) },
      })),
    );
    // The in-flight index is sparse and keys-only: a reader fetches the item itself.
    expect(table.Properties.GlobalSecondaryIndexes.find((i: { IndexName: string }) => i.IndexName === 'inFlight').Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    const names = new Set([TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
    expect(table.Properties.AttributeDefinitions).toEqual([...names].map((n) => ({ AttributeName: n, AttributeType: 'S' })));
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  });

  it('is on demand, with point-in-time recovery and deletion protection, and outlives the stack', () => {
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('the compilations bucket', () => {
  const bucket = resources[bucketId]!;

  it('is versioned, encrypted, closed to the public, and outlives the stack', () => {
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('lets old versions expire and cleans up abandoned uploads', () => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }),
    ]);
  });

  it('refuses requests without TLS 1.2', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });
});

describe('the functions', () => {
  it('are one per entry of routes.ts and one for the monthly job, beside the CDK handlers that deploy the web app', () => {
    expect([...stack.functions.keys()].sort()).toEqual([...entries].sort());
    const [cdk, own] = [true, false].map((c) => ofType('AWS::Lambda::Function').filter(([lid]) => isCdkHandler(lid) === c));
    expect(own).toHaveLength(entries.length);
    expect(cdk!.map(([lid]) => lid.replace(/[0-9A-F]{8,}.*$/, '')).sort()).toEqual(['CustomCDKBucketDeployment', 'CustomS3AutoDeleteObjectsCustomResourceProviderHandler']);
  });

  it('run arm64 on a current Node.js with source maps, each logging to its own log group kept six months', () => {
    for (const entry of entries) {
      const fn = fnResource(entry).Properties;
      expect(fn.Architectures, entry).toEqual(['arm64']);
      expect(fn.Runtime, entry).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(fn.Handler, entry).toBe('index.handler');
      const logGroup = resources[fn.LoggingConfig.LogGroup.Ref]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(180);
    }
  });

  it('are configured by their environment: the table everywhere, the bucket where workbooks are made, the reminders channel where reminders are sent, no endpoint', () => {
    for (const entry of entries) {
      expect(fnResource(entry).Properties.Environment.Variables, entry).toEqual({
        NODE_OPTIONS: entry === WORKER.entry ? `--enable-source-maps ${WORKER.nodeOptions}` : '--enable-source-maps',
        TEMPLATES_DIR: BUNDLED_TEMPLATES_DIR,
        TABLE_NAME: { Ref: tableId },
        ...(usesBucket(entry) ? { BUCKET_NAME: { Ref: bucketId } } : {}),
        // The sender and the worker (the daily reminders) are told the channel.
        ...(entry === REMINDER_SENDER || entry === WORKER.entry ? { NOTIFIER: 'log' } : {}),
        // Only the route that starts jobs is told the worker; the worker learns its own name from Lambda.
        ...(startsJobs(entry) ? { WORKER_FUNCTION: ref(fnOf(WORKER.entry).node.defaultChild) } : {}),
        ...evidenceEnv(entry),
        ...(MANAGES_ACCOUNTS.includes(entry) ? { IDENTITY_PROVIDER: 'cognito', USER_POOL_ID: { Ref: poolId() } } : {}),
      });
      expect(JSON.stringify(fnResource(entry).Properties.Environment.Variables), entry).not.toContain('TAIZHANG_FAULT');
    }
    expect(usesBucket(WORKER.entry)).toBe(true);
  });

  it('may read the table on GET routes (and repair a head when opening a record), read and write it elsewhere, write only their own logs, and reach only workbook objects', () => {
    const tableResources = [
      { 'Fn::GetAtt': [tableId, 'Arn'] },
      ...TABLE.indexes.map((i) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, `/index/${i.name}`]] })),
    ];
    for (const entry of entries.filter((e) => e !== SNAPSHOT_STREAM.entry)) {
      const fn = fnOf(entry);
      const logGroupId = fnResource(entry).Properties.LoggingConfig.LogGroup.Ref;
      const expected = [
        { effect: 'Allow', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }], condition: undefined },
        {
          effect: 'Allow',
          actions: [...TABLE_ACTIONS[accessOf(entry)]].sort(),
          resources: [...tableResources].sort(byJson),
          condition: undefined,
        },
        ...(usesBucket(entry)
          ? [{ effect: 'Allow', actions: [...BUCKET_ACTIONS].sort(), resources: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }], condition: undefined }]
          : []),
        ...(entry === WORKER.entry
          ? [{ effect: 'Allow', actions: ['sqs:SendMessage'], resources: [{ 'Fn::GetAtt': [dlqId, 'Arn'] }], condition: undefined }]
          : []),
        ...(MANAGES_ACCOUNTS.includes(entry)
          ? [{ effect: 'Allow', actions: [...USER_POOL_ACTIONS].sort(), resources: [{ 'Fn::GetAtt': [poolId(), 'Arn'] }], condition: undefined }]
          : []),
      ].sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!));
      expect(statementsOf(entry), entry).toEqual(expected);
      expect(resources[id(fn.serviceRole.node.defaultChild)]!.Properties.ManagedPolicyArns, entry).toBeUndefined();
    }
    const tableActions = (entry: string) => statementsOf(entry).find((s) => s.actions[0]!.startsWith('dynamodb:'))!.actions;
    expect(tableActions('get-me')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    // Opening a record may move its head forward: a put, never an update.
    expect(tableActions('get-submission')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(tableActions('create-submission')).toContain('dynamodb:PutItem');
  });

  it('let only the two people routes create, read, disable and enable users, of the stack\'s one pool', () => {
    expect([...USER_POOL_ACTIONS].sort()).toEqual(['cognito-idp:AdminCreateUser', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser', 'cognito-idp:AdminGetUser']);
    const granted = ofType('AWS::IAM::Policy').flatMap(([lid, p]) =>
      (p.Properties.PolicyDocument.Statement as any[])
        .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('cognito-idp:')))
        .map((s) => ({ lid, roles: p.Properties.Roles, resource: s.Resource })),
    );
    expect(granted.map((g) => g.roles).sort(byJson)).toEqual(MANAGES_ACCOUNTS.map((e) => [ref(fnOf(e).serviceRole.node.defaultChild)]).sort(byJson));
    for (const g of granted) expect(g.resource).toEqual({ 'Fn::GetAtt': [poolId(), 'Arn'] });
  });

  it('never get a wildcard action or a wildcard resource (only the CDK handler that deploys the web app does)', () => {
    const all = ofType('AWS::IAM::Policy')
      .filter(([lid]) => !isCdkHandler(lid))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    for (const s of all) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
      // dynamodb:ListStreams has no resource-level permission (the stream consumer's event source needs it).
      if ([s.Action].flat().join() === 'dynamodb:ListStreams') continue;
      for (const resource of [s.Resource].flat()) expect(resource).not.toBe('*');
    }
  });
});

describe('the API', () => {
  const [[authorizerId, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, any]];
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
  const integrations = Object.fromEntries(ofType('AWS::ApiGatewayV2::Integration'));

  it('serves every route of routes.ts, each behind the JWT authorizer and integrated with its own function', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of ROUTES) {
      const r = routes.find((x) => x.RouteKey === `${route.method} ${route.path}`)!;
      expect(r.AuthorizationType, r.RouteKey).toBe('JWT');
      expect(r.AuthorizerId, r.RouteKey).toEqual({ Ref: authorizerId });
      const integrationId = r.Target['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]!.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: getAtt(fnOf(route.entry).node.defaultChild),
      });
    }
  });

  it("trusts ID tokens of the stack's user pool for who the caller is, and nothing in them for what they may do", () => {
    const [[poolId, pool]] = ofType('AWS::Cognito::UserPool') as [[string, any]];
    const [[clientId, client]] = ofType('AWS::Cognito::UserPoolClient') as [[string, any]];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: clientId }], Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] } },
    });
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.DeletionPolicy).toBe('Retain');
    // Authority is the roster's (DESIGN §5): no groups for roles, no unit attribute handed to the client.
    expect(ofType('AWS::Cognito::UserPoolGroup')).toEqual([]);
    expect(client.Properties.ReadAttributes).not.toContain('custom:unit');
    expect(client.Properties.WriteAttributes).not.toContain('custom:unit');
    expect(client.Properties.CallbackURLs).toEqual([stack.resolve(`${stack.web!.origin}/`)]);
  });

  it('allows no cross-origin calls: the web app calls it on its own origin, through the distribution', () => {
    const [[, api]] = ofType('AWS::ApiGatewayV2::Api') as [[string, any]];
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('logs every request with its caller and throttles the stage', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, any]];
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
    });
    const logGroup = resources[stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]]!;
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.authorizer.claims.sub',
      route: '$context.routeKey',
      status: '$context.status',
    });
  });
});

describe('the worker', () => {
  const worker = () => fnResource(WORKER.entry).Properties;

  it('runs up to 15 minutes with a whole vCPU, and no API function waits that long', () => {
    expect(worker()).toMatchObject({ Timeout: 900, MemorySize: WORKER_MEMORY_MB, DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } } });
    for (const entry of entries.filter((e) => e !== WORKER.entry && e !== SNAPSHOT_STREAM.entry)) {
      expect(fnResource(entry).Properties.Timeout, entry).toBe(10);
      expect(fnResource(entry).Properties.MemorySize, entry).toBe(512);
    }
  });

  it('is retried once, then tells itself (to fail the job) and dead-letters the event', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(fnOf(WORKER.entry).node.defaultChild),
      MaximumRetryAttempts: WORKER_RUN_RETRIES,
      DestinationConfig: { OnFailure: { Destination: getAtt(fnOf(WORKER.entry).node.defaultChild) } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('may be invoked by itself and by the route that starts jobs, by a policy of their own', () => {
    const invokes = ofType('AWS::IAM::Policy')
      .map(([, p]) => p.Properties)
      .filter((p) => JSON.stringify(p.PolicyDocument).includes('lambda:InvokeFunction'))
      // The schedules' own roles (made by the scheduler targets) invoke it too.
      .filter((p) => !/^SchedulerRole/.test(p.Roles[0].Ref));
    expect(invokes.map((p) => p.Roles[0].Ref).sort()).toEqual(
      [WORKER.entry, ...entries.filter(startsJobs)].map((e) => id(fnOf(e).serviceRole.node.defaultChild)).sort(),
    );
    for (const p of invokes) expect(p.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt(fnOf(WORKER.entry).node.defaultChild) }]);
  });

  it('gets the monthly run at 01:00 on the 1st in Shanghai with its firing time, retried and dead-lettered', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    const monthly = schedules.find((x) => x.ScheduleExpression === 'cron(0 1 1 * ? *)');
    expect(monthly).toMatchObject({
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: getAtt(fnOf(WORKER.entry).node.defaultChild),
        Input: JSON.stringify({ type: 'monthly', time: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: MONTHLY_RETRY.attempts, MaximumEventAgeInSeconds: MONTHLY_RETRY.maxEventAge.toSeconds() },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
      },
    });
    const sweep = schedules.find((x) => x.ScheduleExpression === `rate(${SWEEP_MINUTES} minutes)`);
    expect(sweep?.Target).toMatchObject({ Arn: getAtt(fnOf(WORKER.entry).node.defaultChild), Input: JSON.stringify({ type: 'sweep' }) });
    const reminders = schedules.find((x) => x.ScheduleExpression === 'cron(0 9 * * ? *)');
    expect(reminders).toMatchObject({
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: {
        Arn: getAtt(fnOf(WORKER.entry).node.defaultChild),
        Input: JSON.stringify({ type: 'reminders', time: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: MONTHLY_RETRY.attempts, MaximumEventAgeInSeconds: MONTHLY_RETRY.maxEventAge.toSeconds() },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
      },
    });
    expect(schedules).toHaveLength(3);
  });
});

describe('the alarms', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const [[topicId]] = ofType('AWS::SNS::Topic') as [[string, unknown]];

  const metricsOf = (a: any) => (a.Metrics as any[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);

  it('are three, each a sum over what covers every failure, reading seven metrics in all (under $1 a month)', () => {
    expect(alarms).toHaveLength(3);
    const byId = Object.fromEntries(alarms.map((a) => [a.AlarmDescription.split(':')[0], a]));
    const api = byId['Taizhang API failed']!;
    expect(api.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(serverErrors, 0) + FILL(failures, 0)');
    expect(metricsOf(api)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' }),
        { Namespace: 'Taizhang', MetricName: 'ApiFailures' },
      ]),
    );
    const worker = byId['Taizhang worker failed']!;
    expect(metricsOf(worker)).toEqual(
      expect.arrayContaining([
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: ref(fnOf(WORKER.entry).node.defaultChild) }] },
        { Namespace: 'Taizhang', MetricName: 'JobFailures' },
        { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }] },
      ]),
    );
    const snapshots = byId['Taizhang county snapshots failed']!;
    expect(metricsOf(snapshots)).toEqual(
      expect.arrayContaining([
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: ref(fnOf(SNAPSHOT_STREAM.entry).node.defaultChild) }] },
        expect.objectContaining({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible' }),
      ]),
    );
    expect(alarms.flatMap(metricsOf)).toHaveLength(7);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.TreatMissingData).toBe('notBreaching');
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    }
  });

  it('go to a topic that refuses publishers without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('the snapshot stream consumer', () => {
  const fnId = id(fnOf(SNAPSHOT_STREAM.entry).node.defaultChild);
  const [[, mapping]] = ofType('AWS::Lambda::EventSourceMapping') as [[string, any]];
  const [, table] = ofType('AWS::DynamoDB::Table')[0] as [string, any];

  it("reads the table's stream of new and old images, only record heads, roster versions and scores, and dead-letters what keeps failing", () => {
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: fnId },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      StartingPosition: 'LATEST',
    });
    expect(mapping.Properties.FilterCriteria.Filters.map((f: any) => JSON.parse(f.Pattern).dynamodb.Keys.sk.S)).toEqual([['HEAD'], [{ prefix: 'ROSTER#V#' }], [{ prefix: 'SCORE#' }]]);
    expect(mapping.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][1]).toBe('Arn');
  });

  it('may read and write the table (no delete, no scan), read only its stream, and send only to its dead-letter queue', () => {
    const statements = statementsOf(SNAPSHOT_STREAM.entry);
    const actions = statements.flatMap((s) => s.actions);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:Scan');
    const table = statements.find((s) => s.actions.includes('dynamodb:UpdateItem'))!;
    expect(table.actions).toEqual([...TABLE_ACTIONS.readwrite].sort());
    const stream = statements.find((s) => s.actions.includes('dynamodb:GetRecords'))!;
    expect(stream.resources).toEqual([{ 'Fn::GetAtt': [tableId, 'StreamArn'] }]);
    expect(statements.find((s) => s.resources.includes('*'))!.actions).toEqual(['dynamodb:ListStreams']);
    const send = statements.find((s) => s.actions.some((a: string) => a.startsWith('sqs:')))!;
    expect(send.resources).toEqual([mapping.Properties.DestinationConfig.OnFailure.Destination]);
  });
});
