import { createRequire } from 'node:module';

// usearch's ESM entry point recurses while locating its native build on Node 20; the CJS one works.
export interface UsearchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
}
export interface UsearchBatchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
  counts: BigUint64Array;
  k: number;
}
export interface UsearchNative {
  add(keys: bigint | BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vectors: Float32Array, k: number, threads?: number): UsearchMatches | UsearchBatchMatches;
  remove(keys: bigint): number;
  contains(keys: bigint): boolean;
  size(): number;
  save(path: string): void;
  load(path: string): void;
}
export interface UsearchModule {
  Index: new (config: {
    dimensions: number;
    metric: 'cos' | 'ip' | 'l2sq';
    quantization?: 'f32' | 'f16' | 'i8';
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
  }) => UsearchNative;
  exactSearch(
    dataset: Float32Array,
    queries: Float32Array,
    dimensions: number,
    count: number,
    metric: 'ip' | 'cos' | 'l2sq',
    threads?: number,
  ): UsearchMatches | UsearchBatchMatches;
}

let cached: UsearchModule | null | undefined;

/** The usearch module (throws when it cannot load). */
export function loadUsearch(): UsearchModule {
  const m = tryLoadUsearch();
  if (!m) throw new Error('usearch native module is not available');
  return m;
}

/** The usearch module, or null when its native build is missing. */
export function tryLoadUsearch(): UsearchModule | null {
  if (cached === undefined) {
    try {
      cached = createRequire(import.meta.url)('usearch') as UsearchModule;
    } catch {
      cached = null;
    }
  }
  return cached;
}

/** Row `i` of a single- or multi-query result, as (keys, distances) views. */
export function matchRow(m: UsearchMatches | UsearchBatchMatches, i: number, queries: number): UsearchMatches {
  if (queries === 1 && !('counts' in m)) return m;
  const b = m as UsearchBatchMatches;
  const start = i * b.k;
  const count = Number(b.counts[i]);
  return { keys: b.keys.subarray(start, start + count), distances: b.distances.subarray(start, start + count) };
}
