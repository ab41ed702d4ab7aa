// Popularity source: the most liked items, by forward-decayed positive evidence (popularity half-life).
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate, Reason } from '../source.js';
import { DecayClock } from '../state/decayClock.js';
import type { Interner } from '../state/interner.js';
import type { StatsTable } from '../state/statsTable.js';
import { TopTracker } from '../state/topTracker.js';

// Shared (and frozen) rather than allocated per candidate per request.
const POPULAR_REASON: Reason = Object.freeze({ kind: 'POPULAR', text: 'Popular with everyone lately' });

export class PopularitySource implements CandidateSource {
  readonly name = 'popularity';
  readonly scale = 'relative';
  readonly clock: DecayClock;
  readonly top: TopTracker<number>;
  /** Called with the multiplier when the clock is rebased: others storing values on this clock rescale them. */
  private readonly rescalers: Array<(m: number) => void> = [];

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    /** stats.pop is this source's column: forward-decayed positive weight on its clock. */
    private readonly stats: StatsTable,
  ) {
    this.clock = new DecayClock(config.popularity.halfLifeMs);
    this.top = new TopTracker(config.popularity.topK);
  }

  /** Register state kept on the popularity clock (segment popularity) to be rescaled with it. */
  onRescale(fn: (m: number) => void): void {
    this.rescalers.push(fn);
  }

  /** Forward-decay multiplier for an increment at t, rescaling everything on this clock first when needed. */
  factor(t: number): number {
    let f = this.clock.factor(t);
    if (f === null) {
      const m = this.clock.rebase(t);
      const pop = this.stats.pop;
      for (let i = 0; i < pop.length; i++) pop[i]! *= m;
      this.top.scale(m);
      for (const fn of this.rescalers) fn(m);
      f = this.clock.factor(t)!;
    }
    return f;
  }

  observe(o: Observation): void {
    // The factor first: a rebase rescales stats.pop, which must happen before this item's value is read.
    const pf = this.factor(o.t);
    const st = this.stats;
    st.pop[o.item]! += o.weight * pf;
    this.top.update(o.item, st.pop[o.item]!);
  }

  forgetItem(item: number): void {
    this.top.delete(item);
  }

  clear(): void {
    this.clock.t0 = null;
    this.top.clear();
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    const limit = this.config.candidates.popularity;
    for (const [n, s] of this.top.sorted()) {
      if (out.length >= limit) break;
      const id = this.ids.name(n);
      if (req.accept(id)) out.push({ id, raw: s, reason: POPULAR_REASON });
    }
    return out;
  }
}
