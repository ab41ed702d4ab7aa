// In-memory recommender: candidate sources, blending, filters, MMR diversity, category cap, exploration,
// explanations. Pure: no I/O, no clock (callers pass `now`).
import type {
  BehaviorEvent,
  BehaviorType,
  ItemFeatures,
  ProfileSignals,
  Reason,
  RecommendationFilter,
  ScoredRecommendation,
} from '../types.js';
import { compareEvents } from '../types.js';
import { likingEvidence } from '../behavior.js';
import {
  mergeRecommendConfig,
  type DeepPartial,
  type RecommendConfig,
  type SourceName,
} from './config.js';
import { fitEase } from './ease.js';
import { hashSeed } from '../hash.js';
import { mulberry32, sampleBeta } from './random.js';
import type { VectorIndex } from './vectorIndex.js';
import { DecayClock } from './state/decayClock.js';
import { Interner } from './state/interner.js';
import { NeighbourStore } from './state/neighbourStore.js';
import { pruneRow } from './state/pruneRow.js';
import { StatsTable } from './state/statsTable.js';
import { TopTracker } from './state/topTracker.js';

// Reasons without per-item evidence are shared (and frozen) rather than allocated per candidate per request.
const POPULAR_REASON: Reason = Object.freeze({ kind: 'POPULAR', text: 'Popular with everyone lately' });
const TRENDING_REASON: Reason = Object.freeze({ kind: 'TRENDING', text: 'Trending now' });

export type ModelItem = ItemFeatures & { vector: Float32Array | null };

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

/** Optional extra candidate source (e.g. a fitted EASE model): item -> scored neighbours. */
export interface ItemItemScorer {
  /** Scores for candidate items given the user's weighted seed items; at most `limit` results. */
  score(seeds: Array<{ itemId: string; weight: number }>, limit: number): Array<{ itemId: string; score: number; seedItemId: string }>;
}

interface BufferEntry {
  /** Interned item id. */
  item: number;
  t: number;
  w: number;
}

interface UserState {
  /** Positive interactions, sorted by time ascending, at most windowItems. */
  buffer: BufferEntry[];
  segments: string[] | null;
  /** The attributes object the segments were derived from (skips re-deriving for the same object). */
  attributesRef: Record<string, unknown> | null;
}

interface Candidate {
  id: string;
  total: number;
  /** Weighted contribution per source. */
  parts: Map<SourceName, { contribution: number; reason: Reason }>;
}

function dotF(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

function unitOrNull(v: Float32Array | null, dim: number): Float32Array | null {
  if (!v || v.length !== dim) return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n === 0 || !Number.isFinite(n)) return null;
  if (Math.abs(n - 1) < 1e-4) return v;
  const s = 1 / Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}

/**
 * One instance per process. Feed it the catalogue (upsertItem / upsertItems) and every behaviour event
 * (observe) in roughly time order; ask it for recommendations and similar items.
 *
 * Rebuild: a fresh model fed the catalogue and then the event log in (occurredAt, seq) order is the
 * rebuild; `rebuild(events)` does exactly that for the behaviour state while keeping the catalogue.
 */
/** Noisy-OR accumulation of evidence from several seed items; remembers the strongest seed for the reason. */
function noisyOr(acc: Map<string, { miss: number; seed: string; best: number }>, id: string, contrib: number, seed: string): void {
  const a = acc.get(id);
  if (!a) acc.set(id, { miss: 1 - contrib, seed, best: contrib });
  else {
    a.miss *= 1 - contrib;
    if (contrib > a.best) {
      a.best = contrib;
      a.seed = seed;
    }
  }
}

export class RecommenderModel {
  readonly dim: number;
  readonly config: RecommendConfig;
  readonly index: VectorIndex;

  private readonly items = new Map<string, ModelItem>();
  /** Dense list of item ids for O(1) random sampling (swap-remove). */
  private readonly itemIds: string[] = [];
  private readonly itemSlot = new Map<string, number>();

  /** Behaviour state is keyed by interned ints (cheaper maps, typed arrays). */
  private readonly ids = new Interner();
  private readonly stats = new StatsTable();
  private readonly popClock: DecayClock;
  private readonly trendClock: DecayClock;
  private readonly popular: TopTracker<number>;
  private readonly trending: TopTracker<number>;
  private readonly covis: NeighbourStore;
  private readonly transitions: NeighbourStore;
  /** Segment "key=value" -> item -> forward-decayed weight (popularity clock), bounded per segment. */
  private readonly segments = new Map<string, Map<number, number>>();
  private readonly users = new Map<string, UserState>();
  private extraScorer: ItemItemScorer | null = null;
  /** Positive item sets per user, kept only when config.ease.enabled (the EASE training data). */
  private readonly histories = new Map<string, Set<number>>();
  private easeFitted = false;
  /** Items upserted after behaviour data existed and not touched since: brand-new arrivals (cold-item boost). */
  private readonly freshItems = new Set<string>();
  /** Latest occurredAt observed (default `now` for similarItems). */
  private lastEventAt = 0;

