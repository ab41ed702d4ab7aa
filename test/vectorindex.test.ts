import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type AutoIndex,
  ExactIndex,
  type UsearchIndex,
  createVectorIndex,
  measureRecall,
  type VectorIndex,
} from '../src/vectorindex/index.js';
import { mulberry32 } from '../src/domain/recommend/random.js';

function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/** Clustered unit vectors: `topics` random centres, each point = centre + noise (like item embeddings). */
function dataset(n: number, dim: number, seed: number, topics = 50, noise = 0.6): Float32Array[] {
  const rand = mulberry32(seed);
  const centres = Array.from({ length: topics }, () => unit(Float32Array.from({ length: dim }, () => gauss(rand))));
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % topics]!;
    return unit(Float32Array.from({ length: dim }, (_, j) => c[j]! + ((noise * gauss(rand)) / Math.sqrt(dim)) * 3));
  });
}

function bruteForce(vectors: Map<string, Float32Array>, q: Float32Array, k: number, accept?: (id: string) => boolean) {
  const all: Array<{ id: string; score: number }> = [];
  for (const [id, v] of vectors) {
    if (accept && !accept(id)) continue;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * q[i]!;
    all.push({ id, score: s });
  }
  all.sort((a, b) => b.score - a.score);
  return all.slice(0, k);
}

