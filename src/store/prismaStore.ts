// The Store over Prisma. SQLite and PostgreSQL share this code: their generated clients have identical APIs
// because the two schemas declare identical models (a test checks it).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as SqliteClient, type Prisma } from '../generated/sqlite/client.js';
import { PrismaClient as PgClient } from '../generated/postgresql/client.js';
import { postgresDriverReads, sqliteDriverReads } from './driverReads.js';
import type { DatabaseTarget } from './databaseUrl.js';
import {
  driverSql,
  outsideTransaction,
  recordingTransactions,
  sqliteTransactionDriver,
  transactionDriver,
} from './driverTx.js';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { privacyOps } from './privacyOps.js';
import { relationOps } from './relationOps.js';
import { snapshotOps } from './snapshotOps.js';
import { SqliteCheckpointer, sqlitePragmas } from './sqliteCheckpoints.js';
import { syncedCommits, WalSync } from './sqliteDurability.js';
import { tunedConfigOps } from './tunedConfigOps.js';
import {
  page,
  toBehavior,
  toItem,
  toUser,
  toVersion,
  vectorToBytes,
  type BehaviorModel,
  type Client,
  type Db,
  type ItemModel,
} from './rows.js';
import { txOps } from './txOps.js';
import type { Store, StoreStats } from './types.js';

export { bytesToVector, vectorToBytes } from './rows.js';

/** The advisory lock that orders catalogue change-log appends on PostgreSQL. */
const CATALOG_LOCK_KEY = 7_411_000_000_002n;

