// Multi-row writes of the write path in raw SQL through Prisma ($queryRaw/$executeRaw): one statement per table
// per batch instead of one generic-client operation per row (the client's per-operation cost dominated ingest).
// Same SQL on SQLite and PostgreSQL, apart from the casts PostgreSQL needs on parameters inside VALUES lists.
import { Prisma } from '../generated/sqlite/client.js';
import type { NewBehaviorEvent } from '../domain/types.js';
import type { DatabaseTarget } from './databaseUrl.js';
import { DuplicateEventError, VersionConflictError } from './errors.js';
import type { Db } from './rows.js';
import type { BehaviorRow, ProfileSave, ProfileVersionWrite } from './types.js';

/** Keeps each statement under both databases' parameter limits (SQLite 32,766; PostgreSQL 65,535). */
const MAX_PARAMS = 30_000;

/** The key of the one advisory lock that orders appends to the log (outside hashtext's int4 range). */
const LOG_LOCK_KEY = 7_411_000_000_001n;

function chunks<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const copy = (b: Uint8Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

export function batchSql(db: Db, target: DatabaseTarget) {
  const pg = target.provider === 'postgresql';
  const table = (name: string) => Prisma.raw(pg ? `"${target.schema}"."${name}"` : `"${name}"`);
  /** A parameter with the type PostgreSQL cannot infer inside VALUES; SQLite takes it as it is. */
  const p = (value: unknown, type: string) => (pg ? Prisma.sql`${value}::${Prisma.raw(type)}` : Prisma.sql`${value}`);
  const values = (rows: Prisma.Sql[]) => Prisma.join(rows, ', ');

  return {
    /**
     * PostgreSQL: every user's advisory lock (the key lockUser takes), in key order so that two batches never wait
     * on each other in a cycle. SQLite serialises write transactions already.
     */
    async lockUsers(userIds: readonly string[]): Promise<void> {
      if (!pg || !userIds.length) return;
      await db.$queryRaw`SELECT pg_advisory_xact_lock(k)::text FROM (SELECT DISTINCT hashtext(u) AS k FROM unnest(${[...userIds]}::text[]) AS u ORDER BY k) AS keys`;
    },

    /**
     * PostgreSQL: log appends are serialised until commit, so log ids become visible in id order and a replica that
     * follows the log by id never skips a row committed late. SQLite's single writer gives the same order already.
     */
    async lockLog(): Promise<void> {
      if (pg) await db.$queryRaw`SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY})::text`;
    },

    /** Appends events in one statement; returns them in the given order. DuplicateEventError when one is logged. */
    async appendBehaviors(rows: readonly NewBehaviorEvent[]): Promise<BehaviorRow[]> {
      if (!rows.length) return [];
      await this.lockLog();
      const receivedAt = new Date();
      type Returned = { id: number; userId: string; eventId: string };
      const byKey = new Map<string, number>();
      for (const part of chunks([...rows], 8)) {
        const tuples = part.map(
          (e) =>
            Prisma.sql`(${p(e.eventId, 'text')}, ${p(e.userId, 'text')}, ${p(e.itemId, 'text')}, ${p(e.type, 'text')}, ${p(e.value, 'double precision')}, ${p(e.text, 'text')}, ${p(new Date(e.occurredAt), 'timestamp(3)')}, ${p(receivedAt, 'timestamp(3)')})`,
        );
        const returned = await db.$queryRaw<
          Returned[]
        >`INSERT INTO ${table('Behavior')} ("eventId", "userId", "itemId", "type", "value", "text", "occurredAt", "receivedAt") VALUES ${values(tuples)} ON CONFLICT ("userId", "eventId") DO NOTHING RETURNING "id", "userId", "eventId"`;
        for (const r of returned) byKey.set(`${r.userId}\u0000${r.eventId}`, Number(r.id));
      }
      const out: BehaviorRow[] = [];
      const seen = new Set<string>();
      for (const e of rows) {
        const key = `${e.userId}\u0000${e.eventId}`;
        const seq = byKey.get(key);
        // Already in the log, or twice in these rows (the caller's throw rolls the transaction back).
        if (seq === undefined || seen.has(key)) throw new DuplicateEventError(e.userId, [e.eventId]);
        seen.add(key);
        out.push({ ...e, seq, receivedAt: receivedAt.getTime() });
      }
      return out;
    },

    /**
     * Saves profiles in at most two statements: new ones inserted, existing ones updated where still at the
     * expected version and event count. VersionConflictError when any was saved by another writer meanwhile.
     */
    async saveProfiles(saves: readonly ProfileSave[]): Promise<void> {
      const fresh = saves.filter((s) => s.expectedVersion === null);
      const existing = saves.filter((s) => s.expectedVersion !== null);
      for (const part of chunks(fresh, 9)) {
        const tuples = part.map(
          ({ row: r }) =>
            Prisma.sql`(${r.userId}, ${r.version}, ${r.eventCount}, ${copy(r.state)}, ${r.summary}, ${r.drift}, ${r.driftShort}, ${JSON.stringify(r.changedFacets)}, ${r.updatedAt})`,
        );
        const n =
          await db.$executeRaw`INSERT INTO ${table('Profile')} ("userId", "version", "eventCount", "state", "summary", "drift", "driftShort", "changedFacets", "updatedAt") VALUES ${values(tuples)} ON CONFLICT ("userId") DO NOTHING`;
        if (n !== part.length) throw new VersionConflictError(part[0]!.row.userId, null);
      }
      for (const part of chunks(existing, 11)) {
        const tuples = part.map(
          ({ row: r, expectedVersion, expectedEventCount }) =>
            Prisma.sql`(${p(r.userId, 'text')}, ${p(expectedVersion, 'integer')}, ${p(expectedEventCount, 'integer')}, ${p(r.version, 'integer')}, ${p(r.eventCount, 'integer')}, ${p(copy(r.state), 'bytea')}, ${p(r.summary, 'text')}, ${p(r.drift, 'double precision')}, ${p(r.driftShort, 'double precision')}, ${p(JSON.stringify(r.changedFacets), 'text')}, ${p(r.updatedAt, 'timestamp(3)')})`,
        );
        const profile = table('Profile');
        const n =
          await db.$executeRaw`WITH v ("userId", "expectedVersion", "expectedEventCount", "version", "eventCount", "state", "summary", "drift", "driftShort", "changedFacets", "updatedAt") AS (VALUES ${values(tuples)})
          UPDATE ${profile} SET "version" = v."version", "eventCount" = v."eventCount", "state" = v."state", "summary" = v."summary", "drift" = v."drift", "driftShort" = v."driftShort", "changedFacets" = v."changedFacets", "updatedAt" = v."updatedAt"
          FROM v WHERE ${profile}."userId" = v."userId" AND ${profile}."version" = v."expectedVersion" AND (v."expectedEventCount" IS NULL OR ${profile}."eventCount" = v."expectedEventCount")`;
        if (n !== part.length) throw new VersionConflictError(part[0]!.row.userId, part[0]!.expectedVersion);
      }
    },

    /** Inserts profile versions in one statement per chunk. */
    async insertProfileVersions(rows: readonly ProfileVersionWrite[]): Promise<void> {
      const createdAt = new Date();
      for (const part of chunks([...rows], 11)) {
        const tuples = part.map(
          (v) =>
            Prisma.sql`(${v.userId}, ${v.version}, ${v.behaviorId}, ${v.drift}, ${v.driftShort}, ${JSON.stringify(v.changedFacets)}, ${v.eventCount}, ${v.snapshot ? copy(v.snapshot) : null}, ${createdAt}, ${v.asOf})`,
        );
        await db.$executeRaw`INSERT INTO ${table('ProfileVersion')} ("userId", "version", "behaviorId", "drift", "driftShort", "changedFacets", "eventCount", "snapshot", "createdAt", "asOf") VALUES ${values(tuples)}`;
      }
    },

    /** Creates the users that do not exist yet (another process may create one at the same time: no error). */
    async ensureUsers(ids: readonly string[]): Promise<void> {
      const now = new Date();
      for (const part of chunks([...ids], 3)) {
        const tuples = part.map((id) => Prisma.sql`(${id}, ${now}, ${now})`);
        await db.$executeRaw`INSERT INTO ${table('User')} ("id", "createdAt", "updatedAt") VALUES ${values(tuples)} ON CONFLICT ("id") DO NOTHING`;
      }
    },
  };
}
