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
    if (row.size > 2 * this.cap) pruneRow(row, this.cap);
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
 * it beats the current minimum. An indexed min-heap makes every update O(log k).
 */
export class TopTracker {
  private ids: string[] = [];
  private scores: number[] = [];
  private readonly pos = new Map<string, number>();

  constructor(readonly k: number) {}

  get size(): number {
    return this.ids.length;
  }

  /** Report the new stored score of `id` (scores only grow between rescales). */
  update(id: string, score: number): void {
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

  has(id: string): boolean {
    return this.pos.has(id);
  }

  get(id: string): number | undefined {
    const i = this.pos.get(id);
    return i === undefined ? undefined : this.scores[i];
  }

  /** Multiply all scores (after a clock rebase); order is unchanged. */
  scale(m: number): void {
    for (let i = 0; i < this.scores.length; i++) this.scores[i]! *= m;
  }

  delete(id: string): void {
    const i = this.pos.get(id);
    if (i === undefined) return;
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
    this.ids = [];
    this.scores = [];
    this.pos.clear();
  }

  /** Entries in no particular order. */
  entries(): Array<[string, number]> {
    return this.ids.map((id, i) => [id, this.scores[i]!]);
  }

  /** Entries sorted by descending score. */
  sorted(): Array<[string, number]> {
    return this.entries().sort((a, b) => b[1] - a[1]);
  }
}

/** Keep the `cap` largest values of `row` (ties at the threshold may keep a few more). Reuses one scratch buffer. */
let scratch = new Float64Array(256);
export function pruneRow(row: Map<string, number>, cap: number): void {
  if (row.size <= cap) return;
  if (scratch.length < row.size) scratch = new Float64Array(row.size * 2);
  let n = 0;
  for (const v of row.values()) scratch[n++] = v;
  const sorted = scratch.subarray(0, n).sort();
  const threshold = sorted[n - cap]!;
  let keptAtThreshold = 0;
  const allowedAtThreshold = n - (n - cap) - countAbove(sorted, threshold);
  for (const [k, v] of row) {
    if (v > threshold) continue;
    if (v === threshold && keptAtThreshold < allowedAtThreshold) {
      keptAtThreshold++;
      continue;
    }
    row.delete(k);
  }
}

function countAbove(sorted: Float64Array, threshold: number): number {
  let c = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i]! > threshold; i--) c++;
  return c;
}