describe('ExactIndex', () => {
  it('answers a query that is a view into a larger buffer like its copy (the native kernel ignores view offsets)', () => {
    const dim = 16;
    const data = dataset(1000, dim, 11, 20); // above the native kernel's threshold
    const idx = new ExactIndex(dim);
    data.forEach((v, i) => idx.upsert(`i${i}`, v));
    // The store hands out item vectors as views into one buffer per page.
    const slab = new Float32Array(dim * 3);
    [data[0]!, data[500]!, data[999]!].forEach((v, i) => slab.set(v, i * dim));
    for (const [row, id] of [
      [1, 'i500'],
      [2, 'i999'],
    ] as const) {
      const view = slab.subarray(row * dim, (row + 1) * dim);
      const hits = idx.search(view, 3);
      expect(hits[0]!.id).toBe(id);
      expect(hits).toEqual(idx.search(view.slice(), 3));
    }
  });

  it('matches brute force, honours upsert replacement, swap-remove and accept', () => {
    const dim = 13; // not a multiple of 4: exercises the loop tail
    const data = dataset(600, dim, 7, 10);
    const idx = new ExactIndex(dim, 4); // tiny initial capacity: exercises growth
    const truth = new Map<string, Float32Array>();
    data.forEach((v, i) => {
      idx.upsert(`i${i}`, v);
      truth.set(`i${i}`, v);
    });
    // Replace some, remove some (including the last slot and the first).
    for (let i = 0; i < 600; i += 7) {
      idx.upsert(`i${i}`, data[(i * 31) % 600]!);
      truth.set(`i${i}`, data[(i * 31) % 600]!);
    }
    for (const i of [0, 599, 5, 100, 101, 333]) {
      expect(idx.remove(`i${i}`)).toBe(true);
      truth.delete(`i${i}`);
    }
    expect(idx.remove('i0')).toBe(false);
    expect(idx.size).toBe(truth.size);
    expect(idx.has('i5')).toBe(false);
    expect(idx.has('i6')).toBe(true);
    const rand = mulberry32(99);
    for (let q = 0; q < 20; q++) {
      const query = unit(Float32Array.from({ length: dim }, () => gauss(rand)));
      const got = idx.search(query, 10);
      const want = bruteForce(truth, query, 10);
      expect(got.map((h) => h.score)).toEqual(want.map((h) => expect.closeTo(h.score, 5)));
      const accept = (id: string) => Number(id.slice(1)) % 3 === 0;
      const gotF = idx.search(query, 10, accept);
      expect(gotF).toHaveLength(10);
      expect(gotF.every((h) => accept(h.id))).toBe(true);
      expect(gotF.map((h) => h.score)).toEqual(
        bruteForce(truth, query, 10, accept).map((h) => expect.closeTo(h.score, 5)),
      );
    }
    // A rare accepted id is still found (k accepted results come back when they exist).
    const only = idx.search(data[1]!, 5, (id) => id === 'i450');
    expect(only.map((h) => h.id)).toEqual(['i450']);
  });

  it('native kernel and JS scan agree, batched and single', () => {
    const dim = 48;
    const data = dataset(3000, dim, 8, 20);
    const native = new ExactIndex(dim);
    const js = new ExactIndex(dim, { native: false });
    data.forEach((v, i) => {
      native.upsert(`n${i}`, v);
      js.upsert(`n${i}`, v);
    });
    for (let i = 0; i < 3000; i += 5) {
      native.remove(`n${i}`);
      js.remove(`n${i}`);
    }
    const qs = dataset(8, dim, 80, 20);
    const accept = (id: string) => Number(id.slice(1)) % 13 === 1;
    const batched = native.searchMany(
      qs.map((vector) => ({ vector, k: 15 })),
      accept,
    );
    qs.forEach((q, i) => {
      const want = js.search(q, 15, accept);
      expect(want).toHaveLength(15);
      expect(batched[i]!.map((h) => h.id)).toEqual(want.map((h) => h.id));
      expect(native.search(q, 15).map((h) => h.id)).toEqual(js.search(q, 15).map((h) => h.id));
      batched[i]!.forEach((h, j) => expect(h.score).toBeCloseTo(want[j]!.score, 4));
    });
  });

  it('returns the true top-k for arbitrary small sets (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 12 }),
        (rows, k) => {
          const idx = new ExactIndex(5, 1);
          const truth = new Map<string, Float32Array>();
          rows.forEach((r, i) => {
            const v = Float32Array.from(r);
            idx.upsert(String(i), v);
            truth.set(String(i), v);
          });
          const q = Float32Array.from([0.3, -0.2, 0.5, 0.1, 0.7]);
          const got = idx.search(q, k).map((h) => h.score);
          const want = bruteForce(truth, q, k).map((h) => h.score);
          expect(got.length).toBe(want.length);
          got.forEach((s, i) => expect(s).toBeCloseTo(want[i]!, 4));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('exact vs approximate on a seeded 20k set (dim 64)', () => {
  const dim = 64;
  const data = dataset(20_000, dim, 42);
  const exact = createVectorIndex({ dim, kind: 'exact' });
  const approx = createVectorIndex({ dim, kind: 'approximate' });
  data.forEach((v, i) => exact.upsert(`item-${i}`, v));
  (approx as UsearchIndex).addMany(data.map((v, i) => [`item-${i}`, v] as [string, Float32Array]));
  const queries = dataset(200, dim, 4242);

  it('top-10 overlap >= 0.95', () => {
    expect(exact.size).toBe(20_000);
    expect(approx.size).toBe(20_000);
    const recall = measureRecall(exact, approx, queries, 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('honours removals and upserts in both', () => {
    const removed: string[] = [];
    for (let q = 0; q < 20; q++) {
      const top = exact.search(queries[q]!, 3);
      for (const h of top) {
        if (exact.remove(h.id)) removed.push(h.id);
        approx.remove(h.id);
      }
    }
    for (const id of removed) {
      expect(exact.has(id)).toBe(false);
      expect(approx.has(id)).toBe(false);
    }
    const gone = new Set(removed);
    for (let q = 0; q < 20; q++) {
      for (const idx of [exact, approx]) expect(idx.search(queries[q]!, 10).some((h) => gone.has(h.id))).toBe(false);
    }
    expect(approx.size).toBe(exact.size);
    expect(measureRecall(exact, approx, queries, 10)).toBeGreaterThanOrEqual(0.95);
    // Upsert moves a vector: the moved id is now the nearest neighbour of its new vector in both.
    const target = queries[150]!;
    exact.upsert('item-7', target);
    approx.upsert('item-7', target);
    expect(exact.search(target, 1)[0]!.id).toBe('item-7');
    expect(approx.search(target, 1)[0]!.id).toBe('item-7');
    expect(approx.size).toBe(exact.size);
  });

  it('respects accept and still returns k accepted results', () => {
    const accept = (id: string) => Number(id.slice(5)) % 10 === 3;
    for (let q = 0; q < 20; q++) {
      for (const idx of [exact, approx]) {
        const hits = idx.search(queries[q]!, 10, accept);
        expect(hits).toHaveLength(10);
        expect(hits.every((h) => accept(h.id))).toBe(true);
      }
    }
    // Batched search matches single searches.
    const many = approx.searchMany(
      queries.slice(0, 10).map((vector, i) => ({ vector, k: 5 + i })),
      accept,
    );
    many.forEach((hits, i) =>
      expect(hits.map((h) => h.id)).toEqual(approx.search(queries[i]!, 5 + i, accept).map((h) => h.id)),
    );
    // A very selective filter (one id in 20k) is still satisfied by the approximate index via wider searches.
    const rare = (id: string) => id === 'item-12345';
    expect(approx.search(queries[0]!, 5, rare).map((h) => h.id)).toEqual(['item-12345']);
    expect(exact.search(queries[0]!, 5, rare).map((h) => h.id)).toEqual(['item-12345']);
  });
});

describe('createVectorIndex auto', () => {
  it('switches to approximate above exactLimit and keeps contents', () => {
    const dim = 16;
    const data = dataset(300, dim, 3, 5);
    const idx = createVectorIndex({ dim, kind: 'auto', exactLimit: 100 }) as AutoIndex;
    data.slice(0, 100).forEach((v, i) => idx.upsert(`a${i}`, v));
    expect(idx.mode).toBe('exact');
    data.slice(100).forEach((v, i) => idx.upsert(`a${i + 100}`, v));
    expect(idx.mode).toBe('approximate');
    expect(idx.size).toBe(300);
    expect(idx.remove('a3')).toBe(true);
    expect(idx.has('a3')).toBe(false);
    expect(idx.size).toBe(299);
    const hit = idx.search(data[42]!, 1)[0]!;
    expect(hit.id).toBe('a42');
    expect(hit.score).toBeCloseTo(1, 4);
    const plain: VectorIndex = createVectorIndex({ dim, kind: 'exact' });
    expect(plain).toBeInstanceOf(ExactIndex);
  });
});

describe('saving and loading the approximate index (snapshots)', () => {
  it('a loaded graph answers as the saved one, follows later changes, and refuses other settings', () => {
    const vectors = dataset(2000, 32, 21);
    const approximate = (dim: number, quantization?: 'i8') =>
      createVectorIndex({ dim, kind: 'approximate', usearch: { quantization } }) as UsearchIndex;
    const saved = approximate(32);
    saved.addMany(vectors.map((v, i) => [`i${i}`, v]));
    saved.remove('i7');
    const bytes = saved.save();
    const loaded = approximate(32);
    const ids = loaded.load(bytes);
    expect(ids?.length).toBe(1999);
    expect(loaded.size).toBe(1999);
    expect(loaded.has('i7')).toBe(false);
    for (const q of vectors.slice(0, 20)) expect(loaded.search(q, 10)).toEqual(saved.search(q, 10));
    loaded.upsert('new', vectors[5]!);
    expect(
      loaded
        .search(vectors[5]!, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['i5', 'new']);
    expect(approximate(16).load(bytes)).toBeNull();
    expect(approximate(32, 'i8').load(bytes)).toBeNull();
    // Auto: the saved graph switches it to approximate; an exact one saves nothing.
    const auto = createVectorIndex({ dim: 32, kind: 'auto' }) as AutoIndex;
    expect(auto.save()).toBeNull();
    expect(auto.load(bytes)).toHaveLength(1999);
    expect(auto.mode).toBe('approximate');
  });
});
