/**
 * The worker's schedules: the monthly compilation (01:00 on the 1st, Shanghai time), the daily
 * reminders (09:00) and the sweep (every quarter of an hour), all delivered to the worker with retries, and the dead-letter queue
 * that catches both a delivery the scheduler gave up on and a worker run that failed every attempt.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
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
/** A worker run that fails (throws, times out, is killed) is run once more by Lambda, then dead-lettered. */
export const WORKER_RUN_RETRIES = 1;
/** The sweep: repairs what a crash left and restarts or fails jobs whose workers died. */
export const SWEEP_MINUTES = 15;
/** The daily reminders at 09:00 Shanghai (infra/local/scheduler.ts REMINDER_HOUR fires the same locally). */
export const REMINDERS_CRON = { minute: '0', hour: '9', day: '*', month: '*', year: '*' } as const;
/** The same hour for the UTC-only rule: 09:00 Shanghai is 01:00 UTC. */
export const REMINDERS_RULE_EXPRESSION = 'cron(0 1 * * ? *)';

export interface MonthlyJobProps {
  fn: TaizhangFunction;
  trigger: MonthlyTrigger;
  deadLetterQueue: sqs.Queue;
}

export class MonthlyJob extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MonthlyJobProps) {
    super(scope, id);
    const dlq = props.deadLetterQueue;
    this.deadLetterQueue = dlq;
    const monthly = { type: 'monthly' };
    const sweep = { type: 'sweep' };
    const reminders = { type: 'reminders' };

    if (props.trigger === 'scheduler') {
      new scheduler.Schedule(this, 'Schedule', {
        description: 'Taizhang: compile last month and the year to date',
        schedule: scheduler.ScheduleExpression.cron({ ...MONTHLY_CRON, timeZone: MONTHLY_TIME_ZONE }),
        target: new schedulerTargets.LambdaInvoke(props.fn, {
          retryAttempts: MONTHLY_RETRY.attempts,
          maxEventAge: MONTHLY_RETRY.maxEventAge,
          deadLetterQueue: dlq,
          // The firing time, not the delivery time: a retried delivery names the same month and jobs.
          input: scheduler.ScheduleTargetInput.fromObject({ ...monthly, time: scheduler.ContextAttribute.scheduledTime }),
        }),
      });
      new scheduler.Schedule(this, 'Reminders', {
        description: 'Taizhang: remind whoever still owes a record on the days before its due date',
        schedule: scheduler.ScheduleExpression.cron({ ...REMINDERS_CRON, timeZone: MONTHLY_TIME_ZONE }),
        target: new schedulerTargets.LambdaInvoke(props.fn, {
          retryAttempts: MONTHLY_RETRY.attempts,
          maxEventAge: MONTHLY_RETRY.maxEventAge,
          deadLetterQueue: dlq,
          // The firing time keys the once-a-day claims: a retried delivery sends nothing twice.
          input: scheduler.ScheduleTargetInput.fromObject({ ...reminders, time: scheduler.ContextAttribute.scheduledTime }),
        }),
      });
      new scheduler.Schedule(this, 'Sweep', {
        description: 'Taizhang: repair what a crash left, restart or fail jobs whose workers died',
        schedule: scheduler.ScheduleExpression.rate(Duration.minutes(SWEEP_MINUTES)),
        target: new schedulerTargets.LambdaInvoke(props.fn, {
          retryAttempts: 0,
          deadLetterQueue: dlq,
          input: scheduler.ScheduleTargetInput.fromObject(sweep),
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
            event: events.RuleTargetInput.fromObject({ ...monthly, time: events.EventField.time }),
          }),
        ],
      });
      new events.Rule(this, 'RemindersRule', {
        description: 'Taizhang: daily reminders (09:00 Asia/Shanghai)',
        schedule: events.Schedule.expression(REMINDERS_RULE_EXPRESSION),
        targets: [
          new eventsTargets.LambdaFunction(props.fn, {
            retryAttempts: MONTHLY_RETRY.attempts,
            maxEventAge: MONTHLY_RETRY.maxEventAge,
            deadLetterQueue: dlq,
            event: events.RuleTargetInput.fromObject({ ...reminders, time: events.EventField.time }),
          }),
        ],
      });
      new events.Rule(this, 'SweepRule', {
        description: 'Taizhang: repair what a crash left, restart or fail jobs whose workers died',
        schedule: events.Schedule.rate(Duration.minutes(SWEEP_MINUTES)),
        targets: [new eventsTargets.LambdaFunction(props.fn, { retryAttempts: 0, deadLetterQueue: dlq, event: events.RuleTargetInput.fromObject(sweep) })],
      });
    }
  }
}
