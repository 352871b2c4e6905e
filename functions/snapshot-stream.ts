/**
 * The table's stream consumer (DESIGN §14): keeps the county view's snapshots current in the cloud.
 * Each batch is reduced to one refresh per unit, of the years it touched; a refresh recomputes from
 * the table, so a redelivered or late batch only recomputes again. A failure throws, so Lambda
 * retries the batch, halves it, and at last sends it to the dead-letter queue (alarmed).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { refreshSnapshots } from './core/county/snapshots.js';
import { mergeTouched, touchedBy, type ChangedItem } from './core/county/stream.js';
import { shanghaiDate } from './core/periods.js';
import { getSnapshotDeps } from './deps.js';

type Image = Parameters<typeof unmarshall>[0];
const image = (i: unknown) => (i ? (unmarshall(i as Image) as ChangedItem) : undefined);

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const deps = getSnapshotDeps();
  const touched = mergeTouched(event.Records.map((r) => touchedBy(image(r.dynamodb?.OldImage), image(r.dynamodb?.NewImage))));
  const thisYear = Number(shanghaiDate(new Date()).slice(0, 4));
  for (const t of touched) {
    const years = t.years === 'all' ? [...(await deps.snapshots.years(t.unit)), thisYear] : t.years;
    await refreshSnapshots(deps, t.unit, years);
  }
  console.log(JSON.stringify({ level: 'info', msg: 'snapshots', records: event.Records.length, units: touched.length }));
}
