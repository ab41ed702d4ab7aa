// EASE source: an item-item model (fitted by ../ease.ts from users' positive item sets, or plugged in) scoring
// the user's whole known history.
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import { fitEase } from '../ease.js';
import type { CandidateRequest, CandidateSource, Observation, ScoredCandidate, Reason } from '../source.js';
import type { Interner } from '../state/interner.js';

/** An item-item scorer (e.g. a fitted EASE model): item -> scored neighbours. */
export interface ItemItemScorer {
  /** Scores for candidate items given the user's weighted seed items; at most `limit` results. */
  score(
    seeds: Array<{ itemId: string; weight: number }>,
    limit: number,
  ): Array<{ itemId: string; score: number; seedItemId: string }>;
}

export interface EaseState {
  users: string[];
  sizes: Int32Array;
  items: Int32Array;
}

export class EaseSource implements CandidateSource {
  readonly name = 'ease';
  readonly scale = 'relative';
  private scorer: ItemItemScorer | null = null;
  /** Positive item sets per user, kept only when config.ease.enabled (the EASE training data). */
  private readonly histories = new Map<string, Set<number>>();
  private fitted = false;

  constructor(
    private readonly config: RecommendConfig,
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
  ) {}

  observe(o: Observation): void {
    if (!this.config.ease.enabled) return;
    const userId = o.event.userId;
    let h = this.histories.get(userId);
    if (!h) this.histories.set(userId, (h = new Set()));
    h.add(o.item);
  }

  /** Fit EASE on the positive histories observed so far and use it as the scorer. */
  fit(): void {
    const names = this.ids.names;
    const { lambda, maxItems, neighbours } = this.config.ease;
    const histories = [...this.histories.values()].map((h) => [...h].map((i) => names[i]!));
    this.scorer = fitEase(histories, { lambda, maxItems, neighbours });
    this.fitted = true;
  }

  /** Plug in (or remove) the scorer. */
  setScorer(scorer: ItemItemScorer | null): void {
    this.scorer = scorer;
  }

  /** The positive item sets per user (empty unless config.ease.enabled), users in insertion order. */
  exportState(): EaseState {
    const users = [...this.histories.keys()];
    const sizes = Int32Array.from(users, (u) => this.histories.get(u)!.size);
    const items = Int32Array.from([...this.histories.values()].flatMap((h) => [...h]));
    return { users, sizes, items };
  }

  /** Takes a snapshot's histories; a scorer fitted before is dropped (the next request fits, as after a rebuild). */
  importState(s: EaseState): void {
    this.clear();
    let at = 0;
    s.users.forEach((u, i) => this.histories.set(u, new Set(s.items.subarray(at, (at += s.sizes[i]!)))));
  }

  /** Forget the histories, and a scorer fitted from them (a plugged-in one stays). */
  clear(): void {
    this.histories.clear();
    if (this.fitted) {
      this.scorer = null;
      this.fitted = false;
    }
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    // The first request after events fits once (config.ease.enabled); later refits are explicit (fit()).
    if (this.config.ease.enabled && !this.fitted && this.histories.size > 0) this.fit();
    if (!this.scorer || req.seeds.length === 0) return [];
    // EASE scores the whole known history (consumed items) plus the recent positive ones.
    const history = new Map<string, number>();
    for (const id of req.signals.consumed) history.set(id, 1);
    for (const r of req.recentPositive) history.set(r.itemId, 1);
    return this.scorer
      .score(
        [...history].map(([itemId, weight]) => ({ itemId, weight })),
        this.config.candidates.ease * 2,
      )
      .filter((s) => req.accept(s.itemId))
      .map((s) => ({
        id: s.itemId,
        raw: s.score,
        reason: {
          kind: 'ALSO_LIKED',
          itemId: s.seedItemId,
          text: `People who liked ${this.catalogue.title(s.seedItemId)} also liked this`,
        } as Reason,
      }));
  }
}
