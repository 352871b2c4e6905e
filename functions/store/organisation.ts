/** The organisation of a unit, one item per unit, cached briefly per container. */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Organisation } from '../core/templates/templates.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

export interface OrganisationStore {
  get(unit: string): Promise<Organisation | undefined>;
  /** Writes the organisation only if the unit has none yet; returns whether it wrote. Registers the unit either way. */
  putIfAbsent(org: Organisation): Promise<boolean>;
  /** Every registered unit's id (the monthly job compiles each), read with a Query, never a Scan. */
  units(): Promise<string[]>;
}

const CACHE_MS = 60_000;

export function dynamoOrganisationStore(doc: DynamoDBDocumentClient, tableName: string): OrganisationStore {
  const cache = new Map<string, { org: Organisation; at: number }>();
  return {
    async get(unit) {
      const hit = cache.get(unit);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.org;
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: keys.unit(unit), sk: keys.organisation } }),
      );
      const org = out.Item?.organisation as Organisation | undefined;
      if (org) cache.set(unit, { org, at: Date.now() });
      return org;
    },
    async putIfAbsent(org) {
      let wrote = true;
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: keys.unit(org.unit.id), sk: keys.organisation, entity: 'organisation', organisation: org },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        wrote = false;
      }
      // Idempotent, and written after the organisation: a crash in between is repaired by the next load.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.units, sk: keys.unitEntry(org.unit.id), entity: 'unit', unit: org.unit.id, name: org.unit.name },
        }),
      );
      return wrote;
    },
    async units() {
      const out: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.units },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) out.push(item.unit as string);
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
  };
}
