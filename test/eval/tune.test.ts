// model:tune's logic on a tiny log: the log becomes a harness dataset, the search runs within its budget, the pick
// is never worse than the defaults on validation, and test figures come with it.
import { describe, expect, it } from 'vitest';
import { datasetFromLog, tuneRecommender, type LogItem } from '../../eval/tune.js';

const DIM = 4;
function items(n: number): LogItem[] {
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(DIM);
    v[i % DIM] = 1;
    return {
      id: `i${i}`,
      title: `Item ${i}`,
      description: null,
      category: null,
      tags: [],
      brand: null,
      price: null,
      embedding: v,
    };
  });
}

/** 40 users walking a ring of 12 items from different starts: the next item is predictable from the last. */
function log() {
  const out = [];
  let seq = 0;
  for (let u = 0; u < 40; u++)
    for (let k = 0; k < 8; k++)
      out.push({
        seq: seq++,
        userId: `u${u}`,
        itemId: `i${(u + k) % 12}`,
        type: 'VIEW' as const,
        value: null,
        occurredAt: Date.UTC(2024, 0, 1) + u * 60_000 + k * 3_600_000,
      });
  return out;
}

describe('model:tune logic', () => {
  it('turns the log into per-user sequences in time order', () => {
    const { ds, matrix } = datasetFromLog(items(12), log(), DIM);
    expect(ds.users).toHaveLength(40);
    expect([...ds.users[0]!.items]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(matrix.length).toBe(12 * DIM);
  });

  it('searches within the budget and keeps the pick at least as good as the defaults on validation', async () => {
    const { ds, vectors, matrix } = datasetFromLog(items(12), log(), DIM);
    const calls: Array<[number, number]> = [];
    const r = await tuneRecommender(ds, vectors, matrix, DIM, {
      users: 20,
      budgetSeconds: 60,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(r.validation.users).toBe(20);
    expect(r.validation.searchUsers).toBe(20); // fewer users than the default search sample: one stage
    expect(r.validation.validation.chosen.ndcg10).toBeGreaterThanOrEqual(r.validation.validation.defaults.ndcg10);
    expect(r.validation.test.chosen.ndcg10).toBeGreaterThan(0);
    // One report before the search, one per candidate scored, and the bar completed when the search ends early.
    expect(calls.length).toBe(r.validation.candidatesTried + 2);
    const done = calls.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(calls.at(-1)![0]).toBe(calls.at(-1)![1]);
  }, 60_000);

  it('searches on a subset of the users and keeps the pick only if it beats the defaults on all of them', async () => {
    const { ds, vectors, matrix } = datasetFromLog(items(12), log(), DIM);
    const r = await tuneRecommender(ds, vectors, matrix, DIM, { users: 40, searchUsers: 10, budgetSeconds: 60 });
    const v = r.validation;
    expect(v.users).toBe(40);
    expect(v.searchUsers).toBe(10);
    expect(v.search.best.ndcg10).toBeGreaterThanOrEqual(v.search.defaults.ndcg10);
    // The figures reported are those on all 40 users, and the pick is never below the defaults there.
    expect(v.validation.chosen.ndcg10).toBeGreaterThanOrEqual(v.validation.defaults.ndcg10);
    if (!v.confirmed) expect(r.config).toEqual({});
    if (v.confirmed && Object.keys(r.config).length > 0)
      expect(v.validation.chosen.ndcg10).toBeGreaterThan(v.validation.defaults.ndcg10);
  }, 60_000);
});
