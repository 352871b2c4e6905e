/**
 * Compilation metadata in the table, with single-item conditional writes only. Each run is its own
 * item, written as running before any work and marked done or failed after; a per-period pointer
 * names the current run and only moves to a newer one, so a rerun supersedes and a run that crashed
 * never becomes current.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Compilation, CompilationStore } from '../core/ledger/compilation.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

const FIELDS = [
  'id',
  'unit',
  'period',
  'asOf',
  'trigger',
  'by',
  'byName',
  'status',
  'startedAt',
  'completedAt',
  'sheets',
  'size',
  'sha256',
  'blobKey',
  'filename',
  'error',
  'supersedes',
  'supersededBy',
] as const;

function toCompilation(item: Record<string, unknown>): Compilation {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) if (item[k] !== undefined) out[k] = item[k];
  return out as unknown as Compilation;
}

export function dynamoCompilationStore(doc: DynamoDBDocumentClient, tableName: string): CompilationStore {
  const key = (unit: string, id: string) => ({ pk: keys.unit(unit), sk: keys.compilation(id) });

  async function update(unit: string, id: string, set: Record<string, unknown>, condition: string, values: Record<string, unknown> = {}) {
    const names: Record<string, string> = {};
    const vals: Record<string, unknown> = { ...values };
    const parts = Object.entries(set).map(([k, v], i) => {
      names[`#f${i}`] = k;
      vals[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(unit, id),
          UpdateExpression: `SET ${parts.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: condition.includes('#s') ? { ...names, '#s': 'status' } : names,
          ExpressionAttributeValues: vals,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async function currentOf(unit: string, period: string) {
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: keys.unit(unit), sk: keys.currentCompilation(period) }, ConsistentRead: true }),
    );
    return out.Item?.compilationId as string | undefined;
  }

  return {
    async start(c) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key(c.unit, c.id), entity: 'compilation', ...c },
          // A job's next attempt starts its compilation again under the same id; a finished one stays.
          ConditionExpression: 'attribute_not_exists(pk) OR #s <> :done',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': 'done' },
        }),
      );
    },

    async finish(c) {
      const done = await update(
        c.unit,
        c.id,
        { status: 'done', completedAt: c.completedAt, sheets: c.sheets, size: c.size, sha256: c.sha256 },
        '#s = :running',
        { ':running': 'running' },
      );
      if (!done) throw new Error(`compilation ${c.id} is no longer running`);
    },

    async fail(unit, id, error, at) {
      await update(unit, id, { status: 'failed', error, completedAt: at }, '#s = :running', { ':running': 'running' });
    },

    async get(unit, id) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: key(unit, id), ConsistentRead: true }));
      return out.Item ? toCompilation(out.Item) : undefined;
    },

    async list(unit, period, limit = 50) {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.unit(unit),
            ':prefix': period ? keys.compilationsOf(period) : keys.compilationPrefix,
          },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(toCompilation);
    },

    async currents(unit, period) {
      const map = new Map<string, string>();
      if (period) {
        const id = await currentOf(unit, period);
        if (id) map.set(period, id);
        return map;
      }
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':prefix': keys.currentPrefix },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) map.set(item.period as string, item.compilationId as string);
        start = page.LastEvaluatedKey;
      } while (start);
      return map;
    },

    async makeCurrent(c) {
      try {
        const out = await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: keys.unit(c.unit),
              sk: keys.currentCompilation(c.period),
              entity: 'current-compilation',
              period: c.period,
              compilationId: c.id,
              asOf: c.asOf,
              since: c.completedAt,
            },
            // The run that counts up to a later day wins; for the same day, the run that started
            // later (ids of one period sort by start time). A late or repeated run never steps back.
            ConditionExpression: 'attribute_not_exists(pk) OR asOf < :asOf OR (asOf = :asOf AND compilationId < :id)',
            ExpressionAttributeValues: { ':id': c.id, ':asOf': c.asOf },
            ReturnValues: 'ALL_OLD',
          }),
        );
        const replaced = out.Attributes?.compilationId as string | undefined;
        if (replaced) await update(c.unit, c.id, { supersedes: replaced }, 'attribute_exists(pk)');
        return { current: true, other: replaced };
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        return { current: false, other: await currentOf(c.unit, c.period) };
      }
    },

    async markSuperseded(unit, older, newer) {
      await update(unit, older, { supersededBy: newer }, 'attribute_exists(pk)');
    },
  };
}
