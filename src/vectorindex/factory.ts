import { ExactIndex } from './exact.js';
import type { SearchHit, SearchQuery, VectorIndex } from './types.js';
import { UsearchIndex, type UsearchOptions } from './usearch.js';

export type VectorIndexKind = 'exact' | 'approximate' | 'auto';

export interface VectorIndexOptions {
  dim: number;
  kind: VectorIndexKind;
  /** `auto` switches from exact to approximate once it holds more than this many items. Default 20000. */
  exactLimit?: number;
  usearch?: UsearchOptions;
}

export const DEFAULT_EXACT_LIMIT = 20_000;

/**
 * Starts exact; once the size passes `exactLimit` it builds a usearch index from the exact one's vectors
 * (multi-threaded bulk build) and delegates to it from then on (it does not switch back when shrinking).
 */
export class AutoIndex implements VectorIndex {
  readonly dim: number;
  readonly exactLimit: number;
  private inner: ExactIndex | UsearchIndex;
  private readonly usearchOptions: UsearchOptions;

  constructor(dim: number, exactLimit = DEFAULT_EXACT_LIMIT, usearchOptions: UsearchOptions = {}) {
    this.dim = dim;
    this.exactLimit = exactLimit;
    this.usearchOptions = usearchOptions;
    this.inner = new ExactIndex(dim);
  }

  /** 'exact' or 'approximate': what currently answers searches. */
  get mode(): 'exact' | 'approximate' {
    return this.inner instanceof ExactIndex ? 'exact' : 'approximate';
  }

  get size(): number {
    return this.inner.size;
  }

  get tombstones(): number {
    return this.inner instanceof UsearchIndex ? this.inner.tombstones : 0;
  }

  has(id: string): boolean {
    return this.inner.has(id);
  }

  upsert(id: string, vector: Float32Array): void {
    this.inner.upsert(id, vector);
    if (this.inner instanceof ExactIndex && this.inner.size > this.exactLimit) {
      const approx = new UsearchIndex(this.dim, this.usearchOptions);
      approx.addMany(this.inner.entries());
      this.inner = approx;
    }
  }

  /** Bulk insert: switches to approximate first when the result would pass the limit, then builds multi-threaded. */
  addMany(entries: Array<[string, Float32Array]>): void {
    if (this.inner instanceof ExactIndex && this.inner.size + entries.length > this.exactLimit) {
      const approx = new UsearchIndex(this.dim, this.usearchOptions);
      approx.addMany(this.inner.entries());
      this.inner = approx;
    }
    if (this.inner instanceof UsearchIndex) this.inner.addMany(entries);
    else for (const [id, v] of entries) this.inner.upsert(id, v);
  }

  remove(id: string): boolean {
    return this.inner.remove(id);
  }

  needsRebuild(): boolean {
    return this.inner.needsRebuild();
  }

  /** Rebuild the approximate graph from `entries` (no-op while exact: an exact index never needs one). */
  rebuild(entries: Iterable<[string, Float32Array]>): void {
    if (this.inner instanceof UsearchIndex) this.inner.rebuild(entries);
  }

  search(query: Float32Array, k: number, accept?: (id: string) => boolean): SearchHit[] {
    return this.inner.search(query, k, accept);
  }

  get savesGraph(): boolean {
    return this.inner instanceof UsearchIndex;
  }

  /** The approximate graph (null while exact: building an exact index is a copy of the vectors). */
  save(): Uint8Array | null {
    return this.inner instanceof UsearchIndex ? this.inner.save() : null;
  }

  /** Loads a saved approximate graph, switching to approximate. */
  load(saved: Uint8Array): string[] | null {
    const approx = new UsearchIndex(this.dim, this.usearchOptions);
    const ids = approx.load(saved);
    if (ids) this.inner = approx;
    return ids;
  }

  searchMany(queries: ReadonlyArray<SearchQuery>, accept?: (id: string) => boolean): SearchHit[][] {
    return this.inner.searchMany(queries, accept);
  }
}

export function createVectorIndex(opts: VectorIndexOptions): VectorIndex {
  switch (opts.kind) {
    case 'exact':
      return new ExactIndex(opts.dim);
    case 'approximate':
      return new UsearchIndex(opts.dim, opts.usearch);
    case 'auto':
      return new AutoIndex(opts.dim, opts.exactLimit ?? DEFAULT_EXACT_LIMIT, opts.usearch);
    default:
      throw new Error(`createVectorIndex: unknown kind ${String((opts as { kind: unknown }).kind)}`);
  }
}

/**
 * Mean recall@k of `approx` against `exact` over `queries`: |approx top-k ∩ exact top-k| / |exact top-k|.
 */
export function measureRecall(
  exact: VectorIndex,
  approx: VectorIndex,
  queries: Iterable<Float32Array>,
  k: number,
): number {
  let sum = 0;
  let count = 0;
  for (const q of queries) {
    const truth = exact.search(q, k);
    if (truth.length === 0) continue;
    const got = new Set(approx.search(q, k).map((h) => h.id));
    let hit = 0;
    for (const t of truth) if (got.has(t.id)) hit++;
    sum += hit / truth.length;
    count++;
  }
  return count === 0 ? 1 : sum / count;
}
