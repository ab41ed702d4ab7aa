// Reads that go straight through the driver (better-sqlite3 / pg) instead of Prisma's client: the start-up's bulk
// reads of bytes (every item's vector, the recommender snapshot) and the point reads every recommendation request
// makes (its user, profile and the recommended items), and the log followers' reads (every event is read back
// once by every process, after every commit). Prisma's client carries byte columns between its query engine
// and the caller as base64 text, encoded and then decoded, and adds its own per-query work: measured on a copy of the
// 100k-item benchmark database, reading 100k items' vectors took ~3x the driver's time, and a request's three reads
// (10 items, a profile, a user) ~8x. Read-only; every write stays on Prisma. On SQLite the connection is a separate
// read-only one, which in WAL mode sees committed rows only (never the write path's open transaction).
import Database from 'better-sqlite3';
import type pg from 'pg';
import {
  toBehavior,
  toDate,
  toItem,
  toProfile,
  toUser,
  type BehaviorModel,
  type ItemModel,
  type ProfileModel,
  type UserModel,
} from './rows.js';
import type {
  BehaviorRow,
  CatalogChangeRow,
  ItemRow,
  ItemVectorRow,
  LogHeads,
  ProfileRow,
  RecommenderSnapshotRow,
  UserRow,
} from './types.js';

export interface DriverReads {
  /** Every item's features and vector, in id order, a page at a time. */
  iterateItemVectors(pageSize?: number): AsyncGenerator<ItemVectorRow[]>;
  /** The newest snapshot made with `fingerprint`, with its bytes. */
  latestRecommenderSnapshot(fingerprint: string): Promise<RecommenderSnapshotRow | null>;
  itemsByIds(ids: readonly string[]): Promise<Array<ItemRow | null>>;
  usersByIds(ids: readonly string[]): Promise<Array<UserRow | null>>;
  profilesByUserIds(ids: readonly string[]): Promise<Array<ProfileRow | null>>;
  /** Up to `limit` logged behaviours with a sequence above `afterSeq`, in sequence order (committed rows only). */
  behaviorsAfter(afterSeq: number, limit: number): Promise<BehaviorRow[]>;
  /** Up to `limit` catalogue changes with a sequence above `afterSeq`, in sequence order. */
  catalogChangesAfter(afterSeq: number, limit: number): Promise<CatalogChangeRow[]>;
  /** The newest sequence of the behaviour log, the catalogue's change log and the erasures (0: empty). */
  logHeads(): Promise<LogHeads>;
  erasureHead(): Promise<number>;
  close(): Promise<void>;
}

/** What differs between the two drivers: running a statement, naming a table, a time column, an id list. */
interface Sql {
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
  table(name: string): string;
  /** A DateTime column as a value `toDate` reads back in UTC. */
  time(column: string): string;
  /** `column` is one of the ids bound to the next parameter (`ids` turns the list into that parameter). */
  inList(column: string): string;
  ids(list: readonly string[]): unknown;
}

type Raw<T> = { [K in keyof T]: T[K] extends Date ? string | Date : T[K] };

/**
 * A page of items, their vectors copied into one allocation for the page: one typed array per vector (100k at
 * start) cost more in allocation and garbage collection than the copying.
 */
function toItemVectors(records: Array<Omit<ItemVectorRow, 'tags' | 'embedding'> & ByteColumns>): ItemVectorRow[] {
  const floats = records.reduce((n, r) => n + (r.embedding ? r.embedding.byteLength >> 2 : 0), 0);
  const slab = new Float32Array(floats);
  let at = 0;
  return records.map((r) => {
    let embedding: Float32Array | null = null;
    if (r.embedding) {
      embedding = slab.subarray(at, at + (r.embedding.byteLength >> 2));
      new Uint8Array(slab.buffer, at * 4, embedding.length * 4).set(r.embedding.subarray(0, embedding.length * 4));
      at += embedding.length;
    }
    const { id, title, category, brand, price, encoderId } = r;
    return { id, title, category, tags: JSON.parse(r.tags) as string[], brand, price, embedding, encoderId };
  });
}
type ByteColumns = { tags: string; embedding: Uint8Array | null };

