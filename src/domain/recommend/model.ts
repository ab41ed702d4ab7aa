// In-memory recommender facade: composes the catalogue, the candidate sources, blending, diversity, exploration
// and explanations. Pure: no I/O, no clock (callers pass `now`).
import { likingEvidence } from '../behavior.js';
import { hashSeed } from '../hash.js';
import type { BehaviorEvent, ProfileSignals, RecommendationFilter, ScoredRecommendation } from '../types.js';
import { compareEvents } from '../types.js';
import { addScores, addSource, boostFreshItems, rankCandidates, type CandidateMap } from './blend.js';
import { Catalogue, type ModelItem } from './catalogue.js';
import { mergeRecommendConfig, type DeepPartial, type RecommendConfig, type SourceName } from './config.js';
import { categoryCap, mmr, selectPool } from './diversity.js';
import { Explainer } from './explanations.js';
import { explorationSlots, pickExploration, placeExploration } from './exploration.js';
import { mulberry32 } from './random.js';
import { InternedAccept, makeAccept, makeItemFilter, positiveRecent, seedItems } from './request.js';
import type { CandidateRequest, CandidateSource, Observation } from './source.js';
import { ContentSource } from './sources/content.js';
import { CoVisitationSource } from './sources/coVisitation.js';
import { EaseSource, type ItemItemScorer } from './sources/ease.js';
import { EmbeddingSource } from './sources/embedding.js';
import { LikeRecentSource } from './sources/likeRecent.js';
import { PopularitySource } from './sources/popularity.js';
import { SegmentSource } from './sources/segments.js';
import { SequentialSource } from './sources/sequential.js';
import { SimilarUsersSource } from './sources/similarUsers.js';
import { SocialSource } from './sources/social.js';
import { TrendingSource } from './sources/trending.js';
import { Interner } from './state/interner.js';
import { StatsTable } from './state/statsTable.js';
import { findInBuffer, insertBuffer, UserTable } from './state/users.js';
import { valueRerank } from './valueRerank.js';
import type { VectorIndex } from './vectorIndex.js';
import type { ModelState } from './snapshot.js';

export type { ItemItemScorer, ModelItem };

export interface RecommendRequest {
  signals: ProfileSignals;
  first: number;
  filter?: RecommendationFilter;
  now: number;
  /** Share of slots for exploration (default config.explore.share). */
  explore?: number;
  /** Exploration seed (default: hash of config seed, userId and the hour of `now`). */
  seed?: number;
  /** Ablations: a source set to false is skipped. */
  sources?: Partial<Record<SourceName, boolean>>;
  diversity?: { lambda?: number; maxCategoryShare?: number };
}

export interface MemoryStats {
  items: number;
  users: number;
  coVisitationEntries: number;
  transitionEntries: number;
  segments: number;
}

type AttributesOf = (userId: string) => Record<string, unknown> | undefined;

/**
 * One instance per process. Feed it the catalogue (upsertItem / upsertItems) and every behaviour event
 * (observe) in roughly time order; ask it for recommendations and similar items.
 *
 * Rebuild: a fresh model fed the catalogue and then the event log in (occurredAt, seq) order is the
 * rebuild; `rebuild(events)` does exactly that for the behaviour state while keeping the catalogue.
 */
export class RecommenderModel {
  readonly dim: number;
  readonly config: RecommendConfig;
  readonly index: VectorIndex;

  private readonly catalogue: Catalogue;
  /** Behaviour state is keyed by interned ints (cheaper maps, typed arrays). */
  private readonly ids = new Interner();
  private readonly acceptInterned: InternedAccept;
  private readonly stats = new StatsTable();
  private readonly users: UserTable;
  private readonly content: ContentSource;
  private readonly coVisitation: CoVisitationSource;
  private readonly sequential: SequentialSource;
  private readonly segment: SegmentSource;
  private readonly popularity: PopularitySource;
  private readonly trending: TrendingSource;
  private readonly ease: EaseSource;
  private readonly embedding: EmbeddingSource;
  private readonly similarUsers: SimilarUsersSource;
  /** In blend order: candidates are added (and their sums accumulated) in this order. */
  private readonly sources: CandidateSource[];
  private readonly explainer: Explainer;
  /** Latest occurredAt observed (default `now` for similarItems). */
  private lastEventAt = 0;
  /** Most events observed for one item (novelty is read against it). */
  private maxEvents = 0;

