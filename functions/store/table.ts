/**
 * The one table definition, used by the local runner, the tests and the CDK stack, so that
 * local and cloud cannot drift. Every attribute named here is a string.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Expiry is set by CDK and checked by the code on read, never relied upon. */
  ttlAttribute: 'expiresAt',
  indexes: [
    /** A unit's records of one form by date: compilation, compliance, the office's lists. */
    { name: 'byForm', partitionKey: 'byFormPk', sortKey: 'recordSk' },
    /** One person's own records by date. */
    { name: 'byOwner', partitionKey: 'byOwnerPk', sortKey: 'recordSk' },
    /** One division's records by date. */
    { name: 'byDivision', partitionKey: 'byDivisionPk', sortKey: 'recordSk' },
    /** The whole unit's records by date; withdrawn records sit in a partition of their own here. */
    { name: 'byUnit', partitionKey: 'byUnitPk', sortKey: 'recordSk' },
    /** Sparse: only records awaiting review (待审核), so the review queue is one small Query. */
    { name: 'byReview', partitionKey: 'reviewPk', sortKey: 'recordSk' },
    /**
     * Sparse: only what is in flight in a unit (a record head carrying the marker of a change, a
     * job not yet finished), so the sweep and every view find them with a Query, never a Scan.
     * Keys only: the reader fetches the item itself, consistently.
     */
    { name: 'inFlight', partitionKey: 'flightPk', sortKey: 'flightSk', projection: 'KEYS_ONLY' },
  ],
} as const;

export type IndexDef = (typeof TABLE.indexes)[number];
/** An index's projection: ALL unless it says otherwise. */
export const projectionOf = (i: IndexDef): 'ALL' | 'KEYS_ONLY' => ('projection' in i ? i.projection : 'ALL');

export type IndexName = (typeof TABLE.indexes)[number]['name'];

export function indexOf(name: IndexName) {
  const index = TABLE.indexes.find((i) => i.name === name);
  if (!index) throw new Error(`no index ${name}`);
  return index;
}

/** CreateTable input for the embedded store (the cloud's table comes from the same TABLE). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const i of TABLE.indexes) {
    attributes.add(i.partitionKey);
    attributes.add(i.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: projectionOf(i) },
    })),
  };
}
