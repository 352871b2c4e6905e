/**
 * The roster of each unit, versioned: every change is an immutable version item `ROSTER#V#<n>`
 * (the whole roster after it, who, when, and the entity before and after) claimed with
 * `attribute_not_exists`, and the newest version is the roster. So a change is one conditional
 * write, two offices changing at once cannot both win, nothing is ever overwritten, and the history
 * is the version items themselves.
 *
 * Beside the versions, an index from a token's issuer and subject to the unit and person, so the
 * authorizer finds a caller's roster without a scan. The index is only a pointer: the caller's
 * roster is read and must still give that person that subject.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../core/errors.js';
import { signInSubject, type Roster, type RosterChange, type RosterVersion } from '../core/roster/roster.js';
import type { RosterStore } from '../core/roster/store.js';
import type { Organisation } from '../core/templates/templates.js';
import { isConditionFailed } from './client.js';
import { keys } from './keys.js';

/** The store's interface lives in core, so the roster's service can take it as a dependency. */
export type OrganisationStore = RosterStore;

export function dynamoOrganisationStore(doc: DynamoDBDocumentClient, tableName: string): RosterStore {
  async function latest(unit: string): Promise<Roster | undefined> {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': keys.unit(unit), ':v': keys.rosterVersionPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    if (item) return { org: item.organisation as Organisation, version: item.version as number };
    // A store made before the roster was versioned keeps the organisation in one item: version 0.
    const legacy = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: keys.unit(unit), sk: keys.organisation }, ConsistentRead: true }));
    const org = legacy.Item?.organisation as Organisation | undefined;
    return org ? { org, version: 0 } : undefined;
  }

  async function link(org: Organisation, issuer: string, base?: Organisation): Promise<void> {
    // On a change, only the people whose subject is new or changed need a pointer.
    const changed = org.people.filter((p) => {
      const was = base?.people.find((b) => b.id === p.id);
      return signInSubject(p, issuer) !== undefined && (!was || signInSubject(was, issuer) !== signInSubject(p, issuer));
    });
    for (const person of changed) {
      const key = { pk: keys.identity(issuer), sk: keys.identitySubject(signInSubject(person, issuer)!) };
      const have = await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      if (have.Item?.unit === org.unit.id && have.Item?.person === person.id) continue;
      if (have.Item && have.Item.unit !== org.unit.id) {
        // Another unit's pointer stands only while that unit's roster still gives someone this subject.
        const theirs = await latest(have.Item.unit as string);
        const holder = theirs?.org.people.find((p) => p.id === have.Item!.person && signInSubject(p, issuer) === signInSubject(person, issuer));
        if (holder) throw conflict(`登录身份 ${signInSubject(person, issuer)} 已属于其他单位的人员`);
      }
      await doc.send(new PutCommand({ TableName: tableName, Item: { ...key, entity: 'identity', unit: org.unit.id, person: person.id } }));
    }
  }

  async function claim(unit: string, version: number, org: Organisation, change: RosterChange, by: string, at: string): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: keys.unit(unit), sk: keys.rosterVersion(version), entity: 'roster-version', version, organisation: org, by, at, ...change },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async function register(org: Organisation): Promise<void> {
    // A county files no records, so it is no unit for the monthly ledgers or the sweep.
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: org.kind === 'county' ? keys.counties : keys.units, sk: keys.unitEntry(org.unit.id), entity: org.kind === 'county' ? 'county' : 'unit', unit: org.unit.id, name: org.unit.name },
      }),
    );
    // The county's pointer to the unit: the roster's `county` is the link, this only finds it.
    if (org.county)
      await doc.send(
        new PutCommand({ TableName: tableName, Item: { pk: keys.countyUnits(org.county), sk: keys.unitEntry(org.unit.id), entity: 'county-unit', unit: org.unit.id } }),
      );
  }

  async function registry(pk: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) out.push(item.unit as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  return {
    async get(unit) {
      return (await latest(unit))?.org;
    },
    roster: latest,
    async putIfAbsent(org, issuer, by = 'load') {
      const current = await latest(org.unit.id);
      let wrote = false;
      if (!current) wrote = await claim(org.unit.id, 1, org, { kind: 'load', target: org.unit.id }, by, new Date().toISOString());
      const stored = wrote ? org : ((await latest(org.unit.id))?.org ?? org);
      // After the roster, so a pointer never names a unit that is not there; repeated at every load.
      await link(stored, issuer);
      await register(stored);
      return wrote;
    },
    async write(base, next, change, meta) {
      // Pointers first: one left by a change that then lost the race points to a person whose roster
      // does not give them the subject, and is refused on use.
      await link(next, meta.issuer, base.org);
      const version = base.version + 1;
      if (!(await claim(next.unit.id, version, next, change, meta.by, meta.at)))
        throw conflict('名册已被他人修改，请刷新后重试', { version: (await latest(next.unit.id))?.version });
      if (next.unit.name !== base.org.unit.name || next.county !== base.org.county) await register(next);
      return { org: next, version };
    },
    async history(unit, options = {}) {
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 200);
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.unit(unit),
            ':from': keys.rosterVersion((options.after ?? 0) + 1),
            ':to': keys.rosterVersion(9_999_999_999),
          },
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      const items = (out.Items ?? []).map(
        (i): RosterVersion => ({
          version: i.version as number,
          at: i.at as string,
          by: i.by as string,
          kind: i.kind as RosterVersion['kind'],
          target: i.target as string,
          ...(i.before !== undefined ? { before: i.before } : {}),
          ...(i.after !== undefined ? { after: i.after } : {}),
        }),
      );
      return { items, ...(out.LastEvaluatedKey && items.length ? { next: items[items.length - 1]!.version } : {}) };
    },
    async whoIs(issuer, subject) {
      const out = await doc.send(
        new GetCommand({ TableName: tableName, Key: { pk: keys.identity(issuer), sk: keys.identitySubject(subject) }, ConsistentRead: true }),
      );
      return out.Item ? { unit: out.Item.unit as string, person: out.Item.person as string } : undefined;
    },
    units: () => registry(keys.units),
    counties: () => registry(keys.counties),
    async countyUnits(county) {
      const rosters = await Promise.all((await registry(keys.countyUnits(county))).map((u) => latest(u)));
      // A pointer left by a unit that has since moved to another county names nothing.
      return rosters.filter((r): r is Roster => r !== undefined && r.org.county === county).sort((a, b) => a.org.unit.id.localeCompare(b.org.unit.id));
    },
  };
}
