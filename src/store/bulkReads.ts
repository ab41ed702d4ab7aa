// The start-up's bulk reads of bytes (every item's vector, the recommender snapshot) straight through the driver.
// Prisma's client carries byte columns between its query engine and the caller as base64 text (encoded, then
// decoded): on the 100k-item catalogue that was ~6x the driver's time for the same 200 MB of vectors and most of the
// restart's garbage. Read-only, and only these two reads; every write and every other read stays on Prisma.
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { ItemVectorRow, RecommenderSnapshotRow } from './types.js';

interface ItemVectorRecord {
  id: string;
  title: string;
  category: string | null;
  tags: string;
  brand: string | null;
  price: number | null;
  embedding: Uint8Array | null;
  encoderId: string | null;
}

interface SnapshotRecord {
  id: number;
  fingerprint: string;
  format: number;
  behaviorSeq: number;
  catalogSeq: number;
  erasureSeq: number;
  state: Uint8Array;
  vectorIndex: Uint8Array | null;
  createdAt: string | Date;
}

/**
 * A page of items, their vectors copied into one allocation for the page: one typed array per vector (100k at
 * start) cost more in allocation and garbage collection than the copying.
 */
function toItemVectors(records: ItemVectorRecord[]): ItemVectorRow[] {
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
    return {
      id: r.id,
      title: r.title,
      category: r.category,
      tags: JSON.parse(r.tags) as string[],
      brand: r.brand,
      price: r.price,
      embedding,
      encoderId: r.encoderId,
    };
  });
}

/** SQLite keeps Prisma's DateTime as ISO text with an offset; CURRENT_TIMESTAMP defaults lack the zone (UTC). */
const sqliteTime = (t: string) => new Date(/[zZ]|[+-]\d\d:\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`);

const toSnapshot = (r: SnapshotRecord): RecommenderSnapshotRow => ({
  ...r,
  behaviorSeq: Number(r.behaviorSeq),
  catalogSeq: Number(r.catalogSeq),
  erasureSeq: Number(r.erasureSeq),
  createdAt: r.createdAt instanceof Date ? r.createdAt : sqliteTime(r.createdAt),
});

export interface BulkReads {
  /** Every item's features and vector, in id order, a page at a time. */
  iterateItemVectors(pageSize?: number): AsyncGenerator<ItemVectorRow[]>;
  /** The newest snapshot made with `fingerprint`, with its bytes. */
  latestRecommenderSnapshot(fingerprint: string): Promise<RecommenderSnapshotRow | null>;
  close(): Promise<void>;
}

const ITEM_COLUMNS = `"id", "title", "category", "tags", "brand", "price", "embedding", "encoderId"`;
/** `createdAt`: PostgreSQL's timestamp(3) holds UTC without a zone; pg would read it as local time. */
const snapshotColumns = (createdAt: string) =>
  `"id", "fingerprint", "format", "behaviorSeq", "catalogSeq", "erasureSeq", "state", "vectorIndex", ${createdAt} AS "createdAt"`;

/** SQLite: a read-only connection of its own (WAL: it sees committed rows only), opened on first use. */
export function sqliteBulkReads(file: string): BulkReads {
  let db: Database.Database | null = null;
  const open = () => (db ??= new Database(file, { readonly: true, timeout: 10_000 }));
  return {
    async *iterateItemVectors(pageSize = 2000) {
      const next = open().prepare(`SELECT ${ITEM_COLUMNS} FROM "Item" WHERE "id" > ? ORDER BY "id" LIMIT ?`);
      // Ids are never empty: '' precedes every one.
      let after = '';
      for (;;) {
        const rows = next.all(after, pageSize) as ItemVectorRecord[];
        if (!rows.length) return;
        yield toItemVectors(rows);
        after = rows[rows.length - 1]!.id;
      }
    },
    async latestRecommenderSnapshot(fingerprint) {
      const row = open()
        .prepare(
          `SELECT ${snapshotColumns('"createdAt"')} FROM "RecommenderSnapshot" WHERE "fingerprint" = ? ORDER BY "behaviorSeq" DESC, "id" DESC LIMIT 1`,
        )
        .get(fingerprint) as SnapshotRecord | undefined;
      return row ? toSnapshot(row) : null;
    },
    async close() {
      db?.close();
      db = null;
    },
  };
}

/** PostgreSQL: the store's own pool (bytea arrives as a Buffer). */
export function postgresBulkReads(pool: pg.Pool, schema: string): BulkReads {
  const table = (name: string) => `"${schema}"."${name}"`;
  return {
    async *iterateItemVectors(pageSize = 2000) {
      let after = '';
      for (;;) {
        const { rows } = await pool.query<ItemVectorRecord>(
          `SELECT ${ITEM_COLUMNS} FROM ${table('Item')} WHERE "id" > $1 ORDER BY "id" LIMIT $2`,
          [after, pageSize],
        );
        if (!rows.length) return;
        yield toItemVectors(rows);
        after = rows[rows.length - 1]!.id;
      }
    },
    async latestRecommenderSnapshot(fingerprint) {
      const { rows } = await pool.query<SnapshotRecord>(
        `SELECT ${snapshotColumns(`"createdAt" AT TIME ZONE 'UTC'`)} FROM ${table('RecommenderSnapshot')} WHERE "fingerprint" = $1 ORDER BY "behaviorSeq" DESC, "id" DESC LIMIT 1`,
        [fingerprint],
      );
      return rows[0] ? toSnapshot(rows[0]) : null;
    },
    async close() {},
  };
}