function reads(driver: Sql, onQuery: () => void, close: () => Promise<void>): DriverReads {
  const sql: Sql = {
    ...driver,
    all: (text, params) => {
      onQuery();
      return driver.all(text, params);
    },
  };
  const byIds = async <T>(table: string, key: string, ids: readonly string[], columns: string) => {
    if (!ids.length) return new Map<string, T>();
    const rows = await sql.all<T & Record<string, unknown>>(
      `SELECT ${columns} FROM ${sql.table(table)} WHERE ${sql.inList(key)}`,
      [sql.ids(ids)],
    );
    return new Map(rows.map((r) => [r[key] as string, r as T]));
  };
  const itemColumns = `"id", "title", "description", "category", "tags", "brand", "price", "attributes", "embedding", "encoderId", ${sql.time('createdAt')}, ${sql.time('updatedAt')}`;
  return {
    async *iterateItemVectors(pageSize = 2000) {
      // Ids are never empty: '' precedes every one.
      let after = '';
      for (;;) {
        const rows = await sql.all<Parameters<typeof toItemVectors>[0][number]>(
          `SELECT "id", "title", "category", "tags", "brand", "price", "embedding", "encoderId" FROM ${sql.table('Item')} WHERE "id" > ? ORDER BY "id" LIMIT ?`,
          [after, pageSize],
        );
        if (!rows.length) return;
        yield toItemVectors(rows);
        after = rows[rows.length - 1]!.id;
      }
    },
    async latestRecommenderSnapshot(fingerprint) {
      const [row] = await sql.all<Raw<RecommenderSnapshotRow>>(
        `SELECT "id", "fingerprint", "format", "behaviorSeq", "catalogSeq", "erasureSeq", "state", "vectorIndex", ${sql.time('createdAt')} FROM ${sql.table('RecommenderSnapshot')} WHERE "fingerprint" = ? ORDER BY "behaviorSeq" DESC, "id" DESC LIMIT 1`,
        [fingerprint],
      );
      return row ? { ...row, createdAt: toDate(row.createdAt) } : null;
    },
    async itemsByIds(ids) {
      const rows = await byIds<Raw<ItemModel>>('Item', 'id', ids, itemColumns);
      return ids.map((id) => {
        const r = rows.get(id);
        return r ? toItem({ ...r, createdAt: toDate(r.createdAt), updatedAt: toDate(r.updatedAt) }) : null;
      });
    },
    async usersByIds(ids) {
      const columns = `"id", "attributes", "onboardingText", ${sql.time('createdAt')}, ${sql.time('updatedAt')}`;
      const rows = await byIds<Raw<UserModel>>('User', 'id', ids, columns);
      return ids.map((id) => {
        const r = rows.get(id);
        return r ? toUser({ ...r, createdAt: toDate(r.createdAt), updatedAt: toDate(r.updatedAt) }) : null;
      });
    },
    async profilesByUserIds(ids) {
      const columns = `"userId", "version", "eventCount", "state", "summary", "drift", "driftShort", "changedFacets", ${sql.time('updatedAt')}`;
      const rows = await byIds<Raw<ProfileModel>>('Profile', 'userId', ids, columns);
      return ids.map((id) => {
        const r = rows.get(id);
        return r ? toProfile({ ...r, updatedAt: toDate(r.updatedAt) } as ProfileModel) : null;
      });
    },
    async behaviorsAfter(afterSeq, limit) {
      const columns = `"id", "eventId", "userId", "itemId", "type", "value", "text", "opinion", ${sql.time('occurredAt')}, ${sql.time('receivedAt')}`;
      const rows = await sql.all<Raw<BehaviorModel>>(
        `SELECT ${columns} FROM ${sql.table('Behavior')} WHERE "id" > ? ORDER BY "id" LIMIT ?`,
        [afterSeq, limit],
      );
      return rows.map((r) => toBehavior({ ...r, occurredAt: toDate(r.occurredAt), receivedAt: toDate(r.receivedAt) }));
    },
    async catalogChangesAfter(afterSeq, limit) {
      const rows = await sql.all<{ id: number; itemId: string; deleted: boolean | number }>(
        `SELECT "id", "itemId", "deleted" FROM ${sql.table('CatalogChange')} WHERE "id" > ? ORDER BY "id" LIMIT ?`,
        [afterSeq, limit],
      );
      return rows.map((r) => ({ id: r.id, itemId: r.itemId, deleted: Boolean(r.deleted) }));
    },
    async logHeads() {
      const max = (table: string) => `(SELECT MAX("id") FROM ${sql.table(table)})`;
      const [row] = await sql.all<Record<keyof LogHeads, number | null>>(
        `SELECT ${max('Behavior')} AS "behaviors", ${max('CatalogChange')} AS "catalog", ${max('Erasure')} AS "erasures"`,
        [],
      );
      return { behaviors: row?.behaviors ?? 0, catalog: row?.catalog ?? 0, erasures: row?.erasures ?? 0 };
    },
    async erasureHead() {
      const [row] = await sql.all<{ head: number | null }>(
        `SELECT MAX("id") AS "head" FROM ${sql.table('Erasure')}`,
        [],
      );
      return row?.head ?? 0;
    },
    close,
  };
}

/** SQLite: a read-only connection of its own, opened on first use; statements prepared once. */
export function sqliteDriverReads(file: string, onQuery: () => void): DriverReads {
  let db: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    db ??= new Database(file, { readonly: true, timeout: 10_000 });
    let s = statements.get(text);
    if (!s) statements.set(text, (s = db.prepare(text)));
    return s;
  };
  const sql: Sql = {
    all: async <T>(text: string, params: unknown[]) => prepare(text).all(...params) as T[],
    table: (name) => `"${name}"`,
    time: (column) => `"${column}"`,
    inList: (column) => `"${column}" IN (SELECT value FROM json_each(?))`,
    ids: (list) => JSON.stringify(list),
  };
  return reads(sql, onQuery, async () => {
    statements.clear();
    db?.close();
    db = null;
  });
}

/** PostgreSQL: the store's own pool (bytea arrives as a Buffer). */
export function postgresDriverReads(pool: pg.Pool, schema: string, onQuery: () => void): DriverReads {
  const sql: Sql = {
    all: async <T>(text: string, params: unknown[]) => {
      let n = 0;
      const numbered = text.replace(/\?/g, () => `$${++n}`);
      return (await pool.query({ text: numbered, values: params })).rows as T[];
    },
    table: (name) => `"${schema}"."${name}"`,
    // timestamp(3) holds UTC without a zone; pg would read it as local time.
    time: (column) => `"${column}" AT TIME ZONE 'UTC' AS "${column}"`,
    inList: (column) => `"${column}" = ANY(?::text[])`,
    ids: (list) => [...list],
  };
  return reads(sql, onQuery, async () => {});
}
