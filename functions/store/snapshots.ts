/** Snapshots (core/county/snapshots.ts) as items in the unit's partition, and the unit's change counter. */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScoreEntry } from '../core/compliance/assessment.js';
import type { Snapshot, SnapshotStore } from '../core/county/snapshots.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

const fromItem = (i: Record<string, unknown>): Snapshot => {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = i;
  return rest as unknown as Snapshot;
};

export function dynamoSnapshotStore(doc: DynamoDBDocumentClient, tableName: string): SnapshotStore {
  return {
    async ticket(unit) {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: keys.unit(unit), sk: keys.snapshotCounter },
          UpdateExpression: 'ADD #n :one SET entity = :e',
          ExpressionAttributeNames: { '#n': 'counter' },
          ExpressionAttributeValues: { ':one': 1, ':e': 'snapshot-counter' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return out.Attributes!.counter as number;
    },
    async put(snapshot) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: keys.unit(snapshot.unit), sk: keys.snapshot(snapshot.period), entity: 'snapshot', ...snapshot },
            // Only over an older refresh: one that began later read data at least as new.
            ConditionExpression: 'attribute_not_exists(pk) OR ticket < :t',
            ExpressionAttributeValues: { ':t': snapshot.ticket },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },
    async get(unit, period) {
      const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: keys.unit(unit), sk: keys.snapshot(period) }, ConsistentRead: true }));
      return out.Item ? fromItem(out.Item) : undefined;
    },
    async many(units, period) {
      const found = new Map<string, Snapshot>();
      for (let i = 0; i < units.length; i += 100) {
        let pending: Record<string, unknown>[] | undefined = units.slice(i, i + 100).map((u) => ({ pk: keys.unit(u), sk: keys.snapshot(period) }));
        // Unprocessed keys are asked again: bounded, since each round the store answers some.
        for (let round = 0; pending?.length && round < 20; round++) {
          const out: BatchGetCommandOutput = await doc.send(
            new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[tableName] ?? []) found.set(item.unit as string, fromItem(item));
          pending = out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
        }
      }
      return found;
    },
    async years(unit) {
      const years = new Set<number>();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':p': keys.snapshotPrefix },
            ProjectionExpression: 'sk',
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? []) years.add(Number(String(i.sk).slice(keys.snapshotPrefix.length, keys.snapshotPrefix.length + 4)));
        start = page.LastEvaluatedKey;
      } while (start);
      return [...years];
    },
    async scoresOfYear(unit, year) {
      const out: ScoreEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        // Every period of the year has a score key beginning with the year (keys.ts scoreKeys).
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':p': `SCORE#${year}` },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? []) out.push({ period: i.period, itemId: i.itemId, score: i.score ?? null, reason: i.reason, by: i.by, at: i.at });
        start = page.LastEvaluatedKey;
      } while (start);
      // Oldest first within each period, as ScoreStore.list gives them.
      return out.sort((a, b) => a.at.localeCompare(b.at));
    },
  };
}
