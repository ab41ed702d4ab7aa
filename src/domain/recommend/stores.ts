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

/** Dense integer ids for item ids (never reused; removed items keep theirs). */
export class Interner {
  private readonly map = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let i = this.map.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.map.set(name, i);
    }
    return i;
  }

  get(name: string): number | undefined {
    return this.map.get(name);
  }

  name(i: number): string {
    return this.names[i]!;
  }

  get size(): number {
    return this.names.length;
  }
}

/**
 * For each item (dense int id), a bounded row of neighbour -> decayed weight in parallel typed arrays.
 * A row may hold up to 2*cap entries and is pruned back to its cap best when it fills (amortised
 * O(log cap) per add); lookups are a linear scan over at most 2*cap ints, which beats hashing at this
 * size and allocates nothing.
 */
export class NeighbourStore {
  private keys: Array<Int32Array | undefined> = [];
  private vals: Array<Float64Array | undefined> = [];
  private counts = new Int32Array(1024);
  private totals = new Float64Array(1024);
  readonly clock: DecayClock;

  constructor(
    readonly cap: number,
    halfLifeMs: number,
  ) {
    this.clock = new DecayClock(halfLifeMs);
  }

  private ensure(i: number): void {
    if (i < this.counts.length) return;
    let n = this.counts.length;
    while (n <= i) n *= 2;
    const c = new Int32Array(n);
    c.set(this.counts);
    this.counts = c;
    const t = new Float64Array(n);
    t.set(this.totals);
    this.totals = t;
  }

  /** Decay multiplier for time t (rescaling everything first when needed). */
  factor(t: number): number {
    let f = this.clock.factor(t);
    if (f === null) {
      const m = this.clock.rebase(t);
      for (let i = 0; i < this.vals.length; i++) {
        const v = this.vals[i];
        if (!v) continue;
        for (let j = 0; j < this.counts[i]!; j++) v[j]! *= m;
      }
      for (let i = 0; i < this.totals.length; i++) this.totals[i]! *= m;
      f = this.clock.factor(t)!;
    }
    return f;
  }

  add(from: number, to: number, w: number): void {
    this.ensure(from);
    let keys = this.keys[from];
    let vals = this.vals[from]!;
    let n = this.counts[from]!;
    this.totals[from]! += w;
    if (keys) {
      for (let j = 0; j < n; j++) {
        if (keys[j] === to) {
          vals[j]! += w;
          return;
        }
      }
    }
    if (!keys || n === keys.length) {
      const size = keys ? Math.min(keys.length * 2, 2 * this.cap) : Math.min(8, 2 * this.cap);
      if (keys && n >= 2 * this.cap) {
        n = this.prune(from);
      } else {
        const k2 = new Int32Array(size);
        const v2 = new Float64Array(size);
        if (keys) {
          k2.set(keys);
          v2.set(vals);
        }
        this.keys[from] = keys = k2;
        this.vals[from] = vals = v2;
      }
    }
    keys = this.keys[from]!;
    vals = this.vals[from]!;
    keys[n] = to;
    vals[n] = w;
    this.counts[from] = n + 1;
  }

  /** Keep the cap best entries of a row (in place); returns the new count. */
  private prune(from: number): number {
    const keys = this.keys[from]!;
    const vals = this.vals[from]!;
    const n = this.counts[from]!;
    const sorted = Float64Array.from(vals.subarray(0, n)).sort();
    const threshold = sorted[n - this.cap]!;
    let above = 0;
    for (let j = n - 1; j >= 0 && sorted[j]! > threshold; j--) above++;
    let atThreshold = this.cap - above;
    let w = 0;
    for (let j = 0; j < n; j++) {
      const v = vals[j]!;
      if (v > threshold || (v === threshold && atThreshold-- > 0)) {
        keys[w] = keys[j]!;
        vals[w] = v;
        w++;
      }
    }
    this.counts[from] = w;
    return w;
  }

  /** Calls fn(neighbour, weight) for each neighbour of `from`. */
  forEach(from: number, fn: (to: number, w: number) => void): void {
    const keys = this.keys[from];
    if (!keys) return;
    const vals = this.vals[from]!;
    const n = this.counts[from]!;
    for (let j = 0; j < n; j++) fn(keys[j]!, vals[j]!);
  }

  has(from: number): boolean {
    return from < this.counts.length && this.counts[from]! > 0;
  }

  total(from: number): number {
    return from < this.totals.length ? this.totals[from]! : 0;
  }

  deleteItem(id: number): void {
    if (id >= this.counts.length) return;
    this.keys[id] = undefined;
    this.vals[id] = undefined;
    this.counts[id] = 0;
    this.totals[id] = 0;
  }

  clear(): void {
    this.keys = [];
    this.vals = [];
    this.counts = new Int32Array(1024);
    this.totals = new Float64Array(1024);
    this.clock.t0 = null;
  }

  /** Entries held (for memory accounting). */
  get entryCount(): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    return n;
  }
}

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

/** Keep the `cap` largest values of `row` (ties at the threshold may keep a few more). Reuses one scratch buffer. */
let scratch = new Float64Array(256);
export function pruneRow<K>(row: Map<K, number>, cap: number): void {
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

/** Per-item behaviour statistics in growable typed arrays, indexed by interned id. */
export class StatsTable {
  /** Forward-decayed positive weight on the popularity clock. */
  pop = new Float64Array(1024);
  /** Forward-decayed positive weight on the trending clock. */
  trend = new Float64Array(1024);
  /** Events observed (exposure proxy). */
  events = new Float64Array(1024);
  /** Positive / negative feedback counts (Thompson sampling). */
  pos = new Float64Array(1024);
  neg = new Float64Array(1024);

  ensure(i: number): void {
    if (i < this.pop.length) return;
    let n = this.pop.length;
    while (n <= i) n *= 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.pop = grow(this.pop);
    this.trend = grow(this.trend);
    this.events = grow(this.events);
    this.pos = grow(this.pos);
    this.neg = grow(this.neg);
  }

  reset(i: number): void {
    if (i >= this.pop.length) return;
    this.pop[i] = 0;
    this.trend[i] = 0;
    this.events[i] = 0;
    this.pos[i] = 0;
    this.neg[i] = 0;
  }

  clear(): void {
    this.pop.fill(0);
    this.trend.fill(0);
    this.events.fill(0);
    this.pos.fill(0);
    this.neg.fill(0);
  }
}
