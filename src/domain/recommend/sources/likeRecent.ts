// Like-recent source: how much a candidate resembles what the user chose last. Score-only by default: it rates the
// candidates the other sources proposed (scoreProposed) by the text-vector cosine to each of the user's latest
// positive items, the latest counting most, so among behaviour candidates the ones like the latest picks move up.
import type { Catalogue } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import { recentItemReason } from '../explanations.js';
import type { CandidateRequest, CandidateSource, RecentPositive, ScoredCandidate } from '../source.js';
import { dotF } from '../vectors.js';

interface Anchor {
  recent: RecentPositive;
  vector: Float32Array;
  /** stepDecay^step, step = the item's rank among the recent items (0 the latest). */
  weight: number;
}

export class LikeRecentSource implements CandidateSource {
  readonly name = 'likeRecent';
  /** A decayed cosine in [0, 1], comparable across requests like the content source's. */
  readonly scale = 'absolute';

  constructor(
    private readonly config: RecommendConfig,
    private readonly catalogue: Catalogue,
  ) {}

  /** The recent items with a vector, each with its recency weight (an item without a vector still takes its step). */
  private anchors(req: CandidateRequest): Anchor[] {
    const { recentItems, stepDecay } = this.config.likeRecent;
    const out: Anchor[] = [];
    req.recentPositive.slice(0, recentItems).forEach((recent, step) => {
      const vector = this.catalogue.get(recent.itemId)?.vector;
      if (vector) out.push({ recent, vector, weight: Math.pow(stepDecay, step) });
    });
    return out;
  }

  /** The best weighted match of one item vector (null when no recent item scores above 0). */
  private best(vector: Float32Array, anchors: Anchor[]): { raw: number; anchor: Anchor } | null {
    let best: Anchor | null = null;
    let raw = 0;
    for (const a of anchors) {
      const s = a.weight * dotF(vector, a.vector);
      if (s > raw) {
        raw = s;
        best = a;
      }
    }
    return best && { raw, anchor: best };
  }

  private scoreAll(ids: Iterable<string>, anchors: Anchor[]): ScoredCandidate[] {
    const out: ScoredCandidate[] = [];
    for (const id of ids) {
      const vector = this.catalogue.get(id)?.vector;
      const b = vector ? this.best(vector, anchors) : null;
      if (b) out.push({ id, raw: b.raw, reason: recentItemReason(this.config, this.catalogue, b.anchor.recent) });
    }
    return out;
  }

  /** Candidates of its own only when likeRecent.searchK > 0: the nearest items to each recent item. */
  candidates(req: CandidateRequest): ScoredCandidate[] {
    const k = this.config.likeRecent.searchK;
    if (!(k > 0)) return [];
    const anchors = this.anchors(req);
    if (anchors.length === 0) return [];
    const hits = this.catalogue.index.searchMany(
      anchors.map((a) => ({ vector: a.vector, k })),
      req.accept,
    );
    return this.scoreAll(new Set(hits.flat().map((h) => h.id)), anchors);
  }

  /** Scores for candidates other sources proposed (ids already passed the request's filter). */
  scoreProposed(ids: string[], req: CandidateRequest): ScoredCandidate[] {
    const anchors = this.anchors(req);
    return anchors.length === 0 ? [] : this.scoreAll(ids, anchors);
  }
}
