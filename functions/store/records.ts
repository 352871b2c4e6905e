/**
 * Records in DynamoDB with single-item conditional writes only (the embedded store has no
 * transactions). Each change is an immutable version item `V#n` claimed with
 * attribute_not_exists, so two editors of version n cannot both win. The head item carries the
 * current state and the index keys; it is written after the version and only moves forward, and
 * any reader that finds it behind the newest version rolls it forward.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  InvalidCursorError,
  type ListQuery, type ChangeKind, type RecordState, type RecordStore, type VersionEntry } from '../core/records/record.js';
import { isConditionFailed } from './client.js';
import { CURSOR_RE, keys } from './keys.js';
import { indexOf, type IndexName } from './table.js';

const STATE_KEYS = [
  'id',
  'unit',
  'templateId',
  'version',
  'status',
  'date',
  'period',
  'owner',
  'division',
  'data',
  'number',
  'subject',
  'review',
  'attachments',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;

function toState(item: Record<string, unknown>): RecordState {
  const out: Record<string, unknown> = {};
  for (const k of STATE_KEYS) if (item[k] !== undefined) out[k] = item[k];
  return out as unknown as RecordState;
}

/** The head item of a record as stored: its state and, while active, its index keys. */
export function headItem(state: RecordState): Record<string, unknown> {
  const item: Record<string, unknown> = { pk: keys.record(state.id), sk: keys.head, entity: 'record', ...state };
  // Withdrawn records leave every index, so no listing, compliance count or ledger can see them.
  if (state.status === 'active') {
    item.byFormPk = keys.byForm(state.unit, state.templateId);
    item.byOwnerPk = keys.byOwner(state.unit, state.owner);
    item.byUnitPk = keys.unit(state.unit);
    if (state.division) item.byDivisionPk = keys.byDivision(state.unit, state.division);
    item.recordSk = keys.recordSort(state.date, state.id);
  }
  return item;
}

