// Co-visitation ("collaborative") source: items liked by the same users within a time window, as a shrunk
// cosine of decayed co-occurrence counts, combined over the user's seed items by noisy-OR.
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate } from '../source.js';
import type { Interner } from '../state/interner.js';
import { NeighbourStore } from '../state/neighbourStore.js';
import { noisyOr, type NoisyOrAcc } from './noisyOr.js';

export class CoVisitationSource implements CandidateSource {
  readonly name = 'collaborative';
  readonly scale = 'absolute';
  readonly store: NeighbourStore;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
  ) {
    this.store = new NeighbourStore(config.coVisitation.neighboursPerItem, config.coVisitation.halfLifeMs);
  }

  /** A new positive item co-occurs with each buffered item of the user within windowMs (repeats add nothing). */
  observe(o: Observation): void {
    if (o.repeat) return;
    const cv = this.config.coVisitation;
    const cf = this.store.factor(o.t);
    for (const b of o.user.buffer) {
      if (Math.abs(o.t - b.t) > cv.windowMs) continue;
      const inc = Math.min(o.weight, b.w) * cf;
      this.store.add(b.item, o.item, inc);
      this.store.add(o.item, b.item, inc);
    }
  }

  clear(): void {
    this.store.clear();
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    if (req.seeds.length === 0) return [];
    return this.neighbours(req.seeds, req.acceptItem, req.now);
  }

  /**
   * Co-visitation neighbours of the seed items. Per pair: shrunk cosine co / (sqrt(n_i n_j) + shrinkage);
   * over seeds: noisy-OR of (seed weight / max seed weight) * sim, so the score stays in [0, 1] and grows
   * with independent evidence. `acceptItem` filters on interned ids.
   */
  neighbours(
    seeds: Array<{ itemId: string; weight: number }>,
    acceptItem: (item: number) => boolean,
    now: number,
  ): ScoredCandidate[] {
    const acc: NoisyOrAcc = new Map();
    const covis = this.store;
    const shrink = covis.clock.storedFor(this.config.coVisitation.shrinkage, now);
    const wMax = seeds.reduce((m, s) => Math.max(m, s.weight), 0) || 1;
    const names = this.ids.names;
    for (const s of seeds) {
      const si = this.ids.get(s.itemId);
      if (si === undefined || !covis.has(si)) continue;
      const ni = covis.total(si);
      covis.forEach(si, (jn, co) => {
        if (!acceptItem(jn)) return;
        const j = names[jn]!;
        const nj = covis.total(jn);
        const sim = Math.min(1, co / (Math.sqrt(ni * nj) + shrink));
        const contrib = (s.weight / wMax) * sim;
        noisyOr(acc, j, contrib, s.itemId);
      });
    }
    return [...acc].map(([id, a]) => ({
      id,
      raw: 1 - a.miss,
      reason: {
        kind: 'ALSO_LIKED',
        itemId: a.seed,
        text: `People who liked ${this.catalogue.title(a.seed)} also liked this`,
      },
    }));
  }
}
