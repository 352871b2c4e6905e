/** The unit's access log as items in its partition, by time (keys.accessLog). */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { AccessEntry, AccessLogStore } from '../core/county/access-log.js';
import { keys } from './keys.js';

export function dynamoAccessLogStore(doc: DynamoDBDocumentClient, tableName: string): AccessLogStore {
  return {
    async add(unit, entry) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.unit(unit), sk: keys.accessLog(entry.at, ulid()), entity: 'access', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async list(unit, limit) {
      const out: AccessEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':p': keys.accessLogPrefix },
            ScanIndexForward: false,
            Limit: Math.min(200, limit - out.length),
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? [])
          out.push({
            at: i.at,
            by: i.by,
            byName: i.byName,
            county: i.county,
            route: i.route,
            ...(i.period ? { period: i.period } : {}),
            ...(i.item ? { item: i.item } : {}),
          });
        start = page.LastEvaluatedKey;
      } while (start && out.length < limit);
      return out;
    },
  };
}
