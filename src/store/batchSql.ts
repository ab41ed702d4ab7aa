// Multi-row writes of the write path in raw SQL on Prisma's driver adapter (driverTx.ts): one statement per table
// per batch instead of one generic-client operation per row (the client's per-operation cost dominated ingest).
// Same SQL on SQLite and PostgreSQL, apart from the casts PostgreSQL needs on parameters inside VALUES lists.
import { Prisma } from '../generated/sqlite/client.js';
import type { NewBehaviorEvent } from '../domain/types.js';
import type { DatabaseTarget } from './databaseUrl.js';
import { DuplicateEventError, VersionConflictError } from './errors.js';
import type { DriverSql } from './driverTx.js';
import { parseJsonObject, toDate } from './rows.js';
import type { BehaviorRow, ProfileHead, ProfileSave, ProfileVersionWrite, UserRow } from './types.js';

/** The key of the one advisory lock that orders appends to the log (outside hashtext's int4 range). */
const LOG_LOCK_KEY = 7_411_000_000_001n;

/** A time as Prisma stores DateTime on SQLite (ISO 8601 with an explicit offset); PostgreSQL casts it. */
const time = (d: Date | number) => new Date(d).toISOString().replace('Z', '+00:00');

/**
 * The byte columns of a batch (profile states, snapshots) as ONE blob parameter: the rows carry each value's
 * 1-based offset and length into it (null for null). Hex inside the JSON made SQLite parse every 16 KB row text
 * once per column it read (`->>`): the profile update cost ~7x what it costs with the bytes cut out of a blob.
 */
function packBytes(values: ReadonlyArray<Uint8Array | null>): { blob: Buffer; at: Array<[number, number] | null> } {
  let offset = 1;
  const at = values.map((b): [number, number] | null => {
    if (!b) return null;
    const here: [number, number] = [offset, b.byteLength];
    offset += b.byteLength;
    return here;
  });
  const blob = Buffer.concat(values.flatMap((b) => (b ? [b] : [])));
  return { blob, at };
}

