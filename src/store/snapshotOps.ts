// Store operations for the recommender's snapshots (restart = newest snapshot + the log tail). Several replicas may
// write at once: per fingerprint, a snapshot is only added when it covers a newer behaviour position than every one
// kept, and older ones are deleted after it, so the newest position wins and writing the same one twice is harmless.
// Reading a snapshot's bytes is in bulkReads.ts (through the driver).
import type { PrismaClient } from '../generated/sqlite/client.js';
import type { RecommenderSnapshotInfo, RecommenderSnapshotWrite } from './types.js';

const INFO = {
  id: true,
  fingerprint: true,
  format: true,
  behaviorSeq: true,
  catalogSeq: true,
  erasureSeq: true,
  createdAt: true,
} as const;

export function snapshotOps(prisma: PrismaClient) {
  return {
    /** Adds the snapshot unless one with the same fingerprint covers its position already; false when skipped. */
    async saveRecommenderSnapshot(s: RecommenderSnapshotWrite): Promise<boolean> {
      // At the same position, one that adds the approximate index replaces one without it (a catalogue that grew
      // past the exact limit, or a process that used the exact index, stopped at the same position).
      const newer = await prisma.recommenderSnapshot.findFirst({
        where: {
          fingerprint: s.fingerprint,
          erasureSeq: { gte: s.erasureSeq },
          OR: [
            { behaviorSeq: { gt: s.behaviorSeq } },
            { behaviorSeq: s.behaviorSeq, ...(s.vectorIndex ? { vectorIndex: { not: null } } : {}) },
          ],
        },
        select: { id: true },
      });
      if (newer) return false;
      const row = await prisma.recommenderSnapshot.create({
        data: {
          fingerprint: s.fingerprint,
          format: s.format,
          behaviorSeq: s.behaviorSeq,
          catalogSeq: s.catalogSeq,
          erasureSeq: s.erasureSeq,
          state: s.state as Uint8Array<ArrayBuffer>,
          vectorIndex: s.vectorIndex as Uint8Array<ArrayBuffer> | null,
        },
        select: { id: true },
      });
      // Older positions of this fingerprint go; one written concurrently at a newer position deletes this one.
      await prisma.recommenderSnapshot.deleteMany({
        where: {
          fingerprint: s.fingerprint,
          id: { not: row.id },
          OR: [{ behaviorSeq: { lt: s.behaviorSeq } }, { behaviorSeq: s.behaviorSeq, id: { lt: row.id } }],
        },
      });
      return true;
    },

    /** The snapshot covering the newest behaviour position, of any fingerprint (without its bytes). */
    async latestRecommenderSnapshotInfo(): Promise<RecommenderSnapshotInfo | null> {
      return prisma.recommenderSnapshot.findFirst({
        select: INFO,
        orderBy: [{ behaviorSeq: 'desc' }, { id: 'desc' }],
      });
    },
  };
}
