// Store operations for tuned recommender configurations (`npm run model:tune`). Kept apart from prismaStore.ts so
// the store's other work merges cleanly; prismaStore.ts spreads them into the Store.
import type { PrismaClient } from '../generated/sqlite/client.js';
import type { TunedConfigurationRow } from './types.js';

export function tunedConfigOps(prisma: PrismaClient) {
  const toRow = (r: { id: number; config: string; validation: string; createdAt: Date }): TunedConfigurationRow => ({
    version: r.id,
    config: JSON.parse(r.config) as Record<string, unknown>,
    validation: JSON.parse(r.validation) as Record<string, unknown>,
    createdAt: r.createdAt,
  });
  return {
    async saveTunedConfiguration(input: {
      config: Record<string, unknown>;
      validation: Record<string, unknown>;
    }): Promise<TunedConfigurationRow> {
      return toRow(
        await prisma.tunedConfiguration.create({
          data: { config: JSON.stringify(input.config), validation: JSON.stringify(input.validation) },
        }),
      );
    },
    async latestTunedConfiguration(): Promise<TunedConfigurationRow | null> {
      const r = await prisma.tunedConfiguration.findFirst({ orderBy: { id: 'desc' } });
      return r ? toRow(r) : null;
    },
  };
}
