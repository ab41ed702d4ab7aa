// Trending source: items whose short-term rate of positive evidence is well above their long-term rate.
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, ScoredCandidate, Reason } from '../source.js';
import { DecayedCounts, DecayedCountsSource } from '../state/decayedCounts.js';
import type { Interner } from '../state/interner.js';
import type { StatsTable } from '../state/statsTable.js';
import type { PopularitySource } from './popularity.js';

const TRENDING_REASON: Reason = Object.freeze({ kind: 'TRENDING', text: 'Trending now' });

export class TrendingSource extends DecayedCountsSource implements CandidateSource {
  readonly name = 'trending';
  readonly scale = 'relative';
  /** stats.trend is this source's column: forward-decayed positive weight on the trending clock. */
  readonly counts: DecayedCounts;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    /** stats.pos and stats.pop (the long-term rate) are read too. */
    private readonly stats: StatsTable,
    private readonly popularity: PopularitySource,
  ) {
    super();
    this.counts = new DecayedCounts(config.popularity.trendingHalfLifeMs, config.popularity.topK, () => stats.trend);
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const { now, acceptItem } = req;
    const p = this.config.popularity;
    const out: ScoredCandidate[] = [];
    this.counts.top.forEach((n, stored) => {
      // Trending = a short-term rate well above the long-term one, and at least a couple of events.
      if (this.stats.pos[n]! < 2) return;
      const shortRate = this.counts.clock.valueAt(stored, now) / p.trendingHalfLifeMs;
      const longRate = this.popularity.clock.valueAt(this.stats.pop[n]!, now) / p.halfLifeMs;
      const lift = shortRate / (longRate + 1e-12);
      if (lift < p.trendingMinLift) return;
      if (acceptItem(n)) out.push({ id: this.ids.name(n), raw: shortRate * Math.log1p(lift), reason: TRENDING_REASON });
    });
    return out;
  }
}
