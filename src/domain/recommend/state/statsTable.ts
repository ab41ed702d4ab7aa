// Per-item counters shared by several parts of the recommender (popularity, trending, exploration).

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
