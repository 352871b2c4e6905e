/** A Lambda entry of functions/ with the defaults every Taizhang function shares. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLED_TEMPLATES_DIR, entryPath, lambdaBundling, REPO_ROOT } from '../bundling.js';

/** Kept long enough for a half-year's questions about who did what; short enough to stay cheap. */
export const LOG_RETENTION = logs.RetentionDays.SIX_MONTHS;

export interface TaizhangFunctionProps {
  /** `functions/<entry>.ts`, exporting `handler`. */
  entry: string;
  description: string;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds: API Gateway gives up at 30, and no API call should come near it. */
  timeout?: Duration;
  /** Where asynchronous invocations that failed every attempt are kept. */
  deadLetterQueue?: import('aws-cdk-lib/aws-sqs').IQueue;
  /** More options for Node, after the shared ones. */
  nodeOptions?: string;
}

export class TaizhangFunction extends NodejsFunction {
  readonly entryName: string;
  /** The function's own role (also `role`), typed so grants can be acknowledged on it. */
  readonly serviceRole: iam.Role;

  constructor(scope: Construct, id: string, props: TaizhangFunctionProps) {
    // The log group and the role come first so the function can be given both: an explicit log
    // group carries the retention, and an own role avoids the managed basic-execution policy,
    // which would let the function write to any log group in the account.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Taizhang ${props.entry}`,
    });
    super(scope, id, {
      entry: entryPath(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      bundling: lambdaBundling(),
      environment: {
        // `sourceMap` alone writes the map; Node reads it only with this flag.
        NODE_OPTIONS: ['--enable-source-maps', props.nodeOptions].filter(Boolean).join(' '),
        TEMPLATES_DIR: BUNDLED_TEMPLATES_DIR,
      },
    });
    this.entryName = props.entry;
    this.serviceRole = role;
    logGroup.grantWrite(role);
  }
}