  /** `index`: the vector index (src/vectorindex implements the port), empty, of dimension `dim`. */
  constructor(opts: { dim: number; index: VectorIndex; config?: DeepPartial<RecommendConfig> }) {
    this.dim = opts.dim;
    this.config = mergeRecommendConfig(opts.config);
    this.index = opts.index;
    if (this.index.dim !== opts.dim) throw new Error(`RecommenderModel: index dim ${this.index.dim} != ${opts.dim}`);
    const c = this.config;
    this.popClock = new DecayClock(c.popularity.halfLifeMs);
    this.trendClock = new DecayClock(c.popularity.trendingHalfLifeMs);
    this.popular = new TopTracker(c.popularity.topK);
    this.trending = new TopTracker(c.popularity.topK);
    this.covis = new NeighbourStore(c.coVisitation.neighboursPerItem, c.coVisitation.halfLifeMs);
    this.transitions = new NeighbourStore(c.sequential.neighboursPerItem, c.sequential.halfLifeMs);
  }

  // ---------------------------------------------------------------- catalogue

  get itemCount(): number {
    return this.items.size;
  }

  getItem(id: string): ModelItem | undefined {
    return this.items.get(id);
  }

  /** Add or replace an item; recommendable at once through its content vector (null vector: behaviour sources only). */
  upsertItem(item: ModelItem): void {
    const vector = unitOrNull(item.vector, this.dim);
    this.putItem(item, vector);
    if (vector) this.index.upsert(item.id, vector);
    else this.index.remove(item.id);
  }

  /** Bulk upsert (server start, re-embedding): uses the index's multi-threaded bulk build when it has one. */
  upsertItems(items: Iterable<ModelItem>): void {
    const batch: Array<[string, Float32Array]> = [];
    for (const item of items) {
      const vector = unitOrNull(item.vector, this.dim);
      this.putItem(item, vector);
      if (vector) batch.push([item.id, vector]);
      else this.index.remove(item.id);
    }
    if (batch.every(([id]) => !this.index.has(id))) this.index.addMany(batch);
    else for (const [id, v] of batch) this.index.upsert(id, v);
  }

  private putItem(item: ModelItem, vector: Float32Array | null): void {
    const { id } = item;
    if (!this.itemSlot.has(id)) {
      const n = this.ids.get(id);
      const touched = n !== undefined && n < this.stats.events.length && this.stats.events[n]! > 0;
      if (this.lastEventAt > 0 && !touched) this.freshItems.add(id);
      this.itemSlot.set(id, this.itemIds.length);
      this.itemIds.push(id);
    }
    this.items.set(id, { id, title: item.title, category: item.category, tags: item.tags, brand: item.brand, price: item.price, vector });
  }

  /** Remove an item from the catalogue and the index; behaviour statistics about it are dropped lazily. */
  removeItem(id: string): void {
    if (!this.items.delete(id)) return;
    this.index.remove(id);
    const slot = this.itemSlot.get(id)!;
    const last = this.itemIds.pop()!;
    if (last !== id) {
      this.itemIds[slot] = last;
      this.itemSlot.set(last, slot);
    }
    this.itemSlot.delete(id);
    this.freshItems.delete(id);
    const n = this.ids.get(id);
    if (n !== undefined) {
      this.covis.deleteItem(n);
      this.transitions.deleteItem(n);
      this.popular.delete(n);
      this.trending.delete(n);
      this.stats.reset(n);
    }
    if (this.index.needsRebuild()) this.index.rebuild(this.vectorEntries());
  }

  private *vectorEntries(): IterableIterator<[string, Float32Array]> {
    for (const item of this.items.values()) if (item.vector) yield [item.id, item.vector];
  }

  /** Fit EASE on the positive histories observed so far (needs config.ease.enabled) and use it as the `ease` source. */
  fitEase(): void {
    const names = this.ids.names;
    const { lambda, maxItems, neighbours } = this.config.ease;
    const histories = [...this.histories.values()].map((h) => [...h].map((i) => names[i]!));
    this.extraScorer = fitEase(histories, { lambda, maxItems, neighbours });
    this.easeFitted = true;
  }

  /** Plug in (or remove) an extra item-item scorer used as the `ease` source. */
  setItemItemScorer(scorer: ItemItemScorer | null): void {
    this.extraScorer = scorer;
  }

  /** Remember a user's attributes (for segment popularity) without an event. */
  setUserAttributes(userId: string, attributes: Record<string, unknown>): void {
    const u = this.userState(userId);
    u.segments = this.segmentKeys(attributes);
    u.attributesRef = attributes;
  }

  // ---------------------------------------------------------------- behaviour

  /** Signed liking evidence of an event in [-1, 1] (positive = liking). */
  likingEvidence(event: Pick<BehaviorEvent, 'type' | 'value'>): number {
    return likingEvidence(event, this.config.eventWeights, this.config.rating);
  }

  private userState(userId: string): UserState {
    let u = this.users.get(userId);
    if (u) {
      // LRU touch: re-insert at the end.
      this.users.delete(userId);
      this.users.set(userId, u);
      return u;
    }
    u = { buffer: [], segments: null, attributesRef: null };
    this.users.set(userId, u);
    if (this.users.size > this.config.users.maxTracked) {
      const oldest = this.users.keys().next().value as string;
      this.users.delete(oldest);
    }
    return u;
  }

