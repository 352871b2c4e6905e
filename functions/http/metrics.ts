/**
 * Failures worth an alarm, written as one log line in CloudWatch's embedded metric format: the
 * line is the log entry and, in Lambda, also a point of the metric `Taizhang/<name>` (no
 * dimensions, so every function adds to one metric and one alarm covers them all; a metric with
 * no points in an hour costs nothing). Written straight to stdout: Lambda's JSON log format wraps
 * console output, which would hide the metric.
 */
export type FailureMetric = 'ApiFailures' | 'JobFailures';

export const METRIC_NAMESPACE = 'Taizhang';

export function countFailure(name: FailureMetric, fields: Record<string, unknown>): void {
  const line = {
    level: 'error',
    ...fields,
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: name, Unit: 'Count' }] }] },
    [name]: 1,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
