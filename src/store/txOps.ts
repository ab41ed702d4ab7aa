// The operations of one write transaction (StoreTx) over Prisma. The write path's multi-row statements and the
// batch's reads (profile heads, users) go through batchSql.ts (raw SQL on the transaction's driver adapter: the
// generic client compiled every 500-id query anew); reads that run once per unit of work use the generated client.
import { Prisma } from '../generated/sqlite/client.js';
import type { NewBehaviorEvent } from '../domain/types.js';
import { batchSql } from './batchSql.js';
import type { DatabaseTarget } from './databaseUrl.js';
import type { DriverSql } from './driverTx.js';
import { VersionConflictError } from './errors.js';
import { relationTxOps } from './relationOps.js';
import { bytes, isUniqueViolation, toBehavior, toProfile, toUser, toVersion, type Db } from './rows.js';
import type { ProfileRow, StoreTx } from './types.js';

/** `driver`: raw statements on the same transaction as `db` (see driverTx.ts). */
export function txOps(db: Db, target: DatabaseTarget, driver: DriverSql): StoreTx {
  const { provider } = target;
  const batch = batchSql(driver, target);
  // Raw SQL names the schema itself on PostgreSQL (the adapter's schema option applies to Prisma's own queries).
  const userTable = Prisma.raw(provider === 'postgresql' ? `"${target.schema}"."User"` : '"User"');
  return {
    ...relationTxOps(db),
    async lockUser(userId) {
      // Released at commit or rollback; hashtext maps the id onto the advisory lock key space.
      if (provider === 'postgresql')
        await db.$queryRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))::text', userId);
    },
    lockUsers: (userIds) => batch.lockUsers(userIds),
    async getUser(id) {
      const u = await db.user.findUnique({ where: { id } });
      return u ? toUser(u) : null;
    },
    async ensureUser(id) {
      // INSERT ... ON CONFLICT DO NOTHING: two processes creating the same user at once must not fail the
      // transaction (an upsert's insert would hit the unique key in one of them).
      const now = new Date();
      await db.$executeRaw`INSERT INTO ${userTable} ("id", "createdAt", "updatedAt") VALUES (${id}, ${now}, ${now}) ON CONFLICT ("id") DO NOTHING`;
      return toUser((await db.user.findUnique({ where: { id } }))!);
    },
    async ensureUsers(ids) {
      if (!ids.length) return [];
      await batch.ensureUsers(ids);
      return (await batch.usersByIds(ids)).map((u) => u!);
    },
    async getProfile(userId) {
      const p = await db.profile.findUnique({ where: { userId } });
      return p ? toProfile(p) : null;
    },
    profileHeads: (userIds) => batch.profileHeads(userIds),
    async getProfiles(userIds) {
      const rows = await db.profile.findMany({ where: { userId: { in: [...userIds] } } });
      const map = new Map(rows.map((r) => [r.userId, toProfile(r)]));
      return userIds.map((id) => map.get(id) ?? null);
    },
    async insertBehavior(row: NewBehaviorEvent) {
      return (await batch.appendBehaviors([row]))[0]!;
    },
    insertBehaviors: (rows) => batch.appendBehaviors(rows),
    async saveProfile(row: ProfileRow, expectedVersion, expectedEventCount) {
      const data = { ...row, state: bytes(row.state), changedFacets: JSON.stringify(row.changedFacets) };
      if (expectedVersion === null) {
        try {
          await db.profile.create({ data });
          return;
        } catch (err) {
          if (isUniqueViolation(err)) throw new VersionConflictError(row.userId, null);
          throw err;
        }
      }
      const r = await db.profile.updateMany({
        where: { userId: row.userId, version: expectedVersion, eventCount: expectedEventCount ?? undefined },
        data,
      });
      if (r.count !== 1) throw new VersionConflictError(row.userId, expectedVersion);
    },
    saveProfiles: (saves) => batch.saveProfiles(saves),
    insertProfileVersions: (rows) => batch.insertProfileVersions(rows),
    async userBehaviors(userId) {
      const rows = await db.behavior.findMany({ where: { userId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toBehavior);
    },
    async snapshotBefore(userId, at) {
      const v = await db.profileVersion.findFirst({
        where: { userId, asOf: { lte: at }, snapshot: { not: null } },
        orderBy: { version: 'desc' },
      });
      return v ? toVersion(v) : null;
    },
    async behaviorsFrom(userId, from) {
      const rows = await db.behavior.findMany({
        where: { userId, occurredAt: { gte: from } },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toBehavior);
    },
    async dropSnapshotsAfter(userId, at) {
      await db.profileVersion.updateMany({
        where: { userId, asOf: { gt: at }, snapshot: { not: null } },
        data: { snapshot: null },
      });
    },
  };
}