  private segmentKeys(attributes: Record<string, unknown> | undefined): string[] | null {
    if (!attributes) return null;
    const keys: string[] = [];
    const bucket = this.config.segment.numericBucket;
    const push = (k: string, v: unknown) => {
      let s: string | null = null;
      if (typeof v === 'string') s = v.trim();
      else if (typeof v === 'boolean') s = String(v);
      else if (typeof v === 'number' && Number.isFinite(v)) s = String(bucket > 0 ? Math.floor(v / bucket) * bucket : v);
      if (s && s.length <= 64 && k.length <= 64) keys.push(`${k}=${s}`);
    };
    for (const [k, v] of Object.entries(attributes)) {
      if (Array.isArray(v)) for (const x of v.slice(0, 10)) push(k, x);
      else push(k, v);
    }
    return keys;
  }

  private popFactor(t: number): number {
    let f = this.popClock.factor(t);
    if (f === null) {
      const m = this.popClock.rebase(t);
      const pop = this.stats.pop;
      for (let i = 0; i < pop.length; i++) pop[i]! *= m;
      this.popular.scale(m);
      for (const seg of this.segments.values()) for (const [k, v] of seg) seg.set(k, v * m);
      f = this.popClock.factor(t)!;
    }
    return f;
  }

  private trendFactor(t: number): number {
    let f = this.trendClock.factor(t);
    if (f === null) {
      const m = this.trendClock.rebase(t);
      const trend = this.stats.trend;
      for (let i = 0; i < trend.length; i++) trend[i]! *= m;
      this.trending.scale(m);
      f = this.trendClock.factor(t)!;
    }
    return f;
  }

  /**
   * Apply one behaviour event: exposure/feedback stats, decayed popularity and trending, segment popularity,
   * co-visitation with the user's recent positive items and the transition from the previous item.
   * O(windowItems) per event; tolerant of mildly out-of-order events (pairs use |Δt|, the previous item is
   * the latest one not after the event).
   */
  observe(event: BehaviorEvent, ctx?: { userAttributes?: Record<string, unknown> }): void {
    const user = this.userState(event.userId);
    if (ctx?.userAttributes && ctx.userAttributes !== user.attributesRef) {
      user.segments = this.segmentKeys(ctx.userAttributes);
      user.attributesRef = ctx.userAttributes;
    }
    if (!event.itemId) return;
    const item = this.ids.id(event.itemId);
    if (this.freshItems.size) this.freshItems.delete(event.itemId);
    const t = event.occurredAt;
    if (t > this.lastEventAt) this.lastEventAt = t;
    const w = this.likingEvidence(event);
    const st = this.stats;
    st.ensure(item);
    st.events[item]!++;
    if (w < 0) {
      st.neg[item]!++;
      // Pushing an item away removes it from the user's co-visitation buffer.
      const at = user.buffer.findIndex((b) => b.item === item);
      if (at >= 0) user.buffer.splice(at, 1);
      return;
    }
    if (w === 0) return;
    st.pos[item]!++;
    if (this.config.ease.enabled) {
      let h = this.histories.get(event.userId);
      if (!h) this.histories.set(event.userId, (h = new Set()));
      h.add(item);
    }

    const pf = this.popFactor(t);
    st.pop[item]! += w * pf;
    this.popular.update(item, st.pop[item]!);
    st.trend[item]! += w * this.trendFactor(t);
    this.trending.update(item, st.trend[item]!);
    if (user.segments) {
      const cap = this.config.segment.itemsPerSegment;
      for (const key of user.segments) {
        let seg = this.segments.get(key);
        if (!seg) {
          if (this.segments.size >= this.config.segment.maxSegments) continue;
          seg = new Map();
          this.segments.set(key, seg);
        }
        seg.set(item, (seg.get(item) ?? 0) + w * pf);
        if (seg.size > 2 * cap) pruneRow(seg, cap);
      }
    }

    const buf = user.buffer;
    let existing = -1;
    for (let i = 0; i < buf.length; i++) if (buf[i]!.item === item) existing = i;
    if (existing >= 0) {
      // A repeat: refresh the entry, no new pairs (avoids inflating counts by re-views).
      const e = buf[existing]!;
      buf.splice(existing, 1);
      this.insertBuffer(buf, { item, t: Math.max(e.t, t), w: Math.max(e.w, w) });
      return;
    }

    const cv = this.config.coVisitation;
    const cf = this.covis.factor(t);
    for (const b of buf) {
      if (Math.abs(t - b.t) > cv.windowMs) continue;
      const inc = Math.min(w, b.w) * cf;
      this.covis.add(b.item, item, inc);
      this.covis.add(item, b.item, inc);
    }

    // Transition from the latest buffered item not after this event.
    let prev: BufferEntry | null = null;
    for (let i = buf.length - 1; i >= 0; i--) {
      if (buf[i]!.t <= t) {
        prev = buf[i]!;
        break;
      }
    }
    if (prev && t - prev.t <= this.config.sequential.maxGapMs) {
      this.transitions.add(prev.item, item, w * this.transitions.factor(t));
    }

    this.insertBuffer(buf, { item, t, w });
    if (buf.length > cv.windowItems) buf.shift();
  }

  private insertBuffer(buf: BufferEntry[], e: BufferEntry): void {
    let i = buf.length;
    while (i > 0 && buf[i - 1]!.t > e.t) i--;
    buf.splice(i, 0, e);
  }

