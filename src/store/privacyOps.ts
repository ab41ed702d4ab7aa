// Store operations for erasure and export (src/services/privacyService.ts). Kept apart from prismaStore.ts so the
// store's other work merges cleanly; prismaStore.ts spreads them into the Store.
import type { PrismaClient, Prisma } from '../generated/sqlite/client.js';
import { relationOps } from './relationOps.js';
import type { ProfileVersionRow, UserDeletion } from './types.js';

type Client = PrismaClient;
type VersionModel = Prisma.ProfileVersionModel;

export function privacyOps(prisma: Client, toVersion: (v: VersionModel) => ProfileVersionRow) {
  return {
    async deleteUserData(userId: string): Promise<UserDeletion> {
      // One transaction: a crash leaves either everything or nothing of the user.
      return prisma.$transaction(
        async (tx) => {
          const behaviors = (await tx.behavior.deleteMany({ where: { userId } })).count;
          const profileVersions = (await tx.profileVersion.deleteMany({ where: { userId } })).count;
          const profiles = (await tx.profile.deleteMany({ where: { userId } })).count;
          const users = (await tx.user.deleteMany({ where: { id: userId } })).count;
          const { count: relations, affectedUsers } = await relationOps(prisma).deleteRelationsTx(tx, userId);
          // Committed with the deletion: every replica's log follower sees it and rebuilds its model.
          if (behaviors > 0) await tx.erasure.create({ data: {} });
          return { users, behaviors, profiles, profileVersions, relations, affectedUsers };
        },
        { maxWait: 10_000, timeout: 60_000 },
      );
    },
    async allProfileVersions(userId: string): Promise<ProfileVersionRow[]> {
      return (await prisma.profileVersion.findMany({ where: { userId }, orderBy: { version: 'asc' } })).map(toVersion);
    },
  };
}
