// Forward-decayed per-item counts on one clock, with their running top-k: the state behind popularity and trending.
import { DecayClock } from './decayClock.js';
import { TopTracker } from './topTracker.js';

export class DecayedCounts {
  readonly clock: DecayClock;
  readonly top: TopTracker<number>;
  /** Called with the multiplier when the clock is rebased: others storing values on this clock rescale them. */
  private readonly rescalers: Array<(m: number) => void> = [];

  constructor(
    halfLifeMs: number,
    topK: number,
    /** The counts column (a StatsTable array, which is replaced when it grows: hence a getter). */
    private readonly column: () => Float64Array,
  ) {
    this.clock = new DecayClock(halfLifeMs);
    this.top = new TopTracker(topK);
  }

  /** Register state kept on this clock elsewhere, to be rescaled with it. */
  onRescale(fn: (m: number) => void): void {
    this.rescalers.push(fn);
  }

  /** Forward-decay multiplier for an increment at t, rescaling everything on this clock first when needed. */
  factor(t: number): number {
    let f = this.clock.factor(t);
    if (f === null) {
      const m = this.clock.rebase(t);
      const col = this.column();
      for (let i = 0; i < col.length; i++) col[i]! *= m;
      this.top.scale(m);
      for (const fn of this.rescalers) fn(m);
      f = this.clock.factor(t)!;
    }
    return f;
  }

  /** Adds `w` at time `t` to an item's count. The factor comes first: a rebase must rescale the value before it is read. */
  add(item: number, w: number, t: number): void {
    const f = this.factor(t);
    const col = this.column();
    col[item]! += w * f;
    this.top.update(item, col[item]!);
  }

  clear(): void {
    this.clock.t0 = null;
    this.top.clear();
  }

  /** The clock and the top-k (the counts themselves are a StatsTable column, saved with it). */
  exportState(): DecayedCountsState {
    const { ids, scores } = this.top.exportState();
    return { t0: this.clock.t0, topItems: Int32Array.from(ids), topScores: Float64Array.from(scores) };
  }

  importState(s: DecayedCountsState): void {
    this.clock.t0 = s.t0;
    this.top.importState({ ids: [...s.topItems], scores: [...s.topScores] });
  }
}

export interface DecayedCountsState {
  t0: number | null;
  topItems: Int32Array;
  topScores: Float64Array;
}

/** A source whose state is one DecayedCounts column, fed with each positive event's liking evidence. */
export abstract class DecayedCountsSource {
  abstract readonly counts: DecayedCounts;

  observe(o: { item: number; weight: number; t: number }): void {
    this.counts.add(o.item, o.weight, o.t);
  }

  clear(): void {
    this.counts.clear();
  }
}
