// Bounded, time-decayed counters behind the collaborative, sequential, popularity and segment sources.
//
// Decay uses "forward decay": an increment at time t is stored as w * 2^((t - t0) / halfLife) for a fixed
// reference t0, so stored values never need touching as time passes and values are comparable across items
// (the ranking at any `now` equals the ranking of the stored values). The value at `now` is
// stored * 2^(-(now - t0) / halfLife). When the exponent grows large the owner rescales all stored values
// and moves t0 (rare: every ~400 half-lives).

const MAX_EXPONENT = 400;

export class DecayClock {
  t0: number | null = null;
  constructor(readonly halfLifeMs: number) {}

  /** Multiplier for an increment at time t; returns null when the owner must rescale first (see rescale). */
  factor(t: number): number | null {
    if (this.t0 === null) this.t0 = t;
    const e = (t - this.t0) / this.halfLifeMs;
    if (e > MAX_EXPONENT) return null;
    return Math.pow(2, Math.max(e, -MAX_EXPONENT));
  }

  /** Move t0 to t; returns the multiplier the owner must apply to every stored value. */
  rebase(t: number): number {
    const old = this.t0 ?? t;
    this.t0 = t;
    return Math.pow(2, -(t - old) / this.halfLifeMs);
  }

  /** A value at `now` expressed on the stored scale (for shrinkage constants). */
  storedFor(value: number, now: number): number {
    if (this.t0 === null) return value;
    return value * Math.pow(2, (now - this.t0) / this.halfLifeMs);
  }

  /** Stored value -> value at `now`. */
  valueAt(stored: number, now: number): number {
    if (this.t0 === null) return stored;
    return stored * Math.pow(2, -(now - this.t0) / this.halfLifeMs);
  }
}

/**
 * For each item, a bounded map of neighbour -> decayed weight. Each map may hold up to 2*cap entries and
 * is pruned back to its cap best entries when it overflows (amortised O(log cap) per add).
 */
export class NeighbourStore {
  readonly rows = new Map<string, Map<string, number>>();
  /** Decayed total outgoing weight per item (for conditional probabilities). */
  readonly totals = new Map<string, number>();
  readonly clock: DecayClock;

  constructor(
    readonly cap: number,
    halfLifeMs: number,
  ) {
    this.clock = new DecayClock(halfLifeMs);
  }

  /** Decay multiplier for time t (rescaling everything first when needed). */
  factor(t: number): number {
    let f = this.clock.factor(t);
    if (f === null) {
      const m = this.clock.rebase(t);
      for (const row of this.rows.values()) for (const [k, v] of row) row.set(k, v * m);
      for (const [k, v] of this.totals) this.totals.set(k, v * m);
      f = this.clock.factor(t)!;
    }
    return f;
  }

  add(from: string, to: string, w: number): void {
    let row = this.rows.get(from);
    if (!row) {
      row = new Map();
      this.rows.set(from, row);
    }
    row.set(to, (row.get(to) ?? 0) + w);
    this.totals.set(from, (this.totals.get(from) ?? 0) + w);
    if (row.size > 2 * this.cap) {
      const kept = [...row].sort((a, b) => b[1] - a[1]).slice(0, this.cap);
      row.clear();
      for (const [k, v] of kept) row.set(k, v);
    }
  }

  row(from: string): Map<string, number> | undefined {
    return this.rows.get(from);
  }

  total(from: string): number {
    return this.totals.get(from) ?? 0;
  }

  deleteItem(id: string): void {
    this.rows.delete(id);
    this.totals.delete(id);
  }

  clear(): void {
    this.rows.clear();
    this.totals.clear();
    this.clock.t0 = null;
  }

  /** Entries held (for memory accounting). */
  get entryCount(): number {
    let n = 0;
    for (const row of this.rows.values()) n += row.size;
    return n;
  }
}

/**
 * Exact top-k of forward-decayed scores under increments. Since stored scores of items that are not
 * incremented never change, the k best can be maintained incrementally: an incremented item enters when
 * it beats the current minimum. `minBound` is a lower bound of the true minimum (scores only grow), so the
 * O(k) minimum scan runs only when an outsider might enter.
 */
export class TopTracker {
  readonly top = new Map<string, number>();
  private minBound = -Infinity;
  private minId: string | null = null;

  constructor(readonly k: number) {}

  /** Report the new stored score of `id`. */
  update(id: string, score: number): void {
    if (this.top.has(id)) {
      this.top.set(id, score);
      return;
    }
    if (this.top.size < this.k) {
      this.top.set(id, score);
      if (this.top.size === this.k) this.recomputeMin();
      return;
    }
    if (score <= this.minBound) return;
    this.recomputeMin();
    if (score <= this.minBound || this.minId === null) return;
    this.top.delete(this.minId);
    this.top.set(id, score);
    this.recomputeMin();
  }

  private recomputeMin(): void {
    let min = Infinity;
    let minId: string | null = null;
    for (const [id, s] of this.top) {
      if (s < min) {
        min = s;
        minId = id;
      }
    }
    this.minBound = this.top.size < this.k ? -Infinity : min;
    this.minId = minId;
  }

  /** Multiply all scores (after a clock rebase). */
  scale(m: number): void {
    for (const [id, s] of this.top) this.top.set(id, s * m);
    this.minBound *= m;
  }

  delete(id: string): void {
    if (this.top.delete(id)) {
      this.minBound = -Infinity;
      this.minId = null;
    }
  }

  clear(): void {
    this.top.clear();
    this.minBound = -Infinity;
    this.minId = null;
  }

  /** Entries sorted by descending score. */
  sorted(): Array<[string, number]> {
    return [...this.top].sort((a, b) => b[1] - a[1]);
  }
}
