// Reads for the processes that follow the shared logs by sequence (src/services/logFollower.ts): the catalogue's
// change log (CatalogChange.id), the heads of the logs, and the newest erasure. The behaviour log's pages are read
// through the driver (driverReads.ts behaviorsAfter).
import type { Client } from './rows.js';
import type { CatalogChangeRow, LogHeads } from './types.js';

export function logOps(prisma: Client) {
  return {
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
