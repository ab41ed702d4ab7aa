// Content source: nearest neighbours in the vector index of the user's interest, short-/long-term and
// onboarding vectors; the only personal source of a new user, so its weight rises for cold users.
import type { Catalogue, ModelItem } from '../catalogue.js';
import type { RecommendConfig } from '../config.js';
import type { CandidateRequest, CandidateSource, ScoredCandidate, Reason } from '../source.js';
import { unitOrNull } from '../vectors.js';

export class ContentSource implements CandidateSource {
  readonly name = 'content';
  readonly scale = 'absolute';

  constructor(
    private readonly config: RecommendConfig,
    private readonly catalogue: Catalogue,
  ) {}

  /** weights.content, raised towards content.coldStartContentWeight for users with few events. */
  weight(req: CandidateRequest): number {
    const cfg = this.config;
    const coldness = Math.max(0, 1 - req.signals.eventCount / Math.max(1, cfg.content.coldStartEvents));
    return cfg.weights.content + Math.max(0, cfg.content.coldStartContentWeight - cfg.weights.content) * coldness;
  }

  /** Where the request's weight lies from weights.content (0, a warm user) to the cold-start weight (1). */
  private coldShare(req: CandidateRequest): number {
    const warm = this.config.weights.content;
    const span = this.config.content.coldStartContentWeight - warm;
    return span > 0 ? Math.min(1, Math.max(0, (this.weight(req) - warm) / span)) : 1;
  }

  /**
   * How many of the user's strongest interests are searched: maxInterests at the cold-start weight, warmInterests at
   * weights.content, linear in between (at least one). At a warm user's weight (0.1 against 8 for co-visitation) a
   * content score only nudges what the behaviour sources found; each search is a walk (or a scan) of the whole index.
   */
  interestsSearched(req: CandidateRequest): number {
    const cc = this.config.content;
    const n = Math.round(cc.warmInterests + (cc.maxInterests - cc.warmInterests) * this.coldShare(req));
    return Math.max(1, Math.min(cc.maxInterests, n));
  }

  /**
   * Candidates the searches share: candidates.content at the cold-start weight, content.warmCandidates at
   * weights.content, linear in between. An HNSW walk widens once it asks for more than the index's expansion (128;
   * it asks twice k, for the filter): at 100k items a warm user's interest search at k 100 cost 2.3 ms, at 64 about
   * 1 ms. Fewer (50) left a one-category user without enough other categories to meet the category cap.
   */
  candidateBudget(req: CandidateRequest): number {
    const all = this.config.candidates.content;
    const warm = Math.min(all, this.config.content.warmCandidates);
    return Math.max(1, Math.round(warm + (all - warm) * this.coldShare(req)));
  }

  candidates(req: CandidateRequest): ScoredCandidate[] {
    const { signals, accept } = req;
    const dim = this.catalogue.dim;
    const cc = this.config.content;
    const total = this.candidateBudget(req);
    const queries: Array<{ vector: Float32Array; weight: number; k: number; reason: Reason }> = [];
    const interests = [...signals.interests]
      .filter((i) => i.weight > 0 && i.vector && i.vector.length === dim)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, cc.maxInterests);
    const maxW = interests[0]?.weight ?? 1;
    const sumW = interests.reduce((s, i) => s + i.weight, 0) || 1;
    for (const i of interests.slice(0, this.interestsSearched(req))) {
      queries.push({
        vector: i.vector,
        weight: i.weight / maxW,
        k: Math.max(20, Math.ceil((total * i.weight) / sumW)),
        reason: { kind: 'INTEREST', facet: 'interest', value: i.label, text: `Matches your interest in ${i.label}` },
      });
    }
    const recentVecReason: Reason = { kind: 'SIMILAR_TO_RECENT', text: 'Similar to what you recently interacted with' };
    if (signals.shortTerm && signals.shortTerm.length === dim) {
      const k = Math.ceil(total / 2);
      queries.push({ vector: signals.shortTerm, weight: cc.shortTermWeight, k, reason: recentVecReason });
    }
    if (interests.length === 0 && signals.longTerm && signals.longTerm.length === dim) {
      const k = Math.ceil(total / 2);
      queries.push({ vector: signals.longTerm, weight: cc.longTermWeight, k, reason: recentVecReason });
    }
    if (signals.onboarding && signals.onboarding.length === dim && signals.eventCount < cc.coldStartEvents) {
      const fade = 1 - signals.eventCount / Math.max(1, cc.coldStartEvents);
      queries.push({
        vector: signals.onboarding,
        weight: cc.onboardingWeight * fade,
        k: total,
        reason: { kind: 'ONBOARDING', text: 'Matches what you told us you like' },
      });
    }
    const best = new Map<string, { raw: number; reason: Reason }>();
    const live: Array<{ v: Float32Array; weight: number; k: number; reason: Reason }> = [];
    for (const q of queries) {
      if (!(q.weight > 0)) continue;
      const v = unitOrNull(q.vector, dim);
      if (v) live.push({ v, weight: q.weight, k: q.k, reason: q.reason });
    }
    if (live.length === 0) return [];
    const results = this.catalogue.index.searchMany(
      live.map((q) => ({ vector: q.v, k: q.k })),
      accept,
    );
    for (let qi = 0; qi < live.length; qi++) {
      const q = live[qi]!;
      for (const hit of results[qi]!) {
        const raw = Math.max(0, hit.score) * q.weight;
        const prev = best.get(hit.id);
        if (!prev || raw > prev.raw) best.set(hit.id, { raw, reason: q.reason });
      }
    }
    return [...best].map(([id, b]) => ({ id, raw: b.raw, reason: b.reason }));
  }

  /** Content neighbours of a catalogue item (similarItems); empty when it has no vector. */
  similarTo(item: ModelItem, k: number, accept: (id: string) => boolean): ScoredCandidate[] {
    if (!item.vector) return [];
    const hits = this.catalogue.index.search(item.vector, k + 1, accept);
    return hits.map((h) => ({
      id: h.id,
      raw: Math.max(0, h.score),
      reason: { kind: 'SIMILAR_ITEM', itemId: item.id, text: `Similar to ${item.title}` } as Reason,
    }));
  }
}
