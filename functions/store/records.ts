/**
 * Records in DynamoDB with single-item conditional writes only (the embedded store has no
 * transactions). Each change is an immutable version item `V#n` claimed with
 * attribute_not_exists, so two editors of version n cannot both win. The head item carries the
 * current state and the index keys; it is written after the version and only moves forward.
 *
 * A change takes three writes: (1) the head is marked with the change in flight (`pendingVersion`,
 * and keys in the sparse inFlight index), (2) the version item, (3) the head moved forward, which
 * drops the marker. A crash after (2) leaves a marked head behind its newest version: every index
 * read meets the marker (on the item, or in the unit's inFlight partition, read first) and rolls
 * the head forward before using it; a marker whose version never got written is cleared once it
 * is safely old. So lists, compliance and ledgers never show less than an acknowledged change.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
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
  'subjectName',
  'createdByName',
  'proxy',
  'review',
  'attachments',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;

/** The marker a head carries while a change is in flight. */
const MARKER_KEYS = ['flightPk', 'flightSk', 'pendingVersion', 'pendingAt'] as const;

/**
 * A marker older than this whose version was never written belongs to a request that has ended:
 * API functions time out after 10 s and API Gateway gives up at 30 s.
 */
export const MARKER_SAFE_AGE_MS = 60_000;

/** The steps of a change, named for the fault hook (tests kill the process at one of them). */
export type ChangeStep = 'record:after-claim' | 'record:after-version' | 'record:after-head';

export interface RecordStoreOptions {
  /** Called between the steps of a change; tests arm it to crash there (functions/fault.ts). */
  fault?: (step: ChangeStep) => void;
  now?: () => Date;
}

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
    if (state.review?.state === 'pending') item.reviewPk = keys.reviewQueue(state.unit);
    item.recordSk = keys.recordSort(state.date, state.id);
  } else {
    // Kept findable for the register's 已撤回 filter and for restoring, apart from everything that counts.
    item.byUnitPk = keys.withdrawn(state.unit);
    item.recordSk = keys.recordSort(state.date, state.id);
  }
  return item;
}

/** Whether a record read from an index still belongs in what the query asked for. */
function inRange(r: RecordState, unit: string, start?: string, end?: string, status: RecordState['status'] = 'active'): boolean {
  return r.unit === unit && r.status === status && (start === undefined || r.date >= start) && (end === undefined || r.date <= end);
}

function matchesList(q: ListQuery, r: RecordState): boolean {
  if (!inRange(r, q.unit, q.start, q.end, q.withdrawn ? 'withdrawn' : 'active')) return false;
  if (q.templateId && r.templateId !== q.templateId) return false;
  if (q.scope.kind === 'owner' && r.owner !== q.scope.owner) return false;
  if (q.scope.kind === 'division' && r.division !== q.scope.division) return false;
  return q.filter ? q.filter(r) : true;
}

/** Index items one register request reads at most (README: the register's bound). */
export const LIST_READ_BUDGET = 2_000;

