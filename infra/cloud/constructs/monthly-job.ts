/**
 * The monthly compilation: 01:00 on the 1st, Shanghai time, with retries and a dead-letter queue
 * that catches both a delivery the scheduler gave up on and a run that failed.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { TaizhangFunction } from './function.js';

/**
 * `scheduler`: EventBridge Scheduler, which knows time zones. `rule`: an EventBridge rule, UTC
 * only, for an account or region without Scheduler: 17:00 UTC on the last day of the month is
 * 01:00 on the 1st in Shanghai (no daylight saving there).
 */
export type MonthlyTrigger = 'scheduler' | 'rule';

export const MONTHLY_CRON = { minute: '0', hour: '1', day: '1', month: '*', year: '*' } as const;
export const MONTHLY_TIME_ZONE = TimeZone.ASIA_SHANGHAI;
export const MONTHLY_RULE_EXPRESSION = 'cron(0 17 L * ? *)';
/** A delivery is retried for up to six hours: the office reads the result in the morning. */
export const MONTHLY_RETRY = { attempts: 3, maxEventAge: Duration.hours(6) };
/** A run that throws is run again twice by Lambda before it lands in the queue. */
export const MONTHLY_RUN_RETRIES = 2;

export interface MonthlyJobProps {
  fn: TaizhangFunction;
  trigger: MonthlyTrigger;
}

export class MonthlyJob extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MonthlyJobProps) {
    super(scope, id);
    const dlq = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the monthly schedule and of the job\'s failed runs; ' +
        'cdk-nag only recognises a DLQ through another queue\'s redrive policy.',
    });
    this.deadLetterQueue = dlq;

    props.fn.configureAsyncInvoke({ retryAttempts: MONTHLY_RUN_RETRIES, onFailure: new SqsDestination(dlq) });

    if (props.trigger === 'scheduler') {
      new scheduler.Schedule(this, 'Schedule', {
        description: 'Taizhang: compile last month and the year to date',
        schedule: scheduler.ScheduleExpression.cron({ ...MONTHLY_CRON, timeZone: MONTHLY_TIME_ZONE }),
        target: new schedulerTargets.LambdaInvoke(props.fn, {
          retryAttempts: MONTHLY_RETRY.attempts,
          maxEventAge: MONTHLY_RETRY.maxEventAge,
          deadLetterQueue: dlq,
        }),
      });
      // LambdaInvoke makes the scheduler's role at the stack's root and grants it with grantInvoke.
      const fnId = Stack.of(this).getLogicalId(props.fn.node.defaultChild as CfnFunction);
      Validations.of(Stack.of(this)).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason:
          "The scheduler's role may invoke only the monthly function; the ':*' that grantInvoke adds " +
          'covers that function\'s versions and aliases, nothing else.',
      });
    } else {
      new events.Rule(this, 'Rule', {
        description: 'Taizhang: compile last month and the year to date (01:00 Asia/Shanghai on the 1st)',
        schedule: events.Schedule.expression(MONTHLY_RULE_EXPRESSION),
        targets: [
          new eventsTargets.LambdaFunction(props.fn, {
            retryAttempts: MONTHLY_RETRY.attempts,
            maxEventAge: MONTHLY_RETRY.maxEventAge,
            deadLetterQueue: dlq,
          }),
        ],
      });
    }
  }
}
