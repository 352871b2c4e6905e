/** The records table, built from the one definition the local runner and the tests also use. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { projectionOf, TABLE } from '../../../functions/store/table.js';

const S = dynamodb.AttributeType.STRING;

export class RecordsTable extends dynamodb.Table {
  /** One ARN per index, so grants name each index instead of `index/*`. */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string) {
    super(scope, id, {
      partitionKey: { name: TABLE.partitionKey, type: S },
      sortKey: { name: TABLE.sortKey, type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The records are the bureau's ledgers: deleting the stack must never delete them.
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The county view's snapshots follow every change from the stream (functions/snapshot-stream.ts).
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const index of TABLE.indexes) {
      this.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: S },
        sortKey: { name: index.sortKey, type: S },
        projectionType: projectionOf(index) === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    this.indexArns = TABLE.indexes.map((i) => `${this.tableArn}/index/${i.name}`);
  }
}
