// Incrementally maintained top-k of forward-decayed scores (most popular, most trending).

/**
 * Exact top-k of forward-decayed scores under increments. Since stored scores of items that are not
 * incremented never change, the k best can be maintained incrementally: an incremented item enters when
 * it beats the current minimum. An indexed min-heap makes every update O(log k).
 */
export class TopTracker<K = string> {
  private ids: K[] = [];
  private scores: number[] = [];
  private readonly pos = new Map<K, number>();
  private sortedCache: Array<[K, number]> | null = null;

  constructor(readonly k: number) {}

  get size(): number {
    return this.ids.length;
  }

  /** Report the new stored score of `id` (scores only grow between rescales). */
  update(id: K, score: number): void {
    this.sortedCache = null;
    const i = this.pos.get(id);
    if (i !== undefined) {
      const old = this.scores[i]!;
      this.scores[i] = score;
      if (score >= old) this.down(i);
      else this.up(i);
      return;
    }
    if (this.ids.length < this.k) {
      this.ids.push(id);
      this.scores.push(score);
      this.pos.set(id, this.ids.length - 1);
      this.up(this.ids.length - 1);
      return;
    }
    if (this.k === 0 || score <= this.scores[0]!) return;
    this.pos.delete(this.ids[0]!);
    this.ids[0] = id;
    this.scores[0] = score;
    this.pos.set(id, 0);
    this.down(0);
  }

  private swap(a: number, b: number): void {
    const ia = this.ids[a]!;
    const ib = this.ids[b]!;
    this.ids[a] = ib;
    this.ids[b] = ia;
    const sa = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = sa;
    this.pos.set(ib, a);
    this.pos.set(ia, b);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.scores[p]! <= this.scores[i]!) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.scores[r]! < this.scores[l]! ? r : l;
      if (this.scores[c]! >= this.scores[i]!) break;
      this.swap(i, c);
      i = c;
    }
  }

  has(id: K): boolean {
    return this.pos.has(id);
  }

  get(id: K): number | undefined {
    const i = this.pos.get(id);
    return i === undefined ? undefined : this.scores[i];
  }

  /** Multiply all scores (after a clock rebase); order is unchanged. */
  scale(m: number): void {
    this.sortedCache = null;
    for (let i = 0; i < this.scores.length; i++) this.scores[i]! *= m;
  }

  delete(id: K): void {
    const i = this.pos.get(id);
    if (i === undefined) return;
    this.sortedCache = null;
    const last = this.ids.length - 1;
    if (i !== last) this.swap(i, last);
    this.ids.pop();
    this.scores.pop();
    this.pos.delete(id);
    if (i < this.ids.length) {
      this.up(i);
      this.down(i);
    }
  }

  clear(): void {
    this.sortedCache = null;
    this.ids = [];
    this.scores = [];
    this.pos.clear();
  }

  /** The heap as it is (snapshots): its order decides ties between equal scores. */
  exportState(): { ids: K[]; scores: number[] } {
    return { ids: [...this.ids], scores: [...this.scores] };
  }

  importState(s: { ids: readonly K[]; scores: readonly number[] }): void {
    this.clear();
    this.ids = [...s.ids];
    this.scores = [...s.scores];
    this.ids.forEach((id, i) => this.pos.set(id, i));
  }

  /** Entries in no particular order. */
  entries(): Array<[K, number]> {
    return this.ids.map((id, i) => [id, this.scores[i]!]);
  }

  /** Calls `fn` for every entry, in no particular order, without allocating (the per-request path). */
  forEach(fn: (id: K, score: number) => void): void {
    for (let i = 0; i < this.ids.length; i++) fn(this.ids[i]!, this.scores[i]!);
  }

  /**
   * Entries sorted by descending score. Cached until the next change: requests read it far more often than
   * events change it. The caller must not modify the returned array.
   */
  sorted(): ReadonlyArray<readonly [K, number]> {
    this.sortedCache ??= this.entries().sort((a, b) => b[1] - a[1]);
    return this.sortedCache;
  }
}