  /** `index`: the vector index (src/vectorindex implements the port), empty, of dimension `dim`. */
  constructor(opts: { dim: number; index: VectorIndex; config?: DeepPartial<RecommendConfig> }) {
    this.dim = opts.dim;
    this.config = mergeRecommendConfig(opts.config);
    this.index = opts.index;
    const c = this.config;
    this.catalogue = new Catalogue(opts.dim, opts.index, (id) => this.acceptInterned.forget(id));
    this.acceptInterned = new InternedAccept(this.ids, this.catalogue);
    this.users = new UserTable(() => this.config.users.maxTracked);
    this.content = new ContentSource(c, this.catalogue);
    this.coVisitation = new CoVisitationSource(c, this.ids, this.catalogue);
    this.sequential = new SequentialSource(c, this.ids, this.catalogue);
    const popularity = (this.popularity = new PopularitySource(c, this.ids, this.stats));
    const trending = (this.trending = new TrendingSource(c, this.ids, this.stats, popularity));
    this.segment = new SegmentSource(c, this.ids, this.users, popularity);
    this.ease = new EaseSource(c, this.ids, this.catalogue);
    const social = new SocialSource(c, this.ids, this.users);
    this.embedding = new EmbeddingSource(c, this.ids, this.catalogue, this.coVisitation.store);
    this.sources = [
      this.content,
      this.coVisitation,
      this.sequential,
      popularity,
      trending,
      this.segment,
      this.ease,
      social,
      this.embedding,
      (this.similarUsers = new SimilarUsersSource(c, this.ids, this.catalogue)),
      new LikeRecentSource(c, this.catalogue),
    ];
    this.explainer = new Explainer(c, this.catalogue);
  }

  // ---------------------------------------------------------------- catalogue

  get itemCount(): number {
    return this.catalogue.size;
  }

  getItem(id: string): ModelItem | undefined {
    return this.catalogue.get(id);
  }

  /** Add or replace an item; recommendable at once through its content vector (null vector: behaviour sources only). */
  upsertItem(item: ModelItem): void {
    this.catalogue.upsert(item, this.isArrival);
  }

  /** Bulk upsert (server start, re-embedding): uses the index's bulk build when every id is new to it. */
  upsertItems(items: Iterable<ModelItem>): void {
    this.catalogue.upsertMany(items, this.isArrival);
  }

  /**
   * Start from a saved vector index (a snapshot's): call before loading the catalogue, whose load then adds only the
   * vectors the index lacks; finishIndexRestore() after it. False when the index cannot load it (built as usual).
   */
  restoreIndex(saved: Uint8Array): boolean {
    return this.catalogue.restoreIndex(saved);
  }

  /** Ends restoreIndex: entries for ids no longer in the catalogue (with a vector) are removed; returns how many. */
  finishIndexRestore(): number {
    return this.catalogue.finishIndexRestore();
  }

  /** A new id is a brand-new arrival when behaviour data exists and no event has touched it. */
  private readonly isArrival = (id: string): boolean => {
    const n = this.ids.get(id);
    const touched = n !== undefined && n < this.stats.events.length && this.stats.events[n]! > 0;
    return this.lastEventAt > 0 && !touched;
  };

  /**
   * Remove an item from the catalogue and the index: it is no longer recommended. Behaviour statistics about it
   * stay, as in a model rebuilt from the log (which replays the events about it too): incremental == rebuild, so a
   * snapshot of a live model is one of the rebuild.
   */
  removeItem(id: string): void {
    this.catalogue.remove(id);
  }

  /** Fit EASE on the positive histories observed so far (needs config.ease.enabled) and use it as the `ease` source. */
  fitEase(): void {
    this.ease.fit();
  }

  /** Refit the embedding source's item vectors on the co-visitation counts so far (needs config.embedding.enabled). */
  fitEmbedding(): void {
    this.embedding.fit();
  }

  /** Plug in (or remove) an extra item-item scorer used as the `ease` source. */
  setItemItemScorer(scorer: ItemItemScorer | null): void {
    this.ease.setScorer(scorer);
  }

  /** Remember a user's attributes (for segment popularity) without an event. */
  setUserAttributes(userId: string, attributes: Record<string, unknown>): void {
    const u = this.users.touch(userId);
    u.segments = this.segment.keysOf(attributes);
    u.attributesRef = attributes;
  }

  // ---------------------------------------------------------------- behaviour

  /**
   * Signed liking evidence of an event in [-1, 1] (positive = liking), on the configured rating scale; the polarity
   * stored with a text (BehaviorEvent.opinion) makes a panned review count against its item, as a low rating does.
   */
  likingEvidence(event: Pick<BehaviorEvent, 'type' | 'value' | 'opinion'>): number {
    return likingEvidence(event, this.config.eventWeights, this.config.rating, this.config.opinion);
  }