export function dynamoRecordStore(doc: DynamoDBDocumentClient, tableName: string, options: RecordStoreOptions = {}): RecordStore {
  const fault = options.fault ?? (() => {});
  const now = options.now ?? (() => new Date());
  const headKey = (id: string) => ({ pk: keys.record(id), sk: keys.head });

  async function putHead(state: RecordState): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          // The whole item is replaced, so the marker goes with the old state.
          Item: headItem(state),
          // A head that holds only a marker (a create in flight) has no version yet.
          ConditionExpression: 'attribute_not_exists(version) OR version < :v',
          ExpressionAttributeValues: { ':v': state.version },
        }),
      );
    } catch (err) {
      // Someone already moved the head to this version or beyond: nothing left to do.
      if (!isConditionFailed(err)) throw err;
    }
  }

  /**
   * Step 1 of a change: marks the head with the version about to be written, on condition that the
   * head is still at the base version (none, for a create). False when another writer moved it.
   */
  async function claim(state: RecordState): Promise<boolean> {
    const at = now().toISOString();
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: headKey(state.id),
          UpdateExpression: 'SET entity = :e, flightPk = :fp, flightSk = :fs, pendingVersion = :pv, pendingAt = :at',
          ConditionExpression: state.version === 1 ? 'attribute_not_exists(version)' : 'version = :base',
          ExpressionAttributeValues: {
            ':e': 'record',
            ':fp': keys.flight(state.unit),
            ':fs': keys.flightRecord(at, state.id),
            ':pv': state.version,
            ':at': at,
            ...(state.version === 1 ? {} : { ':base': state.version - 1 }),
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async function putVersion(state: RecordState, change: ChangeKind, requestHash?: string, reason?: string): Promise<boolean> {
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
            reason,
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
   * A reader moves a stale head forward as a courtesy; its answer is right either way. A refused
   * repair is left to the next writer, whose putHead moves the head past it, or to the sweep.
   */
  async function repairOnRead(latest: RecordState): Promise<void> {
    try {
      await putHead(latest);
    } catch (err) {
      console.warn(JSON.stringify({ level: 'warn', msg: 'head repair left to the next writer', record: latest.id, error: (err as Error)?.name }));
    }
  }

  /**
   * Makes one record's head true: rolled forward to its newest version, or, when the marked
   * version was never written and the marker is older than `olderThanMs`, the marker cleared.
   * Returns the record's state as it now stands (undefined when it has no version at all).
   */
  async function repair(id: string, olderThanMs = MARKER_SAFE_AGE_MS): Promise<RecordState | undefined> {
    const [latest, headOut] = await Promise.all([
      latestVersion(id),
      doc.send(new GetCommand({ TableName: tableName, Key: headKey(id), ConsistentRead: true })),
    ]);
    const head = headOut.Item;
    const headVersion = head?.version as number | undefined;
    if (latest && (headVersion === undefined || headVersion < latest.version)) {
      await repairOnRead(latest);
      return latest;
    }
    const pendingAt = head?.pendingAt as string | undefined;
    if (head && pendingAt !== undefined && now().getTime() - Date.parse(pendingAt) >= olderThanMs) {
      // The change never wrote its version: put the head back as it was, without the marker, unless
      // the marker changed meanwhile (a new change claimed it).
      const item: Record<string, unknown> = { ...head };
      for (const k of MARKER_KEYS) delete item[k];
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'pendingAt = :at AND flightSk = :fs',
            ExpressionAttributeValues: { ':at': pendingAt, ':fs': head.flightSk },
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }
    return latest;
  }

  /**
   * Repairs every record of the unit whose head carries a marker, found through the sparse
   * inFlight index (usually empty: one small Query). Index reads call it first, so a change that
   * moved a record into what they read (a create, a new date) is there too.
   */
  async function repairInFlight(unit: string, opts: { olderThanMs?: number } = {}): Promise<number> {
    const def = indexOf('inFlight');
    let repaired = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: def.name,
          KeyConditionExpression: `${def.partitionKey} = :pk AND begins_with(${def.sortKey}, :rec)`,
          ExpressionAttributeValues: { ':pk': keys.flight(unit), ':rec': keys.flightRecordPrefix },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        await repair((item.pk as string).slice(keys.record('').length), opts.olderThanMs);
        repaired++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return repaired;
  }

  /** An item read from an index: itself, or, when it carries a marker, its repaired state if still wanted. */
  async function checked(item: Record<string, unknown>, wanted: (r: RecordState) => boolean): Promise<RecordState | undefined> {
    if (item.pendingVersion === undefined) return toState(item);
    const fresh = await repair(item.id as string);
    return fresh && wanted(fresh) ? fresh : undefined;
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
    // Withdrawn records are few: one partition, narrowed to the scope and form after reading.
    if (query.withdrawn) return { index: 'byUnit', pk: keys.withdrawn(unit), filterTemplate: !!templateId };
    if (scope.kind === 'unit')
      return templateId
        ? { index: 'byForm', pk: keys.byForm(unit, templateId), filterTemplate: false }
        : { index: 'byUnit', pk: keys.unit(unit), filterTemplate: false };
    if (scope.kind === 'owner') return { index: 'byOwner', pk: keys.byOwner(unit, scope.owner), filterTemplate: !!templateId };
    return { index: 'byDivision', pk: keys.byDivision(unit, scope.division), filterTemplate: !!templateId };
  }

  return {
    async create(state, requestHash) {
      // A head that already holds a record means this is a replay: the version write below fails.
      if (await claim(state)) fault('record:after-claim');
      if (await putVersion(state, 'create', requestHash)) {
        fault('record:after-version');
        await putHead(state);
        fault('record:after-head');
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

    async append(next, change, reason) {
      if (!(await claim(next))) {
        // A head left behind its newest version (a reader could not repair it) would refuse every
        // change made from what get() returned: roll it forward, then claim once more.
        const latest = await repair(next.id);
        if (latest?.version !== next.version - 1 || !(await claim(next))) return false;
      }
      fault('record:after-claim');
      if (!(await putVersion(next, change, undefined, reason))) return false;
      fault('record:after-version');
      await putHead(next);
      fault('record:after-head');
      return true;
    },

    repairInFlight,

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
        for (const item of page.Items ?? [])
          out.push({ ...toState(item), change: item.change as ChangeKind, ...(item.reason !== undefined ? { reason: item.reason as string } : {}) });
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },

    async list(query: ListQuery) {
      const { index, pk } = indexFor(query);
      const def = indexOf(index);
      const { from, to } = keys.recordSortRange(query.start, query.end);
      // A cursor must come from this range: DynamoDB refuses a start key outside the key condition.
      if (query.cursor !== undefined && (!CURSOR_RE.test(query.cursor) || query.cursor < from || query.cursor > to))
        throw new InvalidCursorError();
      await repairInFlight(query.unit);
      let exclusiveStart: Record<string, unknown> | undefined = query.cursor
        ? {
            pk: keys.record(query.cursor.split('#')[1]!),
            sk: keys.head,
            [def.partitionKey]: pk,
            [def.sortKey]: query.cursor,
          }
        : undefined;
      const budget = Math.max(1, query.readBudget ?? LIST_READ_BUDGET);
      // A page narrowed after reading (form, person, keyword) reads ahead in larger pages.
      const narrowed = !!query.filter || !!query.withdrawn || (query.scope.kind !== 'unit' && !!query.templateId);
      const items: RecordState[] = [];
      let read = 0;
      let lastSk: string | undefined;
      while (read < budget) {
        const want = query.limit - items.length;
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index,
            KeyConditionExpression: `${def.partitionKey} = :pk AND ${def.sortKey} BETWEEN :from AND :to`,
            ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
            ScanIndexForward: false,
            Limit: Math.min(budget - read, narrowed ? Math.max(want, 200) : want),
            ExclusiveStartKey: exclusiveStart,
          }),
        );
        const got = page.Items ?? [];
        for (let i = 0; i < got.length; i++) {
          const item = got[i]!;
          read++;
          lastSk = item[def.sortKey] as string;
          const r = await checked(item, (x) => matchesList(query, x));
          if (r && matchesList(query, r)) items.push(r);
          if (items.length >= query.limit) {
            // The cursor is the last item used, so the next page starts right after it.
            const more = i < got.length - 1 || !!page.LastEvaluatedKey;
            return { items, read, ...(more ? { nextCursor: lastSk } : {}) };
          }
        }
        exclusiveStart = page.LastEvaluatedKey;
        if (!exclusiveStart) return { items, read };
      }
      // The budget ran out before the page filled: say how far back the search reached.
      return { items, read, nextCursor: lastSk, searchedTo: lastSk?.split('#')[0] };
    },

    async nextNumber(unit, templateId, year) {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: keys.unit(unit), sk: keys.numberCounter(templateId, year) },
          // ADD is atomic on the one item, so concurrent creates each get their own number.
          UpdateExpression: 'SET entity = :e ADD seq :one',
          // Six digits per form and year is far past any unit's volume; past it, refuse rather than wrap.
          ConditionExpression: 'attribute_not_exists(seq) OR seq < :max',
          ExpressionAttributeValues: { ':e': 'counter', ':one': 1, ':max': 999_999 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return out.Attributes!.seq as number;
    },

    async reviewQueue(unit, limit) {
      const def = indexOf('byReview');
      await repairInFlight(unit);
      const out: RecordState[] = [];
      const wanted = (r: RecordState) => r.unit === unit && r.status === 'active' && r.review?.state === 'pending';
      let exclusiveStart: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: def.name,
            KeyConditionExpression: `${def.partitionKey} = :pk`,
            ExpressionAttributeValues: { ':pk': keys.reviewQueue(unit) },
            Limit: Math.min(200, limit - out.length),
            ExclusiveStartKey: exclusiveStart,
          }),
        );
        for (const item of page.Items ?? []) {
          const r = await checked(item, wanted);
          if (r && wanted(r)) out.push(r);
        }
        exclusiveStart = page.LastEvaluatedKey;
      } while (exclusiveStart && out.length < limit);
      return out;
    },

    async countByForm(unit, templateId, start, end) {
      // A count cannot see markers on the items it counts: repair the unit's first.
      await repairInFlight(unit);
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
      const own = [...STATE_KEYS.filter((k) => k !== 'data'), 'pendingVersion'];
      const projection = dataFields && {
        ProjectionExpression: [...own.map((_, i) => `#s${i}`), ...dataFields.map((_, i) => `#data.#f${i}`)].join(', '),
        ExpressionAttributeNames: {
          ...Object.fromEntries(own.map((k, i) => [`#s${i}`, k])),
          ...(dataFields.length ? { '#data': 'data' } : {}),
          ...Object.fromEntries(dataFields.map((f, i) => [`#f${i}`, f])),
        },
      };
      await repairInFlight(unit);
      const wanted = (r: RecordState) => r.templateId === templateId && inRange(r, unit, start, end);
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
        for (const item of page.Items ?? []) {
          if (item.pendingVersion !== undefined) {
            const r = await checked(item, wanted);
            if (r) yield r;
          } else yield toState(dataFields && !item.data ? { ...item, data: {} } : item);
        }
        exclusiveStart = page.LastEvaluatedKey;
      } while (exclusiveStart);
    },
  };
}
