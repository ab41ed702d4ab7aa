import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecayClock } from '../../../../src/domain/recommend/state/decayClock.js';
import { NeighbourStore } from '../../../../src/domain/recommend/state/neighbourStore.js';
import { pruneRow } from '../../../../src/domain/recommend/state/pruneRow.js';
import { TopTracker } from '../../../../src/domain/recommend/state/topTracker.js';
import { hashSeed } from '../../../../src/domain/hash.js';
import { mulberry32, sampleBeta } from '../../../../src/domain/recommend/random.js';

describe('TopTracker', () => {
  it('keeps exactly the k largest of monotonically growing scores (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 10, noNaN: true })), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 12 }),
        (incs, k) => {
          const t = new TopTracker<number>(k);
          const all = new Map<number, number>();
          for (const [id, w] of incs) {
            const s = (all.get(id) ?? 0) + w;
            all.set(id, s);
            t.update(id, s);
          }
          const want = [...all.values()].sort((a, b) => b - a).slice(0, k);
          expect(t.sorted().map(([, s]) => s)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('delete removes and keeps the heap valid', () => {
    const t = new TopTracker<string>(3);
    t.update('a', 1);
    t.update('b', 5);
    t.update('c', 3);
    t.delete('b');
    t.update('d', 2);
    t.update('e', 0.5);
    expect(t.sorted()).toEqual([
      ['c', 3],
      ['d', 2],
      ['a', 1],
    ]);
  });
});

describe('NeighbourStore', () => {
  it('accumulates, bounds rows to 2*cap and keeps the strongest neighbours', () => {
    const s = new NeighbourStore(5, 1000);
    // Neighbour j gets weight j, added in a shuffled order, twice.
    const rand = mulberry32(3);
    const order = Array.from({ length: 40 }, (_, j) => j).sort(() => rand() - 0.5);
    for (const j of [...order, ...order]) s.add(0, j, j);
    const row = new Map<number, number>();
    s.forEach(0, (to, w) => row.set(to, w));
    expect(row.size).toBeLessThanOrEqual(10);
    for (const j of [35, 36, 37, 38, 39]) expect(row.has(j)).toBe(true);
    expect(row.get(39)).toBe(78);
    expect(s.total(0)).toBe(2 * ((39 * 40) / 2));
  });

  it('forward decay: later increments weigh more, by 2 per half-life, and rescaling keeps ratios', () => {
    const s = new NeighbourStore(10, 1000);
    s.add(1, 2, s.factor(0));
    s.add(1, 3, s.factor(1000));
    const w = new Map<number, number>();
    s.forEach(1, (to, x) => w.set(to, x));
    expect(w.get(3)! / w.get(2)!).toBeCloseTo(2, 10);
    // Jump far ahead: forces a rebase; old entries shrink but ratios hold.
    const f = s.factor(1000 * 500);
    expect(Number.isFinite(f)).toBe(true);
    s.forEach(1, (to, x) => w.set(to, x));
    expect(w.get(3)! / w.get(2)!).toBeCloseTo(2, 6);
    const clock = new DecayClock(1000);
    clock.factor(0);
    expect(clock.valueAt(8, 3000)).toBeCloseTo(1, 10);
    expect(clock.storedFor(1, 3000)).toBeCloseTo(8, 10);
  });

  it('pruneRow keeps the cap largest', () => {
    const row = new Map<string, number>(Array.from({ length: 20 }, (_, i) => [`k${i}`, i % 7] as [string, number]));
    pruneRow(row, 5);
    expect(row.size).toBe(5);
    // Values are i % 7 for i < 20: the five largest are 6, 6, 5, 5, 5.
    expect([...row.values()].sort((a, b) => a - b)).toEqual([5, 5, 5, 6, 6]);
  });
});

describe('random', () => {
  it('is reproducible and Beta samples have the right mean', () => {
    const a = mulberry32(hashSeed('x', 1));
    const b = mulberry32(hashSeed('x', 1));
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(hashSeed('x', 1)).not.toBe(hashSeed('x', 2));
    const r = mulberry32(5);
    let sum = 0;
    for (let i = 0; i < 4000; i++) sum += sampleBeta(2, 6, r);
    expect(sum / 4000).toBeCloseTo(0.25, 1);
    const r2 = mulberry32(6);
    for (let i = 0; i < 200; i++) {
      const x = sampleBeta(0.5, 0.5, r2);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  });
});
