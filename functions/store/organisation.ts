/** The organisation of a unit, one item per unit, cached briefly per container. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Organisation } from '../core/templates.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

export interface OrganisationStore {
  get(unit: string): Promise<Organisation | undefined>;
  /** Writes the organisation only if the unit has none yet; returns whether it wrote. */
  putIfAbsent(org: Organisation): Promise<boolean>;
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
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: keys.unit(org.unit.id), sk: keys.organisation, entity: 'organisation', organisation: org },
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
