/**
 * What a function may do with the table and the bucket, granted together with the variable that
 * names the resource, so a function never gets one without the other.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { TaizhangFunction } from './function.js';
import type { RecordsTable } from './table.js';

export type TableAccess = 'read' | 'read-repair' | 'readwrite';

/**
 * Exactly the calls functions/store makes. No Scan (no request path scans), no DeleteItem
 * (records are never hard-deleted), no TransactWriteItems (every invariant is a single-item
 * conditional write). A store change that needs another call adds it here.
 */
export const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  // Reads that may move a record's head forward with a conditional put (never an update or delete).
  'read-repair': ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
  readwrite: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
};

/** Read and write workbooks; a multipart upload that fails is aborted by the writer. */
export const BUCKET_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'];

export function useTable(fn: TaizhangFunction, table: RecordsTable, access: TableAccess): void {
  fn.addEnvironment('TABLE_NAME', table.tableName);
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: TABLE_ACTIONS[access], resources: [table.tableArn, ...table.indexArns] }),
  );
}

export function useBucket(fn: TaizhangFunction, bucket: s3.Bucket): void {
  fn.addEnvironment('BUCKET_NAME', bucket.bucketName);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: BUCKET_ACTIONS, resources: [bucket.arnForObjects('*')] }));
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  Validations.of(fn.serviceRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
    reason:
      'Workbook keys are made per compilation at run time, so the statement names the objects of this one ' +
      'bucket, and only for GetObject, PutObject and AbortMultipartUpload.',
  });
}