// Every multi-row statement takes its rows as ONE JSON parameter (an array of arrays), read with json_each
// (SQLite) or jsonb_array_elements (PostgreSQL): the statement text is the same for every batch size and the
// generic client handles one parameter instead of thousands. Bytes travel in one blob parameter (packBytes).
export function batchSql(db: DriverSql, target: DatabaseTarget) {
  const pg = target.provider === 'postgresql';
  const table = (name: string) => Prisma.raw(pg ? `"${target.schema}"."${name}"` : `"${name}"`);
  const rows = pg ? Prisma.raw('jsonb_array_elements') : Prisma.raw('json_each');
  const json = (data: unknown[][]) =>
    pg ? Prisma.sql`${JSON.stringify(data)}::jsonb` : Prisma.sql`${JSON.stringify(data)}`;
  /** Column i of the row `x`, typed: PostgreSQL casts the text, SQLite takes JSON's own types. */
  const col = (i: number, type: 'text' | 'int' | 'float' | 'time') => {
    const at = pg ? `x->>${i}` : `x.value->>${i}`;
    if (!pg) return Prisma.raw(at);
    const cast = { text: 'text', int: 'integer', float: 'double precision', time: 'timestamp(3)' }[type];
    return Prisma.raw(`(${at})::${cast}`);
  };
  const cols = (types: Array<Parameters<typeof col>[1] | 'bytes'>, blob?: Buffer) =>
    Prisma.join(
      types.map((t, i) => (t === 'bytes' ? bytesAt(i, blob!) : col(i, t))),
      ', ',
    );
  /** The bytes at [offset, length] (column i, from packBytes) of the batch's blob; null where the column is. */
  const bytesAt = (i: number, blob: Buffer) =>
    pg
      ? Prisma.sql`substring(${blob}::bytea from ${Prisma.raw(`(x->${i}->>0)::integer`)} for ${Prisma.raw(`(x->${i}->>1)::integer`)})`
      : Prisma.sql`substr(${blob}, ${Prisma.raw(`x.value->${i}->>0`)}, ${Prisma.raw(`x.value->${i}->>1`)})`;

  return {
    /**
     * PostgreSQL: every user's advisory lock (the key lockUser takes), in key order so that two batches never wait
     * on each other in a cycle. SQLite serialises write transactions already.
     */
    async lockUsers(userIds: readonly string[]): Promise<void> {
      if (!pg || !userIds.length) return;
      await db.rows(
        Prisma.sql`SELECT pg_advisory_xact_lock(k)::text FROM (SELECT DISTINCT hashtext(u) AS k FROM unnest(${[...userIds]}::text[]) AS u ORDER BY k) AS keys`,
      );
    },

    /**
     * PostgreSQL: log appends are serialised until commit, so log ids become visible in id order and a replica that
     * follows the log by id never skips a row committed late. SQLite's single writer gives the same order already.
     */
    async lockLog(): Promise<void> {
      if (pg) await db.rows(Prisma.sql`SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY})::text`);
    },

    /** Appends events in one statement; returns them in the given order. DuplicateEventError when one is logged. */
    async appendBehaviors(events: readonly NewBehaviorEvent[]): Promise<BehaviorRow[]> {
      if (!events.length) return [];
      await this.lockLog();
      const receivedAt = new Date();
      const data = events.map((e) => [
        e.eventId,
        e.userId,
        e.itemId,
        e.type,
        e.value,
        e.text,
        e.opinion ?? null,
        time(e.occurredAt),
      ]);
      const values = cols(['text', 'text', 'text', 'text', 'float', 'text', 'float', 'time']);
      // "WHERE true": SQLite needs it to parse INSERT ... SELECT ... ON CONFLICT.
      const returned = await db.rows(
        Prisma.sql`INSERT INTO ${table('Behavior')} ("eventId", "userId", "itemId", "type", "value", "text", "opinion", "occurredAt", "receivedAt") SELECT ${values}, ${pg ? Prisma.sql`${time(receivedAt)}::timestamp(3)` : time(receivedAt)} FROM ${rows}(${json(data)}) AS x WHERE true ON CONFLICT ("userId", "eventId") DO NOTHING RETURNING "id", "userId", "eventId"`,
      );
      const byKey = new Map(
        returned.map(([id, userId, eventId]) => [`${String(userId)}\u0000${String(eventId)}`, Number(id)]),
      );
      const out: BehaviorRow[] = [];
      const seen = new Set<string>();
      for (const e of events) {
        const key = `${e.userId}\u0000${e.eventId}`;
        const seq = byKey.get(key);
        // Already in the log, or twice in these rows (the caller's throw rolls the transaction back).
        if (seq === undefined || seen.has(key)) throw new DuplicateEventError(e.userId, [e.eventId]);
        seen.add(key);
        out.push({ ...e, opinion: e.opinion ?? null, seq, receivedAt: receivedAt.getTime() });
      }
      return out;
    },

    /**
     * Saves profiles in at most two statements: new ones inserted, existing ones updated where still at the
     * expected version and event count. VersionConflictError when any was saved by another writer meanwhile.
     */
    async saveProfiles(saves: readonly ProfileSave[]): Promise<void> {
      const profile = table('Profile');
      const fields = (r: ProfileSave['row'], state: [number, number] | null) => [
        r.userId,
        r.version,
        r.eventCount,
        state,
        r.summary,
        r.drift,
        r.driftShort,
        JSON.stringify(r.changedFacets),
        time(r.updatedAt),
      ];
      const fresh = saves.filter((s) => s.expectedVersion === null);
      if (fresh.length) {
        const { blob, at } = packBytes(fresh.map((s) => s.row.state));
        const values = cols(['text', 'int', 'int', 'bytes', 'text', 'float', 'float', 'text', 'time'], blob);
        const data = fresh.map((s, i) => fields(s.row, at[i]!));
        const n = await db.execute(
          Prisma.sql`INSERT INTO ${profile} ("userId", "version", "eventCount", "state", "summary", "drift", "driftShort", "changedFacets", "updatedAt") SELECT ${values} FROM ${rows}(${json(data)}) AS x WHERE true ON CONFLICT ("userId") DO NOTHING`,
        );
        if (n !== fresh.length) throw new VersionConflictError(fresh[0]!.row.userId, null);
      }
      const existing = saves.filter((s) => s.expectedVersion !== null);
      if (existing.length) {
        const { blob, at } = packBytes(existing.map((s) => s.row.state));
        const data = existing.map((s, i) => [...fields(s.row, at[i]!), s.expectedVersion, s.expectedEventCount]);
        const types = ['text', 'int', 'int', 'bytes', 'text', 'float', 'float', 'text', 'time', 'int', 'int'] as const;
        const values = cols([...types], blob);
        const n =
          await db.execute(Prisma.sql`WITH v ("userId", "version", "eventCount", "state", "summary", "drift", "driftShort", "changedFacets", "updatedAt", "expectedVersion", "expectedEventCount") AS (SELECT ${values} FROM ${rows}(${json(data)}) AS x)
          UPDATE ${profile} SET "version" = v."version", "eventCount" = v."eventCount", "state" = v."state", "summary" = v."summary", "drift" = v."drift", "driftShort" = v."driftShort", "changedFacets" = v."changedFacets", "updatedAt" = v."updatedAt"
          FROM v WHERE ${profile}."userId" = v."userId" AND ${profile}."version" = v."expectedVersion" AND (v."expectedEventCount" IS NULL OR ${profile}."eventCount" = v."expectedEventCount")`);
        if (n !== existing.length)
          throw new VersionConflictError(existing[0]!.row.userId, existing[0]!.expectedVersion);
      }
    },

    /** Inserts profile versions in one statement. */
    async insertProfileVersions(versions: readonly ProfileVersionWrite[]): Promise<void> {
      if (!versions.length) return;
      const createdAt = time(new Date());
      const { blob, at } = packBytes(versions.map((v) => v.snapshot));
      const data = versions.map((v, i) => [
        v.userId,
        v.version,
        v.behaviorId,
        v.drift,
        v.driftShort,
        JSON.stringify(v.changedFacets),
        v.eventCount,
        at[i]!,
        createdAt,
        time(v.asOf),
      ]);
      const values = cols(['text', 'int', 'int', 'float', 'float', 'text', 'int', 'bytes', 'time', 'time'], blob);
      await db.execute(
        Prisma.sql`INSERT INTO ${table('ProfileVersion')} ("userId", "version", "behaviorId", "drift", "driftShort", "changedFacets", "eventCount", "snapshot", "createdAt", "asOf") SELECT ${values} FROM ${rows}(${json(data)}) AS x`,
      );
    },

    /** The heads (version, event count, save time) of the users' profiles, in the given order (null where none). */
    async profileHeads(userIds: readonly string[]): Promise<Array<ProfileHead | null>> {
      const found = await this.byIds('Profile', 'userId', userIds, ['version', 'eventCount'], 'updatedAt');
      return userIds.map((id) => {
        const r = found.get(id);
        return r ? { userId: id, version: Number(r[1]), eventCount: Number(r[2]), updatedAt: toDate(r[3]) } : null;
      });
    },

    /** The users, in the given order (null where none). */
    async usersByIds(ids: readonly string[]): Promise<Array<UserRow | null>> {
      const found = await this.byIds('User', 'id', ids, ['attributes', 'onboardingText'], 'createdAt', 'updatedAt');
      return ids.map((id) => {
        const r = found.get(id);
        if (!r) return null;
        const [, attributes, onboardingText, createdAt, updatedAt] = r;
        return {
          id,
          attributes: parseJsonObject(attributes as string | null),
          onboardingText: (onboardingText as string | null) ?? null,
          createdAt: toDate(createdAt),
          updatedAt: toDate(updatedAt),
        };
      });
    },

    /**
     * The rows of `table` whose `key` is one of `ids`, by key: [key, ...columns, ...times] (times as ISO text in
     * UTC, read back with toDate).
     */
    async byIds(tableName: string, key: string, ids: readonly string[], columns: string[], ...times: string[]) {
      if (!ids.length) return new Map<string, unknown[]>();
      const utc = (c: string) => (pg ? `to_char("${c}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : `"${c}"`);
      const selected = Prisma.raw(
        [key, ...columns]
          .map((c) => `"${c}"`)
          .concat(times.map(utc))
          .join(', '),
      );
      const found = await db.rows(
        Prisma.sql`SELECT ${selected} FROM ${table(tableName)} WHERE ${Prisma.raw(`"${key}"`)} IN (SELECT ${col(0, 'text')} FROM ${rows}(${json(ids.map((id) => [id]))}) AS x)`,
      );
      return new Map(found.map((r) => [String(r[0]), r]));
    },

    /** Creates the users that do not exist yet (another process may create one at the same time: no error). */
    async ensureUsers(ids: readonly string[]): Promise<void> {
      if (!ids.length) return;
      const now = time(new Date());
      const data = ids.map((id) => [id, now, now]);
      await db.execute(
        Prisma.sql`INSERT INTO ${table('User')} ("id", "createdAt", "updatedAt") SELECT ${cols(['text', 'time', 'time'])} FROM ${rows}(${json(data)}) AS x WHERE true ON CONFLICT ("id") DO NOTHING`,
      );
    },
  };
}