  /**
   * Apply one behaviour event: exposure/feedback stats, then each source's own state (decayed popularity and
   * trending, segment popularity, co-visitation with the user's recent positive items, the transition from the
   * previous item, EASE histories), then the user's buffer. O(windowItems) per event; tolerant of mildly
   * out-of-order events (pairs use |Δt|, the previous item is the latest one not after the event).
   */
  observe(event: BehaviorEvent, ctx?: { userAttributes?: Record<string, unknown> }): void {
    const user = this.users.touch(event.userId);
    if (ctx?.userAttributes && ctx.userAttributes !== user.attributesRef) {
      user.segments = this.segment.keysOf(ctx.userAttributes);
      user.attributesRef = ctx.userAttributes;
    }
    if (!event.itemId) return;
    const item = this.ids.id(event.itemId);
    this.catalogue.touched(event.itemId);
    const t = event.occurredAt;
    if (t > this.lastEventAt) this.lastEventAt = t;
    const w = this.likingEvidence(event);
    const st = this.stats;
    st.ensure(item);
    if (++st.events[item]! > this.maxEvents) this.maxEvents = st.events[item]!;
    const buf = user.buffer;
    if (w < 0) {
      st.neg[item]!++;
      // Pushing an item away removes it from the user's co-visitation buffer.
      const at = buf.findIndex((b) => b.item === item);
      if (at >= 0) buf.splice(at, 1);
      return;
    }
    if (w === 0) return;
    st.pos[item]!++;
    const existing = findInBuffer(buf, item);
    const o: Observation = { event, item, t, weight: w, user, repeat: existing >= 0 };
    for (const s of this.sources) s.observe?.(o);
    if (existing >= 0) {
      // A repeat: refresh the entry (the sources added no new pairs: avoids inflating counts by re-views).
      const e = buf[existing]!;
      buf.splice(existing, 1);
      insertBuffer(buf, { item, t: Math.max(e.t, t), w: Math.max(e.w, w) });
      return;
    }
    insertBuffer(buf, { item, t, w });
    if (buf.length > this.config.coVisitation.windowItems) buf.shift();
  }

  /** Feed many events (sorted here by occurredAt, seq). */
  observeAll(events: Iterable<BehaviorEvent>, attributesOf?: AttributesOf): void {
    const sorted = [...events].sort(compareEvents);
    for (const e of sorted) this.observe(e, attributesOf ? { userAttributes: attributesOf(e.userId) } : undefined);
  }

  /** Forget all behaviour state (keeps the catalogue and index) and replay `events` in log order. */
  rebuild(events: Iterable<BehaviorEvent>, attributesOf?: AttributesOf): void {
    this.stats.clear();
    for (const s of this.sources) s.clear?.();
    this.users.clear();
    this.lastEventAt = 0;
    this.maxEvents = 0;
    this.catalogue.fresh.clear();
    this.observeAll(events, attributesOf);
  }

  /** The behaviour state as plain arrays (snapshots); the catalogue and index are not part of it. */
  exportState(): ModelState {
    return {
      items: [...this.ids.names],
      stats: this.stats.exportState(),
      lastEventAt: this.lastEventAt,
      maxEvents: this.maxEvents,
      popularity: this.popularity.counts.exportState(),
      trending: this.trending.counts.exportState(),
      coVisitation: this.coVisitation.store.exportState(),
      transitions: this.sequential.transitions.exportState(),
      segments: this.segment.exportState(),
      users: this.users.exportState(),
      ease: this.ease.exportState(),
      similarUsers: this.similarUsers.exportState(),
    };
  }

  /**
   * Takes a snapshot's behaviour state, as if its events had been observed (in a model with no behaviour state yet,
   * with the catalogue loaded, as at start). Users' segments come from their attributes now, as a replay at start
   * derives them.
   */
  importState(state: ModelState, attributesOf: (userId: string) => Record<string, unknown> | undefined): void {
    if (this.ids.size || this.lastEventAt)
      throw new Error('RecommenderModel.importState: the model has behaviour state');
    this.ids.load(state.items);
    this.stats.importState(state.stats);
    this.lastEventAt = state.lastEventAt;
    this.maxEvents = state.maxEvents;
    this.popularity.counts.importState(state.popularity);
    this.trending.counts.importState(state.trending);
    this.coVisitation.store.importState(state.coVisitation);
    this.sequential.transitions.importState(state.transitions);
    this.segment.importState(state.segments);
    this.users.importState(state.users, (userId) => {
      const attributes = attributesOf(userId) ?? {};
      return { attributes, segments: this.segment.keysOf(attributes) };
    });
    this.ease.importState(state.ease);
    this.similarUsers.importState(state.similarUsers);
    // As after a replay at start: items loaded before any event are not brand-new arrivals.
    this.catalogue.fresh.clear();
  }

  /** Events observed about an item (0 when none), and the most about any item: read-time novelty. */
  itemEvents(itemId: string): { events: number; max: number } {
    const n = this.ids.get(itemId);
    const events = n !== undefined && n < this.stats.events.length ? this.stats.events[n]! : 0;
    return { events, max: this.maxEvents };
  }

