import { TopK } from './heap.js';
import { matchRow, tryLoadUsearch, type UsearchModule } from './native.js';
import type { SearchHit, SearchQuery, VectorIndex } from './types.js';

/**
 * Brute-force cosine index: vectors live in one contiguous Float32Array (row per item) that grows by
 * doubling; removal swaps the last row into the hole so storage stays dense. Search is one pass with an
 * unrolled dot product and a bounded heap, O(n·dim) time, O(k) extra memory.
 */
export class ExactIndex implements VectorIndex {
  readonly dim: number;
  private data: Float32Array;
  private ids: string[] = [];
  private slotOf = new Map<string, number>();

  /** usearch's SIMD brute-force kernel (about 10x the JS loop), when the native build loads and `native` is not false. */
  private readonly kernel: UsearchModule | null;
  /** Below this many rows the JS loop is used (native call overhead dominates). */
  private static readonly NATIVE_MIN_ROWS = 512;

  constructor(dim: number, options: { initialCapacity?: number; native?: boolean } | number = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`ExactIndex: dim must be a positive integer, got ${dim}`);
    const opts = typeof options === 'number' ? { initialCapacity: options } : options;
    this.dim = dim;
    this.data = new Float32Array(dim * Math.max(1, opts.initialCapacity ?? 1024));
    this.kernel = opts.native === false ? null : tryLoadUsearch();
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** A view of the stored vector (valid until the next upsert/remove); undefined when absent. */
  get(id: string): Float32Array | undefined {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return undefined;
    return this.data.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  /** Every (id, vector view) pair, in storage order. */
  *entries(): IterableIterator<[string, Float32Array]> {
    for (let s = 0; s < this.ids.length; s++)
      yield [this.ids[s]!, this.data.subarray(s * this.dim, (s + 1) * this.dim)];
  }

  upsert(id: string, vector: Float32Array): void {
    if (vector.length !== this.dim)
      throw new Error(`ExactIndex: vector has ${vector.length} dims, expected ${this.dim}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      if ((slot + 1) * this.dim > this.data.length) {
        const grown = new Float32Array(Math.max(this.data.length * 2, (slot + 1) * this.dim));
        grown.set(this.data);
        this.data = grown;
      }
      this.ids.push(id);
      this.slotOf.set(id, slot);
    }
    this.data.set(vector, slot * this.dim);
  }

  /** Bulk insert: the same as upserting each entry (storage is already contiguous). */
  addMany(entries: Array<[string, Float32Array]>): void {
    for (const [id, v] of entries) this.upsert(id, v);
  }

  /** Removal compacts storage at once (no tombstones), so an exact index never needs a rebuild. */
  needsRebuild(): boolean {
    return false;
  }

  /** Replace the contents with `entries`. */
  rebuild(entries: Iterable<[string, Float32Array]>): void {
    this.ids = [];
    this.slotOf = new Map();
    for (const [id, v] of entries) this.upsert(id, v);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) {
      const lastId = this.ids[last]!;
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[slot] = lastId;
      this.slotOf.set(lastId, slot);
    }
    this.ids.pop();
    this.slotOf.delete(id);
    return true;
  }

  search(query: Float32Array, k: number, accept?: (id: string) => boolean): SearchHit[] {
    return this.searchMany([{ vector: query, k }], accept)[0]!;
  }

  /**
   * Several queries at once: one native brute-force call over the contiguous rows (single thread) for the
   * largest k, with oversampling when `accept` filters; a query that still lacks its k accepted hits falls
   * back to the exact JS scan, which consults `accept` on every qualifying row.
   */
  searchMany(queries: ReadonlyArray<SearchQuery>, accept?: (id: string) => boolean): SearchHit[][] {
    for (const q of queries)
      if (q.vector.length !== this.dim)
        throw new Error(`ExactIndex: query has ${q.vector.length} dims, expected ${this.dim}`);
    const n = this.ids.length;
    const ks = queries.map((q) => Math.max(0, Math.min(Math.floor(q.k), n)));
    const kMax = ks.reduce((m, k) => Math.max(m, k), 0);
    if (kMax <= 0) return queries.map(() => []);
    if (!this.kernel || n < ExactIndex.NATIVE_MIN_ROWS)
      return queries.map((q, i) => this.scan(q.vector, ks[i]!, accept));
    const want = accept ? Math.min(n, kMax * 4) : kMax;
    // usearch's exactSearch reads a query from the start of its ArrayBuffer, ignoring a view's offset: a vector that
    // is a view into a larger buffer (the store's page of item vectors) is copied first.
    const single = queries.length === 1 ? queries[0]!.vector : null;
    const matrix = single
      ? single.byteOffset === 0
        ? single
        : single.slice()
      : new Float32Array(queries.length * this.dim);
    if (queries.length > 1) queries.forEach((q, i) => matrix.set(q.vector, i * this.dim));
    const res = this.kernel.exactSearch(this.data.subarray(0, n * this.dim), matrix, this.dim, want, 'ip', 1);
    return queries.map((q, i) => {
      const k = ks[i]!;
      const m = matchRow(res, i, queries.length);
      const out: SearchHit[] = [];
      for (let j = 0; j < m.keys.length && out.length < k; j++) {
        const id = this.ids[Number(m.keys[j]!)]!;
        if (accept && !accept(id)) continue;
        out.push({ id, score: 1 - m.distances[j]! });
      }
      if (out.length < k && want < n) return this.scan(q.vector, k, accept);
      return out;
    });
  }

  /** Pure-JS exact scan: unrolled dot product (4 accumulators) and a bounded heap. */
  private scan(query: Float32Array, k: number, accept?: (id: string) => boolean): SearchHit[] {
    const n = this.ids.length;
    const heap = new TopK(k);
    const { data, dim, ids } = this;
    const d4 = dim - (dim & 3);
    for (let s = 0, base = 0; s < n; s++, base += dim) {
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        a0 += data[base + j]! * query[j]!;
        a1 += data[base + j + 1]! * query[j + 1]!;
        a2 += data[base + j + 2]! * query[j + 2]!;
        a3 += data[base + j + 3]! * query[j + 3]!;
      }
      for (; j < dim; j++) a0 += data[base + j]! * query[j]!;
      const score = a0 + a1 + a2 + a3;
      // Only consult `accept` for rows that would enter the heap: the predicate runs O(k log n) times
      // on average, and every accepted row that qualifies is kept, so k accepted results come back
      // whenever k exist.
      if (score <= heap.min) continue;
      if (accept && !accept(ids[s]!)) continue;
      heap.push(score, s);
    }
    return heap.sorted().map(({ slot, score }) => ({ id: ids[slot]!, score }));
  }
}
