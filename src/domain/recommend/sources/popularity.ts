// Popularity source: the most liked items, by forward-decayed positive evidence (popularity half-life).
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, ScoredCandidate, Reason } from '../source.js';
import type { DecayClock } from '../state/decayClock.js';
import { DecayedCounts, DecayedCountsSource } from '../state/decayedCounts.js';
import type { Interner } from '../state/interner.js';
import type { StatsTable } from '../state/statsTable.js';

// Shared (and frozen) rather than allocated per candidate per request.
const POPULAR_REASON: Reason = Object.freeze({ kind: 'POPULAR', text: 'Popular with everyone lately' });

export class PopularitySource extends DecayedCountsSource implements CandidateSource {
  readonly name = 'popularity';
  readonly scale = 'relative';
  /** stats.pop is this source's column: forward-decayed positive weight on the popularity clock. */
  readonly counts: DecayedCounts;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    stats: StatsTable,
  ) {
    super();
    this.counts = new DecayedCounts(config.popularity.halfLifeMs, config.popularity.topK, () => stats.pop);
  }

  get clock(): DecayClock {
    return this.counts.clock;
  }

  /** Register state kept on the popularity clock (segment popularity) to be rescaled with it. */
  onRescale(fn: (m: number) => void): void {
    this.counts.onRescale(fn);
  }

  /** Forward-decay multiplier for an increment at t on the popularity clock (segments share it). */
  factor(t: number): number {
    return this.counts.factor(t);
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    const limit = this.config.candidates.popularity;
    for (const [n, s] of this.counts.top.sorted()) {
      if (out.length >= limit) break;
      if (req.acceptItem(n)) out.push({ id: this.ids.name(n), raw: s, reason: POPULAR_REASON });
    }
    return out;
  }
}
