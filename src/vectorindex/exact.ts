import { TopK } from './heap.js';
import type { SearchHit, VectorIndex } from './types.js';

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

  constructor(dim: number, initialCapacity = 1024) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`ExactIndex: dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.data = new Float32Array(dim * Math.max(1, initialCapacity));
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
    for (let s = 0; s < this.ids.length; s++) yield [this.ids[s]!, this.data.subarray(s * this.dim, (s + 1) * this.dim)];
  }

  upsert(id: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`ExactIndex: vector has ${vector.length} dims, expected ${this.dim}`);
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
    if (query.length !== this.dim) throw new Error(`ExactIndex: query has ${query.length} dims, expected ${this.dim}`);
    const n = this.ids.length;
    k = Math.min(Math.floor(k), n);
    if (k <= 0) return [];
    const heap = new TopK(k);
    const { data, dim, ids } = this;
    const d4 = dim - (dim & 3);
    for (let s = 0, base = 0; s < n; s++, base += dim) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
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