  /** Feed many events (sorted here by occurredAt, seq). */
  observeAll(events: Iterable<BehaviorEvent>, attributesOf?: (userId: string) => Record<string, unknown> | undefined): void {
    const sorted = [...events].sort(compareEvents);
    for (const e of sorted) this.observe(e, attributesOf ? { userAttributes: attributesOf(e.userId) } : undefined);
  }

  /** Forget all behaviour state (keeps the catalogue and index) and replay `events` in log order. */
  rebuild(events: Iterable<BehaviorEvent>, attributesOf?: (userId: string) => Record<string, unknown> | undefined): void {
    this.stats.clear();
    this.popClock.t0 = null;
    this.trendClock.t0 = null;
    this.popular.clear();
    this.trending.clear();
    this.covis.clear();
    this.transitions.clear();
    this.segments.clear();
    this.users.clear();
    this.lastEventAt = 0;
    this.freshItems.clear();
    this.histories.clear();
    if (this.easeFitted) {
      this.extraScorer = null;
      this.easeFitted = false;
    }
    this.observeAll(events, attributesOf);
  }

  /** Rough memory held by behaviour state, in entries (for capacity planning). */
  memoryStats(): { items: number; users: number; coVisitationEntries: number; transitionEntries: number; segments: number } {
    return {
      items: this.items.size,
      users: this.users.size,
      coVisitationEntries: this.covis.entryCount,
      transitionEntries: this.transitions.entryCount,
      segments: this.segments.size,
    };
  }

  // ---------------------------------------------------------------- scoring helpers

  private title(id: string): string {
    return this.items.get(id)?.title ?? id;
  }

  private verb(type: BehaviorType): string {
    return this.config.reasonVerbs[type] ?? this.config.defaultVerb;
  }

  private makeAccept(signals: ProfileSignals, filter: RecommendationFilter | undefined): (id: string) => boolean {
    const cats = filter?.categories?.length ? new Set(filter.categories) : null;
    const excludeCats = filter?.excludeCategories?.length ? new Set(filter.excludeCategories) : null;
    const excludeIds = filter?.excludeItemIds?.length ? new Set(filter.excludeItemIds) : null;
    const priceMin = filter?.priceMin ?? null;
    const priceMax = filter?.priceMax ?? null;
    const { consumed, rejected } = signals;
    return (id: string) => {
      const item = this.items.get(id);
      if (!item) return false;
      if (consumed.has(id) || rejected.has(id)) return false;
      if (excludeIds?.has(id)) return false;
      if (cats && (item.category === null || !cats.has(item.category))) return false;
      if (excludeCats && item.category !== null && excludeCats.has(item.category)) return false;
      if (priceMin !== null && (item.price === null || item.price < priceMin)) return false;
      if (priceMax !== null && (item.price === null || item.price > priceMax)) return false;
      return true;
    };
  }

  private addSource(
    cands: Map<string, Candidate>,
    source: SourceName,
    scored: Array<{ id: string; raw: number; reason: Reason }>,
    absolute = false,
    weightOverride?: number,
  ): void {
    if (scored.length === 0) return;
    const weight = weightOverride ?? this.config.weights[source];
    if (!(weight > 0)) return;
    // Ties by id: which candidates make the limit must not depend on the order the model's maps were filled in.
    scored.sort((a, b) => b.raw - a.raw || (a.id < b.id ? -1 : 1));
    const limit = Math.min(scored.length, this.config.candidates[source]);
    const max = scored[0]!.raw;
    if (!(max > 0)) return;
    for (let r = 0; r < limit; r++) {
      const s = scored[r]!;
      if (!(s.raw > 0)) break;
      const mode = this.config.normalization;
      const norm = mode === 'rank' ? 1 - r / limit : mode === 'calibrated' && absolute ? Math.min(1, s.raw) : s.raw / max;
      const contribution = weight * norm;
      let c = cands.get(s.id);
      if (!c) {
        c = { id: s.id, total: 0, parts: new Map() };
        cands.set(s.id, c);
      }
      c.total += contribution;
      c.parts.set(source, { contribution, reason: s.reason });
    }
  }

  private positiveRecent(signals: ProfileSignals): Array<{ itemId: string; type: BehaviorType; weight: number }> {
    const seen = new Set<string>();
    const out: Array<{ itemId: string; type: BehaviorType; weight: number }> = [];
    for (const r of signals.recent) {
      if (r.weight <= 0 || seen.has(r.itemId) || signals.rejected.has(r.itemId)) continue;
      seen.add(r.itemId);
      out.push({ itemId: r.itemId, type: r.type, weight: r.weight });
    }
    return out;
  }

