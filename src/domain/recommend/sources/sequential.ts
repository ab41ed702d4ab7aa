// Sequential source: what users chose next after the user's most recent items (decayed transition counts).
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate } from '../source.js';
import type { Interner } from '../state/interner.js';
import { NeighbourStore } from '../state/neighbourStore.js';
import type { BufferEntry } from '../state/users.js';
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

  /** A transition from the latest buffered item not after this event, when within maxGapMs (not for repeats). */
  observe(o: Observation): void {
    if (o.repeat) return;
    const buf = o.user.buffer;
    const t = o.t;
    let prev: BufferEntry | null = null;
    for (let i = buf.length - 1; i >= 0; i--) {
      if (buf[i]!.t <= t) {
        prev = buf[i]!;
        break;
      }
    }
    if (prev && t - prev.t <= this.config.sequential.maxGapMs) {
      this.transitions.add(prev.item, o.item, o.weight * this.transitions.factor(t));
    }
  }

  forgetItem(item: number): void {
    this.transitions.deleteItem(item);
  }

  clear(): void {
    this.transitions.clear();
  }

  /** Transitions from the most recent items: shrunk P(next | prev), noisy-OR over seeds weighted 1, 1/2, 1/4... */
  candidates(req: CandidateRequest): ScoredCandidate[] {
    if (req.recentPositive.length === 0) return [];
    const { accept, now } = req;
    const acc: NoisyOrAcc = new Map();
    const seeds = req.recentPositive.slice(0, this.config.sequential.seedItems);
    const shrink = this.transitions.clock.storedFor(this.config.sequential.shrinkage, now);
    const names = this.ids.names;
    seeds.forEach((s, rank) => {
      const si = this.ids.get(s.itemId);
      if (si === undefined || !this.transitions.has(si)) return;
      const out = this.transitions.total(si);
      if (!(out > 0)) return;
      const w = Math.pow(0.5, rank);
      this.transitions.forEach(si, (jn, c) => {
        const j = names[jn]!;
        if (!accept(j)) return;
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
