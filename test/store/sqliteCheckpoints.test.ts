// SQLite's checkpoints run in a worker thread, not in the writer's commits (src/store/sqliteCheckpoints.ts): the
// WAL must still be folded back and restarted while the server writes, or it would grow without bound.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { freshDatabase } from '../helpers/server.js';

/** The WAL header's checkpoint sequence: it goes up each time the WAL starts over after a full checkpoint. */
function walGeneration(file: string): number {
  return readFileSync(`${file}-wal`).readUInt32BE(12);
}

describe('SQLite background checkpoints', () => {
  it('keep the WAL short while the writer never checkpoints itself', async () => {
    const db = freshDatabase('sqlite');
    const target = parseDatabaseUrl(db.url);
    await migrate(target, () => {});
    const store = await openStore(target);
    try {
      // ~8 MB of item vectors in one commit: past the 1,000 pages at which a writer would checkpoint itself. (Over many
      // small commits the worker may checkpoint in between on a loaded machine, and the WAL then never grows.)
      const items = Array.from({ length: 1000 }, (_, i) => ({
        id: `c${i}`,
        title: `Item ${i}`,
        description: null,
        category: null,
        tags: [],
        brand: null,
        price: null,
        attributes: {},
        embedding: Float32Array.from({ length: 2048 }, (_, k) => Math.sin(k + i)),
        encoderId: 'enc',
      }));
      await store.upsertItems(items);
      expect(statSync(`${target.location}-wal`).size).toBeGreaterThan(1000 * 4096);
      const before = walGeneration(target.location);
      // The worker checkpoints within a second; the next commit then starts the WAL over from its beginning.
      await new Promise((r) => setTimeout(r, 1500));
      await store.upsertUser({ id: 'after-checkpoint', attributes: {}, onboardingText: null });
      expect(walGeneration(target.location)).toBeGreaterThan(before);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('reads the durability asked for on the file URL', () => {
    expect(parseDatabaseUrl('file:./x.db').synchronous).toBe('full');
    expect(parseDatabaseUrl('file:./x.db?synchronous=normal').synchronous).toBe('normal');
    expect(() => parseDatabaseUrl('file:./x.db?synchronous=off')).toThrow(/full or normal/);
  });
});
