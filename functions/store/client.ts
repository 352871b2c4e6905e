/** One DynamoDB document client per process, and the errors that mean "the store is busy" or "down". */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { createTableInput } from './table.js';

export interface StoreOptions {
  region: string;
  endpoint?: string;
}

export function createDocumentClient(options: StoreOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * A handler's own time running out (middy's early timeout, also named TimeoutError): not the
 * store's doing, so never "busy" (functions/http/middleware.ts answers it with 504).
 */
export function isHandlerTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError' && (err.cause as { package?: string } | undefined)?.package === '@middy/core';
}

/** Throttling, as the SDK's own retry strategy classifies it: a client should retry later (503, 系统繁忙). */
export function isStoreBusy(err: unknown): boolean {
  return err instanceof Error && !isHandlerTimeout(err) && isThrottlingError(err as Parameters<typeof isThrottlingError>[0]);
}

/** An outage the SDK's retries did not outlast: refused or cut connections, socket timeouts, 5xx (503). */
export function isStoreUnavailable(err: unknown): boolean {
  return err instanceof Error && !isHandlerTimeout(err) && !isStoreBusy(err) && isTransientError(err as Parameters<typeof isTransientError>[0]);
}

export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/** Creates the table if it does not exist yet (the embedded store; the cloud's comes from CDK). */
export async function ensureTable(doc: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await doc.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 50; i++) {
    const t = await doc.send(new DescribeTableCommand({ TableName: tableName }));
    if (t.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become active`);
}
