// Sequential source: what users chose next after the user's most recent items (decayed transition counts).
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate } from '../source.js';
import type { Interner } from '../state/interner.js';
import { NeighbourStore } from '../state/neighbourStore.js';
import { noisyOr, type NoisyOrAcc } from './noisyOr.js';

export class SequentialSource implements CandidateSource {
  readonly name = 'sequential';
  readonly scale = 'absolute';
  readonly transitions: NeighbourStore;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
  ) {
    this.transitions = new NeighbourStore(config.sequential.neighboursPerItem, config.sequential.halfLifeMs);
  }

  /**
   * A transition from the latest buffered item not after this event, when within maxGapMs (not for repeats); with
   * skipWindow > 1 also "skip" transitions from the items before it (the d-th latest weighted skipDecay^(d-1)), so
   * P(next | an item a few steps back) is learned too.
   */
  observe(o: Observation): void {
    if (o.repeat) return;
    const buf = o.user.buffer;
    const t = o.t;
    const { maxGapMs, skipWindow, skipDecay } = this.config.sequential;
    let d = 0;
    for (let i = buf.length - 1; i >= 0 && d < Math.max(1, skipWindow); i--) {
      const prev = buf[i]!;
      if (prev.t > t) continue;
      if (t - prev.t > maxGapMs) break;
      this.transitions.add(prev.item, o.item, o.weight * Math.pow(skipDecay, d) * this.transitions.factor(t));
      d++;
    }
  }

  clear(): void {
    this.transitions.clear();
  }

  /** Transitions from the most recent items: shrunk P(next | prev), noisy-OR over seeds weighted 1, d, d^2... (d = seedDecay). */
  candidates(req: CandidateRequest): ScoredCandidate[] {
    if (req.recentPositive.length === 0) return [];
    const { acceptItem, now } = req;
    const acc: NoisyOrAcc = new Map();
    const seeds = req.recentPositive.slice(0, this.config.sequential.seedItems);
    const shrink = this.transitions.clock.storedFor(this.config.sequential.shrinkage, now);
    const names = this.ids.names;
    seeds.forEach((s, rank) => {
      const si = this.ids.get(s.itemId);
      if (si === undefined || !this.transitions.has(si)) return;
      const out = this.transitions.total(si);
      if (!(out > 0)) return;
      const w = Math.pow(this.config.sequential.seedDecay, rank);
      this.transitions.forEach(si, (jn, c) => {
        if (!acceptItem(jn)) return;
        const j = names[jn]!;
        const contrib = Math.min(1, (w * c) / (out + shrink));
        noisyOr(acc, j, contrib, s.itemId);
      });
    });
    return [...acc].map(([id, a]) => ({
      id,
      raw: 1 - a.miss,
      reason: {
        kind: 'NEXT_IN_SEQUENCE',
        itemId: a.seed,
        text: `Often chosen next after ${this.catalogue.title(a.seed)}`,
      },
    }));
  }
}
