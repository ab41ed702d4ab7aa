// Store operations on the relation log (issue #16: FOLLOW, UNFOLLOW, BLOCK). Kept apart from prismaStore.ts so the
// store's other work merges cleanly; prismaStore.ts spreads them into StoreTx and Store.
import type { Prisma, PrismaClient } from '../generated/sqlite/client.js';
import type { NewRelationEvent, RelationType } from '../domain/profile/index.js';
import { DuplicateEventError } from './errors.js';
import type { RelationRow } from './types.js';

type Db = PrismaClient | Prisma.TransactionClient;

const toRelation = (r: Prisma.RelationModel): RelationRow => ({
  seq: r.id,
  eventId: r.eventId,
  userId: r.userId,
  otherUserId: r.otherUserId,
  type: r.type as RelationType,
  occurredAt: r.occurredAt.getTime(),
  receivedAt: r.receivedAt.getTime(),
});

const isUniqueViolation = (err: unknown) => err instanceof Error && (err as { code?: string }).code === 'P2002';

const ORDER = [{ occurredAt: 'asc' as const }, { id: 'asc' as const }];

/** Users whose newest relation (in log order) to `userId` is of `type`, sorted. */
async function latestTo(db: Db, userId: string, type: RelationType): Promise<string[]> {
  const rows = await db.relation.findMany({
    where: { otherUserId: userId },
    orderBy: ORDER,
    select: { userId: true, type: true },
  });
  const latest = new Map<string, string>();
  for (const r of rows) latest.set(r.userId, r.type);
  return [...latest].flatMap(([u, t]) => (t === type ? [u] : [])).sort();
}

/** Inside a transaction (the relation unit of work, rebuilds, late-event replays). */
export function relationTxOps(db: Db) {
  return {
    async insertRelation(row: NewRelationEvent): Promise<RelationRow> {
      try {
        return toRelation(await db.relation.create({ data: { ...row, occurredAt: new Date(row.occurredAt) } }));
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateEventError(row.userId, [row.eventId]);
        throw err;
      }
    },
    async userRelations(userId: string): Promise<RelationRow[]> {
      return (await db.relation.findMany({ where: { userId }, orderBy: ORDER })).map(toRelation);
    },
  };
}

/** Outside transactions: reads, followers, export and erasure. */
export function relationOps(db: PrismaClient) {
  return {
    ...relationTxOps(db),
    async findRelation(userId: string, eventId: string): Promise<RelationRow | null> {
      const r = await db.relation.findUnique({ where: { userId_eventId: { userId, eventId } } });
      return r ? toRelation(r) : null;
    },
    /** Relations other users recorded about `userId`, in log order. */
    async relationsTo(userId: string): Promise<RelationRow[]> {
      return (await db.relation.findMany({ where: { otherUserId: userId }, orderBy: ORDER })).map(toRelation);
    },
    /** Users whose newest relation to `userId` is FOLLOW. */
    async followerCount(userId: string): Promise<number> {
      return (await latestTo(db, userId, 'FOLLOW')).length;
    },
    /** Users whose newest relation to `userId` is BLOCK: their activity must never reach `userId`. */
    async blockersOf(userId: string): Promise<string[]> {
      return latestTo(db, userId, 'BLOCK');
    },
    /** Erases every relation from or to `userId` (inside the erasure's transaction); returns the other owners. */
    async deleteRelationsTx(tx: Db, userId: string): Promise<{ count: number; affectedUsers: string[] }> {
      const incoming = await tx.relation.findMany({ where: { otherUserId: userId }, select: { userId: true } });
      const affectedUsers = [...new Set(incoming.map((r) => r.userId))].filter((u) => u !== userId).sort();
      const { count } = await tx.relation.deleteMany({ where: { OR: [{ userId }, { otherUserId: userId }] } });
      return { count, affectedUsers };
    },
  };
}
