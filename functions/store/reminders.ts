/** The reminder log and the scheduled reminders' once-a-day keys, as items in the unit's partition. */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { ReminderLogEntry, ReminderStore } from '../core/compliance/reminders.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

/** A once-a-day key is needed only for its day; expiry (TTL) removes it after a while. */
const SENT_KEY_DAYS = 40;

export function dynamoReminderStore(doc: DynamoDBDocumentClient, tableName: string): ReminderStore {
  return {
    async log(unit, entries) {
      // One item each, conditional on a fresh key: an entry is never overwritten.
      for (const e of entries)
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: keys.unit(unit), sk: keys.reminderLog(e.at, ulid()), entity: 'reminder', ...e },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
    },
    async list(unit, from, to, limit) {
      const out: ReminderLogEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': keys.unit(unit), ':from': keys.reminderLog(from, ''), ':to': keys.reminderLog(to, '~') },
            ScanIndexForward: false,
            Limit: Math.min(200, limit - out.length),
            ExclusiveStartKey: start,
          }),
        );
        for (const i of page.Items ?? [])
          out.push({
            at: i.at,
            by: i.by,
            person: i.person,
            personName: i.personName,
            obligation: i.obligation,
            title: i.title,
            period: i.period,
            channel: i.channel,
            trigger: i.trigger,
          });
        start = page.LastEvaluatedKey;
      } while (start && out.length < limit);
      return out;
    },
    async claim(unit, person, obligation, period, day) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: keys.unit(unit),
              sk: keys.reminderSent(person, obligation, period, day),
              entity: 'reminder-sent',
              expiresAt: Math.floor(Date.now() / 1000) + SENT_KEY_DAYS * 86_400,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw err;
      }
    },
  };
}
