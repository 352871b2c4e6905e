/**
 * Hands a job to the worker function by asynchronous invocation: Lambda queues the event, retries
 * a run that fails once, then sends the record of the failure back to the worker (it fails the job)
 * and to the dead-letter queue. Locally the runner answers the same Invoke call (LAMBDA_ENDPOINT).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { JobDispatcher, JobRef } from '../core/jobs/job.js';

/** What the worker is invoked with. */
export type WorkerEvent =
  | { type: 'job'; unit: string; kind: string; id: string }
  | { type: 'monthly'; time?: string }
  | { type: 'sweep' };

export interface LambdaOptions {
  functionName: string;
  region: string;
  /** The local runner's stand-in for Lambda's Invoke API; unset in the cloud. */
  endpoint?: string;
}

export function lambdaInvoker(options: LambdaOptions) {
  const client = new LambdaClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return async (event: WorkerEvent) => {
    const out = await client.send(new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'Event', Payload: JSON.stringify(event) }));
    if (out.StatusCode !== 202) throw new Error(`worker invocation answered ${out.StatusCode}`);
  };
}

export function lambdaDispatcher(options: LambdaOptions): JobDispatcher {
  const invoke = lambdaInvoker(options);
  return { dispatch: (ref: JobRef) => invoke({ type: 'job', unit: ref.unit, kind: ref.kind, id: ref.id }) };
}