  private contentCandidates(signals: ProfileSignals, accept: (id: string) => boolean): Array<{ id: string; raw: number; reason: Reason }> {
    const cc = this.config.content;
    const total = this.config.candidates.content;
    const queries: Array<{ vector: Float32Array; weight: number; k: number; reason: Reason }> = [];
    const interests = [...signals.interests]
      .filter((i) => i.weight > 0 && i.vector && i.vector.length === this.dim)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, cc.maxInterests);
    const maxW = interests[0]?.weight ?? 1;
    const sumW = interests.reduce((s, i) => s + i.weight, 0) || 1;
    for (const i of interests) {
      queries.push({
        vector: i.vector,
        weight: i.weight / maxW,
        k: Math.max(20, Math.ceil((total * i.weight) / sumW)),
        reason: { kind: 'INTEREST', facet: 'interest', value: i.label, text: `Matches your interest in ${i.label}` },
      });
    }
    const recentVecReason: Reason = { kind: 'SIMILAR_TO_RECENT', text: 'Similar to what you recently interacted with' };
    if (signals.shortTerm && signals.shortTerm.length === this.dim) {
      queries.push({ vector: signals.shortTerm, weight: cc.shortTermWeight, k: Math.ceil(total / 2), reason: recentVecReason });
    }
    if (interests.length === 0 && signals.longTerm && signals.longTerm.length === this.dim) {
      queries.push({ vector: signals.longTerm, weight: cc.longTermWeight, k: Math.ceil(total / 2), reason: recentVecReason });
    }
    if (signals.onboarding && signals.onboarding.length === this.dim && signals.eventCount < cc.coldStartEvents) {
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
      const v = unitOrNull(q.vector, this.dim);
      if (v) live.push({ v, weight: q.weight, k: q.k, reason: q.reason });
    }
    if (live.length === 0) return [];
    const results = this.index.searchMany(live.map((q) => ({ vector: q.v, k: q.k })), accept);
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

  /**
   * Co-visitation neighbours of the seed items. Per pair: shrunk cosine co / (sqrt(n_i n_j) + shrinkage);
   * over seeds: noisy-OR of (seed weight / max seed weight) * sim, so the score stays in [0, 1] and grows
   * with independent evidence.
   */
  private collaborativeCandidates(
    seeds: Array<{ itemId: string; weight: number }>,
    accept: (id: string) => boolean,
    now: number,
  ): Array<{ id: string; raw: number; reason: Reason }> {
    const acc = new Map<string, { miss: number; seed: string; best: number }>();
    const shrink = this.covis.clock.storedFor(this.config.coVisitation.shrinkage, now);
    const wMax = seeds.reduce((m, s) => Math.max(m, s.weight), 0) || 1;
    const names = this.ids.names;
    for (const s of seeds) {
      const si = this.ids.get(s.itemId);
      if (si === undefined || !this.covis.has(si)) continue;
      const ni = this.covis.total(si);
      this.covis.forEach(si, (jn, co) => {
        const j = names[jn]!;
        if (!accept(j)) return;
        const nj = this.covis.total(jn);
        const sim = Math.min(1, co / (Math.sqrt(ni * nj) + shrink));
        const contrib = (s.weight / wMax) * sim;
        noisyOr(acc, j, contrib, s.itemId);
      });
    }
    return [...acc].map(([id, a]) => ({
      id,
      raw: 1 - a.miss,
      reason: { kind: 'ALSO_LIKED', itemId: a.seed, text: `People who liked ${this.title(a.seed)} also liked this` },
    }));
  }

