// Bounded, time-decayed item -> neighbour weights (co-visitation pairs, transitions).
import { DecayClock } from './decayClock.js';

/** A NeighbourStore as plain arrays (snapshots): rows concatenated, `counts[i]` entries for row i. */
export interface NeighbourState {
  t0: number | null;
  counts: Int32Array;
  totals: Float64Array;
  keys: Int32Array;
  vals: Float64Array;
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
        this.keys[from] = k2;
        this.vals[from] = v2;
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

  clear(): void {
    this.keys = [];
    this.vals = [];
    this.counts = new Int32Array(1024);
    this.totals = new Float64Array(1024);
    this.clock.t0 = null;
  }

  exportState(): NeighbourState {
    const n = this.entryCount;
    const keys = new Int32Array(n);
    const vals = new Float64Array(n);
    let at = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      keys.set(this.keys[i]!.subarray(0, c), at);
      vals.set(this.vals[i]!.subarray(0, c), at);
      at += c;
    }
    return { t0: this.clock.t0, counts: this.counts.slice(), totals: this.totals.slice(), keys, vals };
  }

  /** Replaces the contents with a snapshot's (rows get exactly their entries' room: growth and pruning do not
   * depend on a row's spare room, only on its count against the cap). */
  importState(s: NeighbourState): void {
    this.clear();
    this.clock.t0 = s.t0;
    this.counts = s.counts.slice();
    this.totals = s.totals.slice();
    let at = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      this.keys[i] = s.keys.slice(at, at + c);
      this.vals[i] = s.vals.slice(at, at + c);
      at += c;
    }
  }

  /** Entries held (for memory accounting). */
  get entryCount(): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    return n;
  }
}
