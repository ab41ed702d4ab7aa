// Trending source: items whose short-term rate of positive evidence is well above their long-term rate.
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate, Reason } from '../source.js';
import { DecayClock } from '../state/decayClock.js';
import type { Interner } from '../state/interner.js';
import type { StatsTable } from '../state/statsTable.js';
import { TopTracker } from '../state/topTracker.js';
import type { PopularitySource } from './popularity.js';

const TRENDING_REASON: Reason = Object.freeze({ kind: 'TRENDING', text: 'Trending now' });

export class TrendingSource implements CandidateSource {
  readonly name = 'trending';
  readonly scale = 'relative';
  readonly clock: DecayClock;
  readonly top: TopTracker<number>;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    /** stats.trend is this source's column; stats.pos and stats.pop (the long-term rate) are read. */
    private readonly stats: StatsTable,
    private readonly popularity: PopularitySource,
  ) {
    this.clock = new DecayClock(config.popularity.trendingHalfLifeMs);
    this.top = new TopTracker(config.popularity.topK);
  }

  private factor(t: number): number {
    let f = this.clock.factor(t);
    if (f === null) {
      const m = this.clock.rebase(t);
      const trend = this.stats.trend;
      for (let i = 0; i < trend.length; i++) trend[i]! *= m;
      this.top.scale(m);
      f = this.clock.factor(t)!;
    }
    return f;
  }

  observe(o: Observation): void {
    const st = this.stats;
    // As before the split (kept for identical output): `+=` reads this item's stored value before factor() runs,
    // so on the rare rebase (every ~400 half-lives) that one value escapes the rescale.
    st.trend[o.item]! += o.weight * this.factor(o.t);
    this.top.update(o.item, st.trend[o.item]!);
  }

  forgetItem(item: number): void {
    this.top.delete(item);
  }

  clear(): void {
    this.clock.t0 = null;
    this.top.clear();
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const { now, accept } = req;
    const p = this.config.popularity;
    const out: ScoredCandidate[] = [];
    this.top.forEach((n, stored) => {
      // Trending = a short-term rate well above the long-term one, and at least a couple of events.
      if (this.stats.pos[n]! < 2) return;
      const shortRate = this.clock.valueAt(stored, now) / p.trendingHalfLifeMs;
      const longRate = this.popularity.clock.valueAt(this.stats.pop[n]!, now) / p.halfLifeMs;
      const lift = shortRate / (longRate + 1e-12);
      if (lift < p.trendingMinLift) return;
      const id = this.ids.name(n);
      if (accept(id)) out.push({ id, raw: shortRate * Math.log1p(lift), reason: TRENDING_REASON });
    });
    return out;
  }
}