  /** Rough memory held by behaviour state, in entries (for capacity planning). */
  memoryStats(): MemoryStats {
    return {
      items: this.catalogue.size,
      users: this.users.size,
      coVisitationEntries: this.coVisitation.store.entryCount,
      transitionEntries: this.sequential.transitions.entryCount,
      segments: this.segment.size,
    };
  }

  // ---------------------------------------------------------------- recommend

  recommend(req: RecommendRequest): ScoredRecommendation[] {
    const first = Math.max(0, Math.floor(req.first));
    if (first === 0 || this.catalogue.size === 0) return [];
    const { signals, now } = req;
    const cfg = this.config;
    const on = (s: SourceName) => req.sources?.[s] !== false;
    const recentPositive = positiveRecent(signals, cfg.recentRatings);
    const passes = makeItemFilter(signals, req.filter);
    const ctx: CandidateRequest = {
      signals,
      now,
      accept: makeAccept(this.catalogue, passes),
      acceptItem: this.acceptInterned.begin(passes),
      recentPositive,
      seeds: seedItems(recentPositive, cfg.coVisitation.seedItems),
    };

    const cands: CandidateMap = new Map();
    const scorers: Array<{ s: CandidateSource; weight: number }> = [];
    for (const s of this.sources) {
      if (!on(s.name)) continue;
      // A source with no weight adds nothing to the blend: its candidates are not computed at all.
      const weight = s.weight?.(ctx) ?? cfg.weights[s.name];
      if (!(weight > 0)) continue;
      addSource(cands, cfg, s.name, s.candidates(ctx), s.scale === 'absolute', weight);
      if (s.scoreProposed) scorers.push({ s, weight });
    }
    // Scoring sources judge what every source proposed, so they run once all have (in source order, after them).
    for (const { s, weight } of scorers) {
      const ids: string[] = [];
      for (const c of cands.values()) if (!c.parts.has(s.name)) ids.push(c.id);
      addScores(cands, cfg, s.name, s.scoreProposed!(ids, ctx), s.scale === 'absolute', weight);
    }
    const boost = cfg.content.coldItemBoost * cfg.weights.collaborative;
    if (boost > 0 && on('collaborative') && this.catalogue.fresh.size > 0) {
      boostFreshItems(cands, this.catalogue.fresh, boost, this.content.weight(ctx));
    }
    // Among comparable candidates, cheaper first for a price-sensitive user (off when the facet is weak).
    const ranked = valueRerank(rankCandidates(cands), signals, this.catalogue, cfg.value);

    const share = Math.max(0, Math.min(1, req.explore ?? cfg.explore.share));
    const seed = req.seed ?? hashSeed(cfg.explore.seed, signals.userId, Math.floor(now / 3_600_000));
    const rand = mulberry32(seed);
    const nExplore = explorationSlots(first, share, rand);

    const lambda = req.diversity?.lambda ?? cfg.diversity.lambda;
    const perCategory = categoryCap(first, req.diversity?.maxCategoryShare ?? cfg.diversity.maxCategoryShare);
    const catCount = new Map<string, number>();
    const pool = selectPool(ranked, first, perCategory, cfg.diversity, this.catalogue);
    const main = mmr(pool, first - nExplore, lambda, perCategory, catCount, this.catalogue);
    let explored: typeof main = [];
    if (nExplore > 0) {
      const chosen = new Set(main.map((c) => c.id));
      const ectx = { config: cfg.explore, catalogue: this.catalogue, ids: this.ids, stats: this.stats };
      explored = pickExploration(ectx, ranked, chosen, ctx.accept, nExplore, perCategory, catCount, rand);
    }
    return placeExploration(main, explored, rand).map(({ c, exploration }) => ({
      itemId: c.id,
      score: c.total,
      reasons: this.explainer.explain(c, signals, recentPositive, exploration),
    }));
  }

  // ---------------------------------------------------------------- similar items

  /**
   * Items like `itemId`: content neighbours blended with co-visitation neighbours (`now` defaults to the latest
   * event time).
   */
  similarItems(itemId: string, first: number, now?: number): ScoredRecommendation[] {
    const item = this.catalogue.get(itemId);
    first = Math.max(0, Math.floor(first));
    if (!item || first === 0) return [];
    const other = (id: string) => id !== itemId;
    now ??= this.lastEventAt;
    const cands: CandidateMap = new Map();
    const k = Math.max(first * 3, 30);
    addSource(cands, this.config, 'content', this.content.similarTo(item, k, makeAccept(this.catalogue, other)), true);
    const covisited = this.coVisitation.neighbours([{ itemId, weight: 1 }], this.acceptInterned.begin(other), now);
    addSource(cands, this.config, 'collaborative', covisited, true);
    return rankCandidates(cands)
      .slice(0, first)
      .map((c) => ({ itemId: c.id, score: c.total, reasons: this.explainer.similarItemReasons(c) }));
  }
}
