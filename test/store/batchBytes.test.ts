// The batch writes carry every profile state and snapshot of a batch in one blob parameter, cut by offset in SQL
// (batchSql.ts): each row must get back exactly its own bytes, empty and null ones included, on both databases.
import { describe, expect, it } from 'vitest';
import type { ProfileRow, ProfileVersionWrite } from '../../src/store/types.js';
import { providers, useMigratedStore } from '../helpers/server.js';

const bytesOf = (seed: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);

const profile = (userId: string, version: number, state: Uint8Array): ProfileRow => ({
  userId,
  version,
  eventCount: version,
  state,
  summary: `summary of ${userId}`,
  drift: null,
  driftShort: null,
  changedFacets: [],
  updatedAt: new Date(1_000 * version),
});

describe.each(await providers())('batch byte columns on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('saves and updates many profiles with states of different lengths, each getting its own bytes', async () => {
    const users = ['a', 'b', 'c', 'd', 'e'];
    const first = users.map((u, i) => profile(u, 1, bytesOf(i, [0, 1, 300, 9000, 17][i]!)));
    await db.store.transaction(async (tx) => {
      await tx.ensureUsers(users);
      await tx.saveProfiles(first.map((row) => ({ row, expectedVersion: null, expectedEventCount: null })));
    });
    const second = users.map((u, i) => profile(u, 2, bytesOf(i + 10, [4096, 0, 3, 70, 8000][i]!)));
    await db.store.transaction((tx) =>
      tx.saveProfiles(second.map((row) => ({ row, expectedVersion: 1, expectedEventCount: 1 }))),
    );
    const saved = await db.store.profilesByUserIds(users);
    saved.forEach((p, i) => {
      expect(p!.version).toBe(2);
      expect([...p!.state]).toEqual([...second[i]!.state]);
    });
  });

  it('inserts versions with and without snapshots, each snapshot its own', async () => {
    await db.store.transaction((tx) => tx.ensureUsers(['v']));
    const snapshots = [bytesOf(1, 500), null, bytesOf(2, 3), null, bytesOf(3, 2000)];
    const versions: ProfileVersionWrite[] = snapshots.map((snapshot, i) => ({
      userId: 'v',
      version: i + 1,
      behaviorId: null,
      drift: null,
      driftShort: null,
      changedFacets: [],
      eventCount: i + 1,
      asOf: new Date(1_000 * (i + 1)),
      snapshot,
    }));
    await db.store.transaction((tx) => tx.insertProfileVersions(versions));
    for (let i = 0; i < snapshots.length; i++) {
      const found = await db.store.transaction((tx) => tx.snapshotBefore('v', new Date(1_000 * (i + 1))));
      const newest = [...snapshots.slice(0, i + 1)].reverse().find((s) => s !== null)!;
      expect([...found!.snapshot!]).toEqual([...newest]);
    }
  });
});
