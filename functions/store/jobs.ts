/**
 * Jobs in the table, on single-item conditional writes. A job lives in its unit's partition
 * (`JOB#<kind>#<id>`) and, while unfinished, in the sparse inFlight index, which the sweep reads.
 * Locks, slots and idempotency keys are one small item each, held by a job id.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Job, JobRef, JobStore, LeaseItem } from '../core/jobs/job.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';
import { indexOf } from './table.js';

const FIELDS = ['unit', 'kind', 'id', 'scope', 'input', 'status', 'progress', 'attempts', 'holder', 'leaseUntil', 'slot', 'createdAt', 'createdBy', 'startedAt', 'finishedAt', 'error'] as const;

function toJob(item: Record<string, unknown>): Job {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) if (item[k] !== undefined) out[k] = item[k];
  return out as unknown as Job;
}

export function dynamoJobStore(doc: DynamoDBDocumentClient, tableName: string): JobStore {
  const key = (r: JobRef) => ({ pk: keys.unit(r.unit), sk: keys.job(r.kind, r.id) });

  /** One conditional update; false when the condition fails. */
  async function update(r: JobRef, expression: string, condition: string, values: Record<string, unknown>, names: Record<string, string> = {}) {
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(r),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#s': 'status', ...names },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toJob(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  function lease(unit: string, sk: string): LeaseItem {
    const Key = { pk: keys.unit(unit), sk };
    return {
      async take(jobId, at, expected) {
        try {
          await doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: 'SET jobId = :j, takenAt = :at, entity = :e',
              ConditionExpression: expected === undefined ? 'attribute_not_exists(jobId) OR jobId = :j' : 'jobId = :x',
              ExpressionAttributeValues: { ':j': jobId, ':at': at, ':e': 'job-lease', ...(expected === undefined ? {} : { ':x': expected }) },
            }),
          );
          return true;
        } catch (err) {
          if (isConditionFailed(err)) return false;
          throw err;
        }
      },
      async read() {
        const out = await doc.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
        return out.Item?.jobId ? { jobId: out.Item.jobId as string, at: out.Item.takenAt as string } : undefined;
      },
      async drop(jobId) {
        try {
          await doc.send(
            new UpdateCommand({ TableName: tableName, Key, UpdateExpression: 'REMOVE jobId', ConditionExpression: 'jobId = :j', ExpressionAttributeValues: { ':j': jobId } }),
          );
        } catch (err) {
          if (!isConditionFailed(err)) throw err;
        }
      },
    };
  }

  const unfinished = '#s IN (:queued, :running)';
  const states = { ':queued': 'queued', ':running': 'running' };

  return {
    async get(r) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: key(r), ConsistentRead: true }));
      return out.Item ? toJob(out.Item) : undefined;
    },

    async put(job) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(job), entity: 'job', ...job, flightPk: keys.flight(job.unit), flightSk: keys.flightJob(job.kind, job.id) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },

    claim(r, holder, now, leaseUntil, maxAttempts) {
      return update(
        r,
        'SET #s = :running, holder = :h, leaseUntil = :lease, attempts = attempts + :one, startedAt = if_not_exists(startedAt, :now)',
        `attempts < :max AND (#s = :queued OR (#s = :running AND (holder = :h OR leaseUntil <= :now)))`,
        { ...states, ':h': holder, ':lease': leaseUntil.toISOString(), ':one': 1, ':now': now.toISOString(), ':max': maxAttempts },
      );
    },

    async heartbeat(r, holder, progress, leaseUntil) {
      return !!(await update(r, 'SET progress = :p, leaseUntil = :lease', '#s = :running AND holder = :h', {
        ':running': 'running',
        ':h': holder,
        ':p': progress,
        ':lease': leaseUntil.toISOString(),
      }));
    },

    async finish(r, holder, progress, at) {
      return !!(await update(r, 'SET #s = :done, progress = :p, finishedAt = :at REMOVE leaseUntil, flightPk, flightSk', '#s = :running AND holder = :h', {
        ':running': 'running',
        ':done': 'done',
        ':h': holder,
        ':p': progress,
        ':at': at.toISOString(),
      }));
    },

    async fail(r, error, at, holder) {
      return !!(await update(
        r,
        'SET #s = :failed, #e = :error, finishedAt = :at REMOVE leaseUntil, flightPk, flightSk',
        holder === undefined ? unfinished : `${unfinished} AND holder = :h`,
        { ...states, ':failed': 'failed', ':error': error, ':at': at.toISOString(), ...(holder === undefined ? {} : { ':h': holder }) },
        { '#e': 'error' },
      ));
    },

    async requeue(r, holder, refund) {
      return !!(await update(
        r,
        `SET #s = :queued${refund ? ', attempts = attempts - :one' : ''} REMOVE holder, leaseUntil`,
        '#s = :running AND holder = :h',
        { ':running': 'running', ':queued': 'queued', ':h': holder, ...(refund ? { ':one': 1 } : {}) },
      ));
    },

    async active(unit) {
      const def = indexOf('inFlight');
      const out: JobRef[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: def.name,
            KeyConditionExpression: `${def.partitionKey} = :pk AND begins_with(${def.sortKey}, :job)`,
            ExpressionAttributeValues: { ':pk': keys.flight(unit), ':job': keys.flightJobPrefix },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const [, kind, id] = (item.sk as string).split('#');
          if (kind && id) out.push({ unit, kind, id });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },

    lock: (unit, kind, scope) => lease(unit, keys.jobLock(kind, scope)),
    slot: (unit, index) => lease(unit, keys.jobSlot(index)),
    idempotencyKey: (unit, hash) => lease(unit, keys.jobKey(hash)),
  };
}