  /** Transitions from the most recent items: shrunk P(next | prev), noisy-OR over seeds weighted 1, 1/2, 1/4... */
  private sequentialCandidates(
    signals: ProfileSignals,
    accept: (id: string) => boolean,
    now: number,
  ): Array<{ id: string; raw: number; reason: Reason }> {
    const acc = new Map<string, { miss: number; seed: string; best: number }>();
    const seeds = this.positiveRecent(signals).slice(0, this.config.sequential.seedItems);
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
      reason: { kind: 'NEXT_IN_SEQUENCE', itemId: a.seed, text: `Often chosen next after ${this.title(a.seed)}` },
    }));
  }

  private popularCandidates(accept: (id: string) => boolean): Array<{ id: string; raw: number; reason: Reason }> {
    const out: Array<{ id: string; raw: number; reason: Reason }> = [];
    const limit = this.config.candidates.popularity;
    for (const [n, s] of this.popular.sorted()) {
      if (out.length >= limit) break;
      const id = this.ids.name(n);
      if (accept(id)) out.push({ id, raw: s, reason: POPULAR_REASON });
    }
    return out;
  }

  private trendingCandidates(now: number, accept: (id: string) => boolean): Array<{ id: string; raw: number; reason: Reason }> {
    const p = this.config.popularity;
    const out: Array<{ id: string; raw: number; reason: Reason }> = [];
    this.trending.forEach((n, stored) => {
      // Trending = a short-term rate well above the long-term one, and at least a couple of events.
      if (this.stats.pos[n]! < 2) return;
      const shortRate = this.trendClock.valueAt(stored, now) / p.trendingHalfLifeMs;
      const longRate = this.popClock.valueAt(this.stats.pop[n]!, now) / p.halfLifeMs;
      const lift = shortRate / (longRate + 1e-12);
      if (lift < p.trendingMinLift) return;
      const id = this.ids.name(n);
      if (accept(id)) out.push({ id, raw: shortRate * Math.log1p(lift), reason: TRENDING_REASON });
    });
    return out;
  }

  private segmentCandidates(
    userId: string,
    attributes: Record<string, unknown>,
    accept: (id: string) => boolean,
  ): Array<{ id: string; raw: number; reason: Reason }> {
    let keys = this.segmentKeys(attributes) ?? [];
    if (keys.length === 0) keys = this.users.get(userId)?.segments ?? [];
    const best = new Map<string, { raw: number; reason: Reason }>();
    for (const key of keys) {
      const seg = this.segments.get(key);
      if (!seg || seg.size === 0) continue;
      let max = 0;
      for (const v of seg.values()) if (v > max) max = v;
      if (!(max > 0)) continue;
      const eq = key.indexOf('=');
      const facet = key.slice(0, eq);
      const value = key.slice(eq + 1);
      for (const [n, v] of seg) {
        const id = this.ids.name(n);
        if (!accept(id)) continue;
        const raw = v / max;
        const prev = best.get(id);
        if (!prev || raw > prev.raw) {
          best.set(id, {
            raw,
            reason: { kind: 'SIMILAR_USERS', facet, value, text: `Popular with users like you (${facet}: ${value})` },
          });
        }
      }
    }
    return [...best].map(([id, b]) => ({ id, raw: b.raw, reason: b.reason }));
  }

  // ---------------------------------------------------------------- recommend

  recommend(req: RecommendRequest): ScoredRecommendation[] {
    const first = Math.max(0, Math.floor(req.first));
    if (first === 0 || this.items.size === 0) return [];
    const { signals, now } = req;
    const cfg = this.config;
    const on = (s: SourceName) => req.sources?.[s] !== false;
    const accept = this.makeAccept(signals, req.filter);

    const cands = new Map<string, Candidate>();
    const recentPositive = this.positiveRecent(signals);
    const seeds = recentPositive
      .slice(0, cfg.coVisitation.seedItems)
      .map((r, rank) => ({ itemId: r.itemId, weight: r.weight / (1 + 0.3 * rank) }));

    const coldness = Math.max(0, 1 - signals.eventCount / Math.max(1, cfg.content.coldStartEvents));
    const contentWeight = cfg.weights.content + Math.max(0, cfg.content.coldStartContentWeight - cfg.weights.content) * coldness;
    if (on('content')) this.addSource(cands, 'content', this.contentCandidates(signals, accept), true, contentWeight);
    if (on('collaborative') && seeds.length) this.addSource(cands, 'collaborative', this.collaborativeCandidates(seeds, accept, now), true);
    if (on('sequential') && recentPositive.length) this.addSource(cands, 'sequential', this.sequentialCandidates(signals, accept, now), true);
    if (on('popularity')) this.addSource(cands, 'popularity', this.popularCandidates(accept));
    if (on('trending')) this.addSource(cands, 'trending', this.trendingCandidates(now, accept));
    if (on('segment')) this.addSource(cands, 'segment', this.segmentCandidates(signals.userId, signals.attributes, accept));
    if (on('ease') && cfg.ease.enabled && !this.easeFitted && this.histories.size > 0) this.fitEase();
    if (on('ease') && this.extraScorer && seeds.length) {
      // EASE scores the whole known history (consumed items) plus the recent positive ones.
      const history = new Map<string, number>();
      for (const id of signals.consumed) history.set(id, 1);
      for (const r of recentPositive) history.set(r.itemId, 1);
      const scored = this.extraScorer
        .score([...history].map(([itemId, weight]) => ({ itemId, weight })), cfg.candidates.ease * 2)
        .filter((s) => accept(s.itemId))
        .map((s) => ({
          id: s.itemId,
          raw: s.score,
          reason: { kind: 'ALSO_LIKED', itemId: s.seedItemId, text: `People who liked ${this.title(s.seedItemId)} also liked this` } as Reason,
        }));
      this.addSource(cands, 'ease', scored);
    }

    // Brand-new items (upserted after behaviour data existed, no event yet): impute part of the
    // collaborative blend from the content score so they compete with co-visited items.
    const boost = cfg.content.coldItemBoost * cfg.weights.collaborative;
    if (boost > 0 && on('collaborative') && this.freshItems.size > 0) {
      for (const c of cands.values()) {
        const content = c.parts.get('content');
        if (content && this.freshItems.has(c.id)) c.total += boost * (content.contribution / contentWeight);
      }
    }

    const ranked = [...cands.values()].sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1));

    // Exploration slots.
    const share = Math.max(0, Math.min(1, req.explore ?? cfg.explore.share));
    const seed = req.seed ?? hashSeed(cfg.explore.seed, signals.userId, Math.floor(now / 3_600_000));
    const rand = mulberry32(seed);
    const exact = first * share;
    let nExplore = Math.floor(exact);
    if (rand() < exact - nExplore) nExplore++;
    nExplore = Math.min(nExplore, first);

    const lambda = req.diversity?.lambda ?? cfg.diversity.lambda;
    const maxShare = req.diversity?.maxCategoryShare ?? cfg.diversity.maxCategoryShare;
    const perCategory = Math.max(1, Math.floor(maxShare * first + 1e-9));
    const catCount = new Map<string, number>();

    // MMR pool: the best candidates, but no category beyond perCategory + first entries, so the cap can
    // be met from the pool whenever other categories have candidates.
    const poolSize = Math.max(first * cfg.diversity.poolFactor, cfg.diversity.minPool);
    const pool: Candidate[] = [];
    const poolCat = new Map<string, number>();
    const poolCatLimit = perCategory + first;
    for (const c of ranked) {
      if (pool.length >= poolSize) break;
      const cat = this.items.get(c.id)?.category ?? null;
      if (cat !== null) {
        const n = poolCat.get(cat) ?? 0;
        if (n >= poolCatLimit) continue;
        poolCat.set(cat, n + 1);
      }
      pool.push(c);
    }
    const mainSlots = first - nExplore;
    const main = this.mmr(pool, mainSlots, lambda, perCategory, catCount);

    let explored: Candidate[] = [];
    if (nExplore > 0) {
      const chosen = new Set(main.map((c) => c.id));
      explored = this.pickExploration(ranked, chosen, accept, nExplore, perCategory, catCount, rand);
    }

    // Place exploration items at seeded positions among the slots.
    const total = main.length + explored.length;
    const positions = new Set<number>();
    const free = Array.from({ length: total }, (_, i) => i);
    for (let e = 0; e < explored.length; e++) {
      // Never the very first slot when there is a main item to put there.
      const lo = main.length > 0 ? 1 : 0;
      const choices = free.filter((p) => p >= lo && !positions.has(p));
      positions.add(choices[Math.floor(rand() * choices.length)] ?? total - 1 - e);
    }
    const out: ScoredRecommendation[] = [];
    let mi = 0;
    let ei = 0;
    for (let p = 0; p < total; p++) {
      if (positions.has(p) && ei < explored.length) {
        const c = explored[ei++]!;
        out.push({ itemId: c.id, score: c.total, reasons: this.explain(c, signals, recentPositive, true) });
      } else if (mi < main.length) {
        const c = main[mi++]!;
        out.push({ itemId: c.id, score: c.total, reasons: this.explain(c, signals, recentPositive, false) });
      } else if (ei < explored.length) {
        const c = explored[ei++]!;
        out.push({ itemId: c.id, score: c.total, reasons: this.explain(c, signals, recentPositive, true) });
      }
    }
    return out;
  }

  /** Greedy MMR over `pool` with a per-category cap (relaxed only when no other category remains). */
  private mmr(pool: Candidate[], n: number, lambda: number, perCategory: number, catCount: Map<string, number>): Candidate[] {
    const chosen: Candidate[] = [];
    if (n <= 0 || pool.length === 0) return chosen;
    const maxTotal = pool[0]!.total || 1;
    const remaining = pool.slice();
    const maxSim = new Float64Array(remaining.length); // max similarity to the chosen items, per remaining slot
    const vecs = remaining.map((c) => this.items.get(c.id)?.vector ?? null);
    const cats = remaining.map((c) => this.items.get(c.id)?.category ?? null);
    const alive = new Uint8Array(remaining.length).fill(1);
    while (chosen.length < n) {
      let bestI = -1;
      let bestScore = -Infinity;
      let relaxedI = -1;
      let relaxedScore = -Infinity;
      for (let i = 0; i < remaining.length; i++) {
        if (!alive[i]) continue;
        const rel = remaining[i]!.total / maxTotal;
        const score = lambda >= 1 ? rel : lambda * rel - (1 - lambda) * maxSim[i]!;
        const cat = cats[i];
        const capped = cat !== null && (catCount.get(cat) ?? 0) >= perCategory;
        if (capped) {
          if (score > relaxedScore) {
            relaxedScore = score;
            relaxedI = i;
          }
        } else if (score > bestScore) {
          bestScore = score;
          bestI = i;
        }
      }
      const pick = bestI >= 0 ? bestI : relaxedI;
      if (pick < 0) break;
      alive[pick] = 0;
      const c = remaining[pick]!;
      chosen.push(c);
      const cat = cats[pick];
      if (cat !== null) catCount.set(cat, (catCount.get(cat) ?? 0) + 1);
      if (lambda >= 1) continue; // pure relevance: similarities are not needed
      const pv = vecs[pick];
      for (let i = 0; i < remaining.length; i++) {
        if (!alive[i]) continue;
        let sim = 0;
        const v = vecs[i];
        if (pv && v) sim = dotF(pv, v);
        else if (cat !== null && cats[i] === cat) sim = 0.5;
        if (sim > maxSim[i]!) maxSim[i] = sim;
      }
    }
    return chosen;
  }

  private pickExploration(
    ranked: Candidate[],
    chosen: Set<string>,
    accept: (id: string) => boolean,
    n: number,
    perCategory: number,
    catCount: Map<string, number>,
    rand: () => number,
  ): Candidate[] {
    const ec = this.config.explore;
    const pool = new Map<string, Candidate>();
    const statOf = (id: string, arr: Float64Array) => {
      const n = this.ids.get(id);
      return n === undefined || n >= arr.length ? 0 : arr[n]!;
    };
    const lowExposure = (id: string) => statOf(id, this.stats.events) <= ec.maxExposure;
    // Relevant-but-unranked low-exposure candidates first...
    for (const c of ranked) {
      if (pool.size >= 4 * ec.randomPool) break;
      if (!chosen.has(c.id) && lowExposure(c.id)) pool.set(c.id, c);
    }
    // ...plus random catalogue items (seeded), so unseen items get a chance.
    const m = this.itemIds.length;
    for (let tries = 0; tries < ec.randomPool * 3 && m > 0; tries++) {
      const id = this.itemIds[Math.floor(rand() * m)]!;
      if (pool.has(id) || chosen.has(id) || !lowExposure(id) || !accept(id)) continue;
      pool.set(id, { id, total: 0, parts: new Map() });
    }
    // Thompson sampling on observed feedback. Iterate in a stable order so the same seed gives the same picks.
    const sampled = [...pool.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((c) => {
        const pos = statOf(c.id, this.stats.pos);
        const neg = statOf(c.id, this.stats.neg);
        return { c, s: sampleBeta(ec.priorAlpha + pos, ec.priorBeta + neg, rand) };
      })
      .sort((a, b) => b.s - a.s || (a.c.id < b.c.id ? -1 : 1));
    const out: Candidate[] = [];
    for (const { c } of sampled) {
      if (out.length >= n) break;
      const cat = this.items.get(c.id)?.category ?? null;
      if (cat !== null && (catCount.get(cat) ?? 0) >= perCategory) continue;
      if (cat !== null) catCount.set(cat, (catCount.get(cat) ?? 0) + 1);
      out.push(c);
    }
    return out;
  }

  /** Reasons naming real evidence: the contributing sources' reasons, plus recent-item and category evidence. */
  private explain(
    c: Candidate,
    signals: ProfileSignals,
    recentPositive: Array<{ itemId: string; type: BehaviorType; weight: number }>,
    exploration: boolean,
  ): Reason[] {
    const reasons: Reason[] = [];
    if (exploration) reasons.push({ kind: 'EXPLORATION', text: 'Something new we think you might like to try' });
    const parts = [...c.parts.values()].sort((a, b) => b.contribution - a.contribution);
    const item = this.items.get(c.id);
    for (const p of parts) {
      if (p.reason.kind === 'SIMILAR_TO_RECENT' && !p.reason.itemId) {
        const r = this.similarRecent(item?.vector ?? null, recentPositive);
        const cat = r ? null : this.categoryReason(item?.category ?? null, signals);
        // Fall back to the generic reason: the short/long-term vector itself is the evidence.
        reasons.push(r ?? cat ?? p.reason);
        continue;
      }
      if (!reasons.some((x) => x.kind === p.reason.kind && x.itemId === p.reason.itemId && x.value === p.reason.value)) reasons.push(p.reason);
    }
    // Extra evidence: a strongly similar recent item, the item's category among the user's top facets.
    if (!reasons.some((r) => r.kind === 'SIMILAR_TO_RECENT') && c.parts.has('content')) {
      const r = this.similarRecent(item?.vector ?? null, recentPositive);
      if (r) reasons.push(r);
    }
    const cat = this.categoryReason(item?.category ?? null, signals);
    if (cat && !reasons.some((r) => r.kind === 'INTEREST' && r.facet === 'category')) reasons.push(cat);
    return reasons;
  }

  private similarRecent(
    vector: Float32Array | null,
    recentPositive: Array<{ itemId: string; type: BehaviorType; weight: number }>,
  ): Reason | null {
    if (!vector) return null;
    let best: { itemId: string; type: BehaviorType } | null = null;
    let bestSim = this.config.content.similarToRecentMin;
    for (const r of recentPositive.slice(0, 10)) {
      const v = this.items.get(r.itemId)?.vector;
      if (!v) continue;
      const s = dotF(vector, v);
      if (s >= bestSim) {
        bestSim = s;
        best = r;
      }
    }
    if (!best) return null;
    return { kind: 'SIMILAR_TO_RECENT', itemId: best.itemId, text: `Because you ${this.verb(best.type)} ${this.title(best.itemId)}` };
  }

  private categoryReason(category: string | null, signals: ProfileSignals): Reason | null {
    if (category === null) return null;
    const top = signals.facets
      .filter((f) => f.kind === 'category' && f.weight > 0)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 5);
    if (!top.some((f) => f.value === category)) return null;
    return { kind: 'INTEREST', facet: 'category', value: category, text: `You like ${category}` };
  }

  // ---------------------------------------------------------------- similar items

  /** Items like `itemId`: content neighbours blended with co-visitation neighbours (`now` defaults to the latest event time). */
  similarItems(itemId: string, first: number, now?: number): ScoredRecommendation[] {
    const item = this.items.get(itemId);
    first = Math.max(0, Math.floor(first));
    if (!item || first === 0) return [];
    const accept = (id: string) => id !== itemId && this.items.has(id);
    now ??= this.lastEventAt;
    const cands = new Map<string, Candidate>();
    const k = Math.max(first * 3, 30);
    if (item.vector) {
      const hits = this.index.search(item.vector, k + 1, accept);
      this.addSource(
        cands,
        'content',
        hits.map((h) => ({
          id: h.id,
          raw: Math.max(0, h.score),
          reason: { kind: 'SIMILAR_ITEM', itemId, text: `Similar to ${item.title}` } as Reason,
        })),
        true,
      );
    }
    this.addSource(cands, 'collaborative', this.collaborativeCandidates([{ itemId, weight: 1 }], accept, now), true);
    return [...cands.values()]
      .sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1))
      .slice(0, first)
      .map((c) => ({
        itemId: c.id,
        score: c.total,
        reasons: [...c.parts.values()].sort((a, b) => b.contribution - a.contribution).map((p) => p.reason),
      }));
  }
}