export function dynamoRecordStore(doc: DynamoDBDocumentClient, tableName: string): RecordStore {
  async function putHead(state: RecordState): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: headItem(state),
          ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
          ExpressionAttributeValues: { ':v': state.version },
        }),
      );
    } catch (err) {
      // Someone already moved the head to this version or beyond: nothing left to do.
      if (!isConditionFailed(err)) throw err;
    }
  }

  async function putVersion(state: RecordState, change: ChangeKind, requestHash?: string): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: keys.record(state.id),
            sk: keys.version(state.version),
            entity: 'version',
            ...state,
            change,
            requestHash,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async function latestVersion(id: string): Promise<RecordState | undefined> {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': keys.record(id), ':v': keys.versionPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? toState(item) : undefined;
  }

  /**
   * A reader moves a stale head forward as a courtesy; its answer is right either way. In the
   * cloud, GET routes may only read, so a refused repair is left to the next writer, whose
   * putHead moves the head past it.
   */
  async function repairOnRead(latest: RecordState): Promise<void> {
    try {
      await putHead(latest);
    } catch (err) {
      console.warn(JSON.stringify({ level: 'warn', msg: 'head repair left to the next writer', record: latest.id, error: (err as Error)?.name }));
    }
  }

  async function get(id: string): Promise<RecordState | undefined> {
    const [latest, head] = await Promise.all([
      latestVersion(id),
      doc.send(new GetCommand({ TableName: tableName, Key: { pk: keys.record(id), sk: keys.head }, ConsistentRead: true })),
    ]);
    if (!latest) return undefined;
    const headVersion = head.Item?.version as number | undefined;
    if (headVersion === undefined || headVersion < latest.version) await repairOnRead(latest);
    return latest;
  }

  /** A unit's records of one form dated within [start, end], on the byForm index. */
  function byFormRange(unit: string, templateId: string, start: string, end: string) {
    const def = indexOf('byForm');
    const { from, to } = keys.recordSortRange(start, end);
    return {
      TableName: tableName,
      IndexName: def.name,
      KeyConditionExpression: `${def.partitionKey} = :pk AND ${def.sortKey} BETWEEN :from AND :to`,
      ExpressionAttributeValues: { ':pk': keys.byForm(unit, templateId), ':from': from, ':to': to },
    };
  }

  function indexFor(query: ListQuery): { index: IndexName; pk: string; filterTemplate: boolean } {
    const { unit, scope, templateId } = query;
    if (scope.kind === 'unit')
      return templateId
        ? { index: 'byForm', pk: keys.byForm(unit, templateId), filterTemplate: false }
        : { index: 'byUnit', pk: keys.unit(unit), filterTemplate: false };
    if (scope.kind === 'owner') return { index: 'byOwner', pk: keys.byOwner(unit, scope.owner), filterTemplate: !!templateId };
    return { index: 'byDivision', pk: keys.byDivision(unit, scope.division), filterTemplate: !!templateId };
  }

  return {
    async create(state, requestHash) {
      if (await putVersion(state, 'create', requestHash)) {
        await putHead(state);
        return { outcome: 'created', record: state };
      }
      const first = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: keys.record(state.id), sk: keys.version(1) }, ConsistentRead: true }),
      );
      const same = first.Item?.requestHash === requestHash && first.Item?.createdBy === state.createdBy;
      const current = await get(state.id);
      return { outcome: same ? 'replayed' : 'mismatch', record: current ?? toState(first.Item ?? {}) };
    },

    get,

    async append(next, change) {
      if (!(await putVersion(next, change))) return false;
      await putHead(next);
      return true;
    },

    async versions(id) {
      const out: VersionEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
            ExpressionAttributeValues: { ':pk': keys.record(id), ':v': keys.versionPrefix },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) out.push({ ...toState(item), change: item.change as ChangeKind });
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },

    async list(query: ListQuery) {
      const { index, pk, filterTemplate } = indexFor(query);
      const def = indexOf(index);
      const { from, to } = keys.recordSortRange(query.start, query.end);
      // A cursor must come from this range: DynamoDB refuses a start key outside the key condition.
      if (query.cursor !== undefined && (!CURSOR_RE.test(query.cursor) || query.cursor < from || query.cursor > to))
        throw new InvalidCursorError();
      let exclusiveStart: Record<string, unknown> | undefined = query.cursor
        ? {
            pk: keys.record(query.cursor.split('#')[1]!),
            sk: keys.head,
            [def.partitionKey]: pk,
            [def.sortKey]: query.cursor,
          }
        : undefined;
      const items: RecordState[] = [];
      // A template filter can leave pages sparse; read on, but never more than a few pages per call.
      for (let round = 0; round < 10; round++) {
        const input: QueryCommandInput = {
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${def.partitionKey} = :pk AND ${def.sortKey} BETWEEN :from AND :to`,
          ExpressionAttributeValues: {
            ':pk': pk,
            ':from': from,
            ':to': to,
            ...(filterTemplate ? { ':t': query.templateId } : {}),
          },
          ...(filterTemplate ? { FilterExpression: 'templateId = :t' } : {}),
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ExclusiveStartKey: exclusiveStart,
        };
        const page = await doc.send(new QueryCommand(input));
        for (const item of page.Items ?? []) items.push(toState(item));
        exclusiveStart = page.LastEvaluatedKey;
        if (!exclusiveStart) return { items };
        if (items.length >= query.limit) break;
      }
      return { items, nextCursor: exclusiveStart![def.sortKey] as string };
    },

    async countByForm(unit, templateId, start, end) {
      let count = 0;
      let exclusiveStart: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            ...byFormRange(unit, templateId, start, end),
            Select: 'COUNT',
            ExclusiveStartKey: exclusiveStart,
          }),
        );
        count += page.Count ?? 0;
        exclusiveStart = page.LastEvaluatedKey;
      } while (exclusiveStart);
      return count;
    },

    async *iterateByForm(unit, templateId, start, end, pageSize = 200, dataFields) {
      let exclusiveStart: Record<string, unknown> | undefined;
      // Attribute names go through placeholders: `data`, `date` and `status` are reserved words.
      const projection = dataFields && {
        ProjectionExpression: [
          ...STATE_KEYS.filter((k) => k !== 'data').map((_, i) => `#s${i}`),
          ...dataFields.map((_, i) => `#data.#f${i}`),
        ].join(', '),
        ExpressionAttributeNames: {
          ...Object.fromEntries(STATE_KEYS.filter((k) => k !== 'data').map((k, i) => [`#s${i}`, k])),
          ...(dataFields.length ? { '#data': 'data' } : {}),
          ...Object.fromEntries(dataFields.map((f, i) => [`#f${i}`, f])),
        },
      };
      do {
        const page = await doc.send(
          new QueryCommand({
            ...byFormRange(unit, templateId, start, end),
            // Bounded pages keep memory flat however many records a period holds.
            Limit: pageSize,
            ExclusiveStartKey: exclusiveStart,
            ...projection,
          }),
        );
        for (const item of page.Items ?? []) yield toState(dataFields && !item.data ? { ...item, data: {} } : item);
        exclusiveStart = page.LastEvaluatedKey;
      } while (exclusiveStart);
    },
  };
}
