/** Assessment score entries: each one its own item, never overwritten, read back in order. */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { ScoreEntry, ScoreStore } from '../core/compliance/assessment.js';
import { keys, scoreKeys } from './keys.js';

export function dynamoScoreStore(doc: DynamoDBDocumentClient, tableName: string): ScoreStore {
  return {
    async add(unit, entry) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.unit(unit), sk: scoreKeys.entry(entry.period, entry.at, ulid()), entity: 'score', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async list(unit, period) {
      const out: ScoreEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':p': scoreKeys.prefix(period) },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? [])
          out.push({ period: i.period, itemId: i.itemId, score: i.score ?? null, reason: i.reason, by: i.by, at: i.at });
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
