// Recommender snapshots from several replicas: per fingerprint the newest behaviour position wins, writing the same
// or an older position again is a no-op, concurrent writers leave one row, and other fingerprints are kept apart.
import { describe, expect, it } from 'vitest';
import type { RecommenderSnapshotWrite } from '../../src/store/types.js';
import { providers, useMigratedStore } from '../helpers/server.js';

const snap = (fingerprint: string, behaviorSeq: number, erasureSeq = 0): RecommenderSnapshotWrite => ({
  fingerprint,
  format: 1,
  behaviorSeq,
  catalogSeq: 3,
  erasureSeq,
  state: Uint8Array.from([behaviorSeq % 256, 1, 2, 3]),
  vectorIndex: behaviorSeq % 2 ? Uint8Array.from([9, 9]) : null,
});

describe.each(await providers())('recommender snapshots on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('keeps the newest position per fingerprint; older and repeated writes are skipped', async () => {
    const { store } = db;
    expect(await store.latestRecommenderSnapshotInfo()).toBeNull();
    expect(await store.saveRecommenderSnapshot(snap('a', 10))).toBe(true);
    expect(await store.saveRecommenderSnapshot(snap('a', 10))).toBe(false);
    expect(await store.saveRecommenderSnapshot(snap('a', 7))).toBe(false);
    expect(await store.saveRecommenderSnapshot(snap('b', 6))).toBe(true);
    // Two replicas at once: whichever order they commit in, the newer position is what remains.
    await Promise.all([store.saveRecommenderSnapshot(snap('a', 21)), store.saveRecommenderSnapshot(snap('a', 20))]);
    const a = await store.latestRecommenderSnapshot('a');
    expect(a).toMatchObject({ behaviorSeq: 21, catalogSeq: 3, erasureSeq: 0, format: 1 });
    expect([...a!.state]).toEqual([21, 1, 2, 3]);
    expect([...a!.vectorIndex!]).toEqual([9, 9]);
    expect((await store.latestRecommenderSnapshot('b'))?.vectorIndex).toBeNull();
    expect(await store.latestRecommenderSnapshotInfo()).toMatchObject({ fingerprint: 'a', behaviorSeq: 21 });
    // The same position after an erasure is newer (the erased user's statistics are gone from it).
    expect(await store.saveRecommenderSnapshot(snap('a', 21, 1))).toBe(true);
    expect(await store.latestRecommenderSnapshot('a')).toMatchObject({ behaviorSeq: 21, erasureSeq: 1 });
    expect(await store.latestRecommenderSnapshot('c')).toBeNull();
  });

  it('replaces a snapshot without the index by one with it at the same position, never the reverse', async () => {
    const { store } = db;
    const noIndex = { ...snap('d', 40), vectorIndex: null };
    const withIndex = { ...snap('d', 40), vectorIndex: Uint8Array.from([7]) };
    expect(await store.saveRecommenderSnapshot(noIndex)).toBe(true);
    expect(await store.saveRecommenderSnapshot(withIndex)).toBe(true);
    expect([...(await store.latestRecommenderSnapshot('d'))!.vectorIndex!]).toEqual([7]);
    expect(await store.saveRecommenderSnapshot(noIndex)).toBe(false);
    expect(await store.saveRecommenderSnapshot(withIndex)).toBe(false);
    // Older positions stay skipped, with or without an index.
    expect(await store.saveRecommenderSnapshot({ ...withIndex, behaviorSeq: 39 })).toBe(false);
    expect([...(await store.latestRecommenderSnapshot('d'))!.vectorIndex!]).toEqual([7]);
  });
});