export async function openPrismaStore(target: DatabaseTarget): Promise<Store> {
  let base: Client;
  let sqliteAdapter: SqlDriverAdapter | null = null;
  let checkpointer: SqliteCheckpointer | null = null;
  let walSync: WalSync | null = null;
  // Our own pool (not one the adapter makes) so its counts can be read for /metrics; closed in close().
  let pool: pg.Pool | null = null;
  if (target.provider === 'sqlite') {
    mkdirSync(path.dirname(target.location), { recursive: true });
    // synchronous=full: the connection runs NORMAL and every commit's WAL is synced off the event loop before the
    // commit resolves (sqliteDurability.ts); normal: synced at checkpoints only.
    walSync = target.synchronous === 'normal' ? null : new WalSync(`${target.location}-wal`);
    const driverFactory = new PrismaBetterSqlite3({ url: `file:${target.location}`, timeout: 10_000 });
    const factory = walSync ? syncedCommits(driverFactory, walSync) : driverFactory;
    // Checkpoints run in a worker thread, not in the writer's commits (sqliteCheckpoints.ts); if the worker dies
    // the writer checkpoints itself again.
    const worker = new SqliteCheckpointer(target.location, (message) => {
      process.emitWarning(message);
      if (worker.stopped) void sqliteAdapter?.executeScript('PRAGMA wal_autocheckpoint = 1000').catch(() => {});
    });
    checkpointer = worker;
    const onConnect = async (adapter: SqlDriverAdapter) => {
      sqliteAdapter = adapter;
      await adapter.executeScript(sqlitePragmas());
    };
    base = new SqliteClient({ adapter: recordingTransactions(factory, onConnect) });
  } else {
    pool = new pg.Pool({ connectionString: target.location, max: 10 });
    const adapter = recordingTransactions(new PrismaPg(pool, { schema: target.schema }));
    base = new PgClient({ adapter }) as unknown as Client;
  }
  const stats: StoreStats = {
    queries: 0,
    transactionsInFlight: 0,
    onTransaction: null,
    pool: () => (pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null),
    walSyncs: () => walSync?.syncs ?? null,
  };
  /** Counts and times a transaction for the metrics (in flight, duration, outcome). */
  async function timed<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    stats.transactionsInFlight++;
    let outcome: 'commit' | 'rollback' = 'rollback';
    try {
      const result = await run();
      outcome = 'commit';
      return result;
    } finally {
      stats.transactionsInFlight--;
      stats.onTransaction?.((performance.now() - started) / 1000, outcome);
    }
  }
  // Count every Prisma operation: the DataLoader tests assert on it.
  const prisma = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        stats.queries++;
        return query(args);
      },
    },
  }) as unknown as Client;

  const countQuery = () => void stats.queries++;
  const driver = pool
    ? postgresDriverReads(pool, target.schema, countQuery)
    : sqliteDriverReads(target.location, countQuery);
  // The Store's own operations are txOps' reads; its multi-row writes run only inside Store.transaction.
  const ops = txOps(prisma, target, driverSql(outsideTransaction, target.provider));
  // PostgreSQL: catalogue changes commit in id order (as log appends do), so replicas following by id skip none.
  const catalogLock = (db: Db = prisma) =>
    target.provider === 'postgresql' ? [db.$queryRaw`SELECT pg_advisory_xact_lock(${CATALOG_LOCK_KEY})::text`] : [];
  const store: Store = {
    ...ops,
    ...privacyOps(prisma, toVersion),
    ...relationOps(prisma),
    ...tunedConfigOps(prisma),
    ...snapshotOps(prisma),
    // The start-up's bulk reads, a request's point reads and the log followers' pages: driverReads.ts says why.
    iterateItemVectors: (pageSize) => driver.iterateItemVectors(pageSize),
    latestRecommenderSnapshot: (fingerprint) => driver.latestRecommenderSnapshot(fingerprint),
    itemsByIds: (ids) => driver.itemsByIds(ids),
    usersByIds: (ids) => driver.usersByIds(ids),
    profilesByUserIds: (ids) => driver.profilesByUserIds(ids),
    // The log followers' reads: on SQLite on the driver's read-only connection, which in WAL mode sees committed rows
    // only, never the write path's open transaction on the first (a rolled-back batch must not reach a recommender).
    behaviorsAfter: (afterSeq, limit) => driver.behaviorsAfter(afterSeq, limit),
    catalogChangesAfter: (afterSeq, limit) => driver.catalogChangesAfter(afterSeq, limit),
    logHeads: () => driver.logHeads(),
    erasureHead: () => driver.erasureHead(),
    provider: target.provider,
    stats,
    async ping() {
      await prisma.$queryRawUnsafe('SELECT 1');
    },
    async close() {
      // The writer last: SQLite's last connection to close folds the WAL into the database file and removes it, and
      // a read-only one cannot (a closed database is then one file).
      await checkpointer?.close();
      await driver.close();
      await base.$disconnect();
      await walSync?.close();
      await pool?.end();
    },
    async transaction(fn) {
      return timed(() =>
        prisma.$transaction(
          (tx) => {
            const driver = pool ? transactionDriver(tx, target.provider) : sqliteTransactionDriver(() => sqliteAdapter);
            return fn(txOps(tx, target, driverSql(driver, target.provider)));
          },
          { maxWait: 10_000, timeout: 30_000 },
        ),
      );
    },

    async upsertUser({ id, attributes, onboardingText }) {
      const update: Prisma.UserUpdateInput = {};
      if (attributes !== undefined) update.attributes = attributes === null ? null : JSON.stringify(attributes);
      if (onboardingText !== undefined) update.onboardingText = onboardingText;
      const u = await prisma.user.upsert({
        where: { id },
        create: {
          id,
          attributes: attributes ? JSON.stringify(attributes) : null,
          onboardingText: onboardingText ?? null,
        },
        update,
      });
      return toUser(u);
    },
    async listUsers(first, after) {
      const rows = await prisma.user.findMany({
        where: after ? { id: { gt: after } } : {},
        orderBy: { id: 'asc' },
        take: first + 1,
      });
      return page(rows.map(toUser), first);
    },
    async countUsers() {
      return prisma.user.count();
    },

    async upsertItems(items) {
      await timed(() =>
        prisma.$transaction([
          ...catalogLock(),
          ...items.map((it) => {
            const data = {
              title: it.title,
              description: it.description,
              category: it.category,
              tags: JSON.stringify(it.tags),
              brand: it.brand,
              price: it.price,
              attributes: Object.keys(it.attributes).length ? JSON.stringify(it.attributes) : null,
              embedding: it.embedding ? vectorToBytes(it.embedding) : null,
              encoderId: it.encoderId,
            };
            return prisma.item.upsert({ where: { id: it.id }, create: { id: it.id, ...data }, update: data });
          }),
          // The change log every replica's catalogue follows.
          prisma.catalogChange.createMany({ data: items.map((it) => ({ itemId: it.id })) }),
        ]),
      );
    },
    async deleteItems(ids) {
      return prisma.$transaction(async (tx) => {
        await Promise.all(catalogLock(tx));
        const existing = (await tx.item.findMany({ where: { id: { in: [...ids] } }, select: { id: true } })).map(
          (r) => r.id,
        );
        await tx.item.deleteMany({ where: { id: { in: existing } } });
        await tx.catalogChange.createMany({ data: existing.map((itemId) => ({ itemId, deleted: true })) });
        return existing;
      });
    },
    async listItems(first, after, category) {
      const rows = await prisma.item.findMany({
        where: { ...(after ? { id: { gt: after } } : {}), ...(category !== null ? { category } : {}) },
        orderBy: { id: 'asc' },
        take: first + 1,
      });
      return page(rows.map(toItem), first);
    },
    async countItems(category) {
      return prisma.item.count({ where: category !== null ? { category } : {} });
    },
    async *iterateItems(pageSize = 2000) {
      let after: string | null = null;
      for (;;) {
        const rows: ItemModel[] = await prisma.item.findMany({
          where: after ? { id: { gt: after } } : {},
          orderBy: { id: 'asc' },
          take: pageSize,
        });
        if (!rows.length) return;
        yield rows.map(toItem);
        after = rows[rows.length - 1]!.id;
      }
    },
    async itemsNeedingEmbedding(encoderId, first) {
      const rows = await prisma.item.findMany({
        where: { OR: [{ encoderId: null }, { encoderId: { not: encoderId } }] },
        orderBy: { id: 'asc' },
        take: first,
      });
      return rows.map(toItem);
    },
    async setItemEmbeddings(rows) {
      await prisma.$transaction(
        rows.map((r) =>
          prisma.item.update({
            where: { id: r.id },
            data: { embedding: vectorToBytes(r.embedding), encoderId: r.encoderId },
          }),
        ),
      );
    },

    async findBehavior(userId, eventId) {
      const b = await prisma.behavior.findUnique({ where: { userId_eventId: { userId, eventId } } });
      return b ? toBehavior(b) : null;
    },
    async behaviorById(id) {
      const b = await prisma.behavior.findUnique({ where: { id } });
      return b ? toBehavior(b) : null;
    },
    async listBehaviors(userId, first, after) {
      // Newest first: an admin console reads the latest events.
      const rows = await prisma.behavior.findMany({
        where: { userId, ...(after !== null ? { id: { lt: after } } : {}) },
        orderBy: { id: 'desc' },
        take: first + 1,
      });
      return page(rows.map(toBehavior), first);
    },
    async countBehaviors(userId) {
      return prisma.behavior.count({ where: { userId } });
    },
    async itemBehaviorCounts(itemId) {
      const table = target.provider === 'sqlite' ? '"Behavior"' : `"${target.schema}"."Behavior"`;
      const placeholder = target.provider === 'sqlite' ? '?' : '$1';
      const [groups, users] = await Promise.all([
        prisma.behavior.groupBy({ by: ['type'], where: { itemId }, _count: { _all: true }, orderBy: { type: 'asc' } }),
        // Counted in the database (the Behavior.itemId index), not by loading every user id.
        prisma.$queryRawUnsafe<Array<{ users: bigint | number }>>(
          `SELECT COUNT(DISTINCT "userId") AS users FROM ${table} WHERE "itemId" = ${placeholder}`,
          itemId,
        ),
      ]);
      return {
        byType: groups.map((g) => ({ type: g.type, count: g._count._all })),
        users: Number(users[0]?.users ?? 0),
      };
    },
    async *iterateBehaviors(pageSize = 5000) {
      let after = 0;
      for (;;) {
        const rows: BehaviorModel[] = await prisma.behavior.findMany({
          where: { id: { gt: after } },
          orderBy: { id: 'asc' },
          take: pageSize,
        });
        if (!rows.length) return;
        yield rows.map(toBehavior);
        after = rows[rows.length - 1]!.id;
      }
    },

    async setProfileSummary(userId, version, summary) {
      const r = await prisma.profile.updateMany({ where: { userId, version }, data: { summary } });
      return r.count === 1;
    },
    async listProfileVersions(userId, first, afterVersion) {
      // Newest first: history reads backwards from the current version.
      const rows = await prisma.profileVersion.findMany({
        where: { userId, ...(afterVersion !== null ? { version: { lt: afterVersion } } : {}) },
        orderBy: { version: 'desc' },
        take: first + 1,
      });
      return page(rows.map(toVersion), first);
    },
    async countProfileVersions(userId) {
      return prisma.profileVersion.count({ where: { userId } });
    },
    async profileVersionAt(userId, asOf) {
      const v = await prisma.profileVersion.findFirst({
        where: { userId, asOf: { lte: asOf } },
        orderBy: { version: 'desc' },
      });
      return v ? toVersion(v) : null;
    },
    async listProfileUserIds(first, after) {
      const rows = await prisma.profile.findMany({
        where: after ? { userId: { gt: after } } : {},
        orderBy: { userId: 'asc' },
        take: first,
        select: { userId: true },
      });
      return rows.map((r) => r.userId);
    },
    async tableCounts() {
      const [users, items, behaviors, profiles, profileVersions, relations] = await Promise.all([
        prisma.user.count(),
        prisma.item.count(),
        prisma.behavior.count(),
        prisma.profile.count(),
        prisma.profileVersion.count(),
        prisma.relation.count(),
      ]);
      return { users, items, behaviors, profiles, profileVersions, relations };
    },
    async profileVersionBytes() {
      const table = target.provider === 'sqlite' ? '"ProfileVersion"' : `"${target.schema}"."ProfileVersion"`;
      const len = target.provider === 'sqlite' ? 'length' : 'octet_length';
      // Sum of the stored column sizes of each row (what a profile version costs, excluding index overhead).
      const r = await prisma.$queryRawUnsafe<Array<{ rows: bigint | number; bytes: bigint | number | null }>>(
        `SELECT COUNT(*) AS rows, SUM(8 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + ${len}("userId") + ${len}("changedFacets") + COALESCE(${len}("snapshot"), 0)) AS bytes FROM ${table}`,
      );
      return { rows: Number(r[0]!.rows), bytes: Number(r[0]!.bytes ?? 0) };
    },
  };
  return store;
}
