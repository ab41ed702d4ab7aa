// Per-item counters shared by several parts of the recommender (popularity, trending, exploration).

export interface StatsState {
  pop: Float64Array;
  trend: Float64Array;
  events: Float64Array;
  pos: Float64Array;
  neg: Float64Array;
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

  exportState(): StatsState {
    return {
      pop: this.pop.slice(),
      trend: this.trend.slice(),
      events: this.events.slice(),
      pos: this.pos.slice(),
      neg: this.neg.slice(),
    };
  }

  importState(s: StatsState): void {
    if (new Set([s.pop, s.trend, s.events, s.pos, s.neg].map((a) => a.length)).size !== 1)
      throw new Error('StatsTable.importState: columns of different lengths');
    this.pop = s.pop.slice();
    this.trend = s.trend.slice();
    this.events = s.events.slice();
    this.pos = s.pos.slice();
    this.neg = s.neg.slice();
  }

  clear(): void {
    this.pop.fill(0);
    this.trend.fill(0);
    this.events.fill(0);
    this.pos.fill(0);
    this.neg.fill(0);
  }
}
