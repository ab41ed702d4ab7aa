/**
 * Bounded min-heap of (score, slot) pairs used for partial top-k selection: keeps the k largest scores seen.
 * Parallel typed arrays, no allocation per push.
 */
export class TopK {
  readonly k: number;
  size = 0;
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;

  constructor(k: number) {
    this.k = Math.max(0, k | 0);
    this.scores = new Float64Array(this.k);
    this.slots = new Int32Array(this.k);
  }

  /** Smallest score kept (the bar a new entry must beat once the heap is full). */
  get min(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  get full(): boolean {
    return this.size >= this.k;
  }

  push(score: number, slot: number): void {
    const { scores, slots } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (scores[p]! <= score) break;
        scores[i] = scores[p]!;
        slots[i] = slots[p]!;
        i = p;
      }
      scores[i] = score;
      slots[i] = slot;
      return;
    }
    if (this.k === 0 || score <= scores[0]!) return;
    // Replace the root and sift down.
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && scores[r]! < scores[l]! ? r : l;
      if (scores[c]! >= score) break;
      scores[i] = scores[c]!;
      slots[i] = slots[c]!;
      i = c;
    }
    scores[i] = score;
    slots[i] = slot;
  }

  /** Entries sorted by descending score. */
  sorted(): Array<{ slot: number; score: number }> {
    const out: Array<{ slot: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ slot: this.slots[i]!, score: this.scores[i]! });
    out.sort((a, b) => b.score - a.score || a.slot - b.slot);
    return out;
  }
}
