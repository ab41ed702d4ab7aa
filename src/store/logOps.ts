// Reads for the processes that follow the shared logs by sequence (src/services/logFollower.ts): the behaviour
// log (Behavior.id) and the catalogue's change log (CatalogChange.id), the heads of both, and the newest erasure.
import { toBehavior, type Client } from './rows.js';
import type { BehaviorRow, CatalogChangeRow, LogHeads } from './types.js';

export function logOps(prisma: Client) {
  return {
    async behaviorsAfter(afterSeq: number, limit: number): Promise<BehaviorRow[]> {
      const rows = await prisma.behavior.findMany({
        where: { id: { gt: afterSeq } },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return rows.map(toBehavior);
    },
    async catalogChangesAfter(afterSeq: number, limit: number): Promise<CatalogChangeRow[]> {
      return prisma.catalogChange.findMany({
        where: { id: { gt: afterSeq } },
        orderBy: { id: 'asc' },
        take: limit,
        select: { id: true, itemId: true, deleted: true },
      });
    },
    async logHeads(): Promise<LogHeads> {
      const [b, c, e] = await Promise.all([
        prisma.behavior.aggregate({ _max: { id: true } }),
        prisma.catalogChange.aggregate({ _max: { id: true } }),
        prisma.erasure.aggregate({ _max: { id: true } }),
      ]);
      return { behaviors: b._max.id ?? 0, catalog: c._max.id ?? 0, erasures: e._max.id ?? 0 };
    },
    async erasureHead(): Promise<number> {
      return (await prisma.erasure.aggregate({ _max: { id: true } }))._max.id ?? 0;
    },
  };
}
