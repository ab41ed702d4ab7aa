// Applying behaviours to a profile: pure, deterministic, exact under replay.
import { hashSeed } from '../hash.js';
import {
  compareEvents,
  type BehaviorEvent,
  type BehaviorType,
  type EventContext,
  type ItemFeatures,
} from '../types.js';
import { cosine, norm } from '../vector.js';
import type { ProfileConfig } from './config.js';
import { ditherToF16, seedOf } from './half.js';
import { interestFacetLabel } from './labels.js';
import {
  cloneState,
  newProfile,
  tallyGet,
  tallySet,
  type DecayedVector,
  type InterestCluster,
  type ProfileSeed,
  type ProfileState,
  type Tally,
} from './state.js';

export const DAY_MS = 86_400_000;

/** How much one facet value moved in a change of the profile (signed). */
export interface FacetChange {
  kind: string;
  value: string;
  delta: number;
}

export interface ProfileChange {
  /** 1 - cosine(previous long-term vector, new one), in [0, 2]; null when there was no previous vector. */
  drift: number | null;
  /** Same for the short-term vector. */
  driftShort: number | null;
  /** The facets whose share (within their kind) moved most, largest |delta| first. */
  changedFacets: FacetChange[];
  /** Whether the configured versioning strategy wants a new ProfileVersion for this change. */
  versioned: boolean;
}

/** 2^(-dt / halfLife); 1 for dt <= 0. */
export function decayFactor(dtMs: number, halfLifeDays: number): number {
  if (!(dtMs > 0)) return 1;
  return Math.pow(2, -dtMs / (halfLifeDays * DAY_MS));
}

/** The time the decayed sums of a state refer to. */
export function stateClock(state: ProfileState): number | null {
  return state.lastEventAt ?? state.createdAt;
}

/**
 * Whether `event` can be applied incrementally to `state` (it sorts after everything the state has seen, and not
 * before a consolidation): when false, the caller must replay from an earlier snapshot (late event).
 */
export function isInOrder(state: ProfileState, event: Pick<BehaviorEvent, 'occurredAt' | 'seq'>): boolean {
  if (state.consolidatedAt !== null && event.occurredAt < state.consolidatedAt) return false;
  if (state.lastEventAt === null) return true;
  return compareEvents(event, { occurredAt: state.lastEventAt, seq: state.lastSeq ?? -Infinity }) > 0;
}

/** Learning rate of adaptive feedback after `evidence` feedback events: shrinks from baseRate towards minRate. */
export function feedbackRate(evidence: number, config: ProfileConfig): number {
  const f = config.feedback;
  return Math.max(f.minRate, f.baseRate / (1 + evidence / f.evidenceScale));
}

/**
 * Profile pull of an event: the signed step size with which it moves the profile's vectors, given the state
 * before it (RATE depends on the running mean). Not the recommender's likingEvidence (see domain/behavior.ts).
 */
export function profilePull(state: ProfileState, event: BehaviorEvent, config: ProfileConfig): number {
  const base = config.weights[event.type];
  if (event.type !== 'RATE') return base;
  if (event.value === null || !Number.isFinite(event.value)) return 0;
  const { min, max } = config.ratingScale;
  const mid = (min + max) / 2;
  const halfRange = (max - min) / 2;
  const prior = config.ratingPriorCount;
  const count = state.stats.ratingCount + prior;
  const mean = count > 0 ? (state.stats.ratingSum + prior * mid) / count : mid;
  const value = Math.min(max, Math.max(min, event.value));
  const dev = Math.max(-2, Math.min(2, (value - mean) / halfRange));
  return base * dev;
}

/** Price band of a price (catalogue-currency agnostic, log-spaced). */
export function priceBand(price: number): string {
  if (price < 10) return '<10';
  if (price < 50) return '10-50';
  if (price < 200) return '50-200';
  if (price < 1000) return '200-1000';
  return '1000+';
}

const BOUGHT: ReadonlySet<BehaviorType> = new Set<BehaviorType>(['PURCHASE', 'ADD_TO_CART']);
const REJECTING: ReadonlySet<BehaviorType> = new Set<BehaviorType>(['SKIP', 'DISLIKE']);
const UNREJECTING: ReadonlySet<BehaviorType> = new Set<BehaviorType>(['PURCHASE', 'ADD_TO_CART', 'FAVORITE', 'SHARE']);

function decayTally(t: Tally, factor: number, prune: number): Tally {
  if (factor === 1 && prune <= 0) return t;
  const out: Tally = {};
  for (const k of Object.keys(t)) {
    const v = t[k]! * factor;
    if (v >= prune && v > 0) tallySet(out, k, v);
  }
  return out;
}

/** Keeps the `limit` largest entries (ties by key), preserving the original key order of the survivors. */
function capTally(t: Tally, limit: number): Tally {
  const keys = Object.keys(t);
  if (keys.length <= limit) return t;
  const keep = new Set(
    keys
      .slice()
      .sort((a, b) => t[b]! - t[a]! || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit),
  );
  const out: Tally = {};
  for (const k of keys) if (keep.has(k)) tallySet(out, k, t[k]!);
  return out;
}

/** Drops values under `ratio` times the largest value (relative pruning: invariant under uniform decay). */
function pruneRelative(t: Tally, ratio: number): Tally {
  if (ratio <= 0) return t;
  let max = 0;
  for (const k of Object.keys(t)) if (t[k]! > max) max = t[k]!;
  const floor = max * ratio;
  let drop = false;
  for (const k of Object.keys(t)) if (t[k]! < floor) drop = true;
  if (!drop) return t;
  const out: Tally = {};
  for (const k of Object.keys(t)) if (t[k]! >= floor) tallySet(out, k, t[k]!);
  return out;
}

/**
 * The interests that survive at decay factor `factor`: weight * factor >= forgetWeight, plus always the strongest
 * one (ties: lowest id). Order is preserved. Monotone in time, which keeps consolidation replay-safe.
 */
export function liveInterests<C extends { id: number; weight: number }>(
  clusters: C[],
  factor: number,
  forgetWeight: number,
): C[] {
  if (clusters.length === 0) return clusters;
  let strongest = clusters[0]!;
  for (const c of clusters) {
    const a = c.weight * factor;
    const b = strongest.weight * factor;
    if (a > b || (a === b && c.id < strongest.id)) strongest = c;
  }
  return clusters.filter((c) => c === strongest || c.weight * factor >= forgetWeight);
}

function addTally(t: Tally, key: string, delta: number): void {
  const v = tallyGet(t, key) + delta;
  if (v > 0) tallySet(t, key, v);
  else delete t[key];
}

/** Facet keys of an item: `category:X`, `tag:Y`, `brand:Z`. */
function itemFacetKeys(item: ItemFeatures | null): Array<[kind: 'category' | 'tag' | 'brand', value: string]> {
  if (!item) return [];
  const out: Array<['category' | 'tag' | 'brand', string]> = [];
  if (item.category) out.push(['category', item.category]);
  for (const tag of [...new Set(item.tags)]) if (tag) out.push(['tag', tag]);
  if (item.brand) out.push(['brand', item.brand]);
  return out;
}

/** Shares within each kind (category, tag, brand), keyed `kind\u0000value`. */
function facetShares(f: ProfileState['facets']): Map<string, number> {
  const out = new Map<string, number>();
  for (const kind of ['category', 'tag', 'brand'] as const) {
    const t = f[kind];
    let total = 0;
    for (const k of Object.keys(t)) total += t[k]!;
    if (total <= 0) continue;
    for (const k of Object.keys(t)) out.set(`${kind}\u0000${k}`, t[k]! / total);
  }
  return out;
}

export function diffFacets(
  before: ProfileState['facets'],
  after: ProfileState['facets'],
  limit: number,
): FacetChange[] {
  const a = facetShares(before);
  const b = facetShares(after);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: FacetChange[] = [];
  for (const key of keys) {
    const delta = (b.get(key) ?? 0) - (a.get(key) ?? 0);
    if (Math.abs(delta) < 1e-9) continue;
    const sep = key.indexOf('\u0000');
    out.push({ kind: key.slice(0, sep), value: key.slice(sep + 1), delta });
  }
  out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || cmpStr(x.kind, y.kind) || cmpStr(x.value, y.value));
  return out.slice(0, limit);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function driftBetween(prev: Float32Array | null, next: Float32Array | null): number | null {
  if (!prev || !next) return null;
  if (norm(prev) === 0 || norm(next) === 0) return null;
  return Math.min(2, Math.max(0, 1 - cosine(prev, next)));
}

function quantize(v: Float32Array, config: ProfileConfig, eventSeed: number, salt: number): Float32Array {
  if (config.vectorPrecision === 'f16') ditherToF16(v, seedOf(eventSeed, salt));
  return v;
}

/** Folds one weighted vector into a decayed mean (already decayed to the event time). */
function foldMean(dv: DecayedVector, x: Float32Array, w: number): void {
  const total = dv.weight + Math.abs(w);
  const keep = dv.weight / total;
  const add = w / total;
  const v = dv.vec;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * keep + x[i]! * add;
  dv.weight = total;
}

/** Adaptive feedback nudge: towards x (sign +1) or away from it (sign -1), scaled to the vector's own length. */
function nudge(v: Float32Array, x: Float32Array, rate: number, sign: 1 | -1): void {
  const n = norm(v);
  if (n === 0) return;
  if (sign > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! * (1 - rate) + x[i]! * rate * n;
  else for (let i = 0; i < v.length; i++) v[i] = v[i]! - x[i]! * rate * n;
}

function mergeTallies(a: Tally, b: Tally): Tally {
  const out: Tally = {};
  for (const k of Object.keys(a)) tallySet(out, k, a[k]!);
  for (const k of Object.keys(b)) tallySet(out, k, tallyGet(out, k) + b[k]!);
  return out;
}

function mergeClusters(
  a: InterestCluster,
  b: InterestCluster,
  config: ProfileConfig,
  eventSeed: number,
): InterestCluster {
  const total = a.weight + b.weight;
  const centroid = new Float32Array(a.centroid.length);
  const wa = total > 0 ? a.weight / total : 0.5;
  const wb = total > 0 ? b.weight / total : 0.5;
  for (let i = 0; i < centroid.length; i++) centroid[i] = a.centroid[i]! * wa + b.centroid[i]! * wb;
  quantize(centroid, config, eventSeed, 1000 + a.id);
  const minT = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const maxT = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    id: a.id,
    centroid,
    weight: total,
    facets: capTally(mergeTallies(a.facets, b.facets), config.maxClusterFacets),
    topItems: capTally(mergeTallies(a.topItems, b.topItems), config.maxClusterItems),
    createdAt: minT(a.createdAt, b.createdAt),
    updatedAt: maxT(a.updatedAt, b.updatedAt),
    source: a.source === 'behavior' || b.source === 'behavior' ? 'behavior' : 'onboarding',
  };
}

/** Merges the closest pair while there are too many interests or some pair is closer than mergeSimilarity. */
function mergeInterests(clusters: InterestCluster[], config: ProfileConfig, eventSeed: number): InterestCluster[] {
  let cs = clusters;
  for (;;) {
    if (cs.length < 2) return cs;
    let bi = -1;
    let bj = -1;
    let best = -Infinity;
    for (let i = 0; i < cs.length; i++) {
      for (let j = i + 1; j < cs.length; j++) {
        const s = cosine(cs[i]!.centroid, cs[j]!.centroid);
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (cs.length <= config.maxInterests && best < config.mergeSimilarity) return cs;
    const [a, b] = cs[bi]!.id < cs[bj]!.id ? [cs[bi]!, cs[bj]!] : [cs[bj]!, cs[bi]!];
    const merged = mergeClusters(a, b, config, eventSeed);
    cs = cs.filter((c) => c !== a && c !== b);
    cs.push(merged);
    cs.sort((x, y) => x.id - y.id);
  }
}

/**
 * Applies one behaviour. PURE: the input state is never mutated; the result shares no mutable data with it.
 *
 * Decay runs from `state.lastEventAt` to `event.occurredAt`, so the same events give the same floats whether they
 * are applied live one by one or replayed in one go. Events must arrive in `compareEvents` order: an event older than
 * `state.lastEventAt` is a caller bug here (the service replays late events from an earlier snapshot); it is applied
 * with dt = 0 and does not move the clock back, so the result is deterministic but not equal to an in-order replay.
 */
export function applyBehavior(
  state: ProfileState,
  event: BehaviorEvent,
  ctx: EventContext,
  config: ProfileConfig,
): { state: ProfileState; change: ProfileChange } {
  const s = cloneState(state);
  const t = event.occurredAt;
  const clock = stateClock(s);
  const dt = clock === null ? 0 : Math.max(0, t - clock);
  const dLong = decayFactor(dt, config.longHalfLifeDays);
  const dShort = decayFactor(dt, config.shortHalfLifeDays);
  const dFacet = decayFactor(dt, config.facetHalfLifeDays);

  const prevLong = s.long ? s.long.vec.slice() : null;
  const prevShort = s.short ? s.short.vec.slice() : null;
  // A copy: with no time elapsed decayTally hands back the same tallies, which step 7 then adds to.
  const prevFacets = { category: { ...s.facets.category }, tag: { ...s.facets.tag }, brand: { ...s.facets.brand } };

  // 1. Decay everything to the event time, and forget what faded (the same rule decayProfileTo uses).
  if (s.long) s.long.weight *= dLong;
  if (s.short) s.short.weight *= dShort;
  s.facets = {
    category: decayTally(s.facets.category, dFacet, 0),
    tag: decayTally(s.facets.tag, dFacet, 0),
    brand: decayTally(s.facets.brand, dFacet, 0),
  };
  s.recentCategories = decayTally(s.recentCategories, dShort, config.facetPruneWeight);
  s.price = { bought: decayTally(s.price.bought, dFacet, 0), browsed: decayTally(s.price.browsed, dFacet, 0) };
  s.interests = liveInterests(
    s.interests.map((c) => ({
      ...c,
      weight: c.weight * dLong,
      facets: decayTally(c.facets, dLong, 0),
      topItems: decayTally(c.topItems, dLong, 0),
    })),
    1,
    config.forgetWeight,
  );

  // 2. The event's weight and vector.
  const w = profilePull(s, event, config);
  const type = event.type;
  let x: Float32Array | null = type === 'REVIEW' ? (ctx.textVector ?? ctx.itemVector) : ctx.itemVector;
  if (x && (x.length === 0 || norm(x) === 0)) x = null;
  if (x && s.dim !== null && x.length !== s.dim) {
    s.dimMismatches += 1;
    x = null;
  }
  if (x) {
    const n = norm(x);
    const unit = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) unit[i] = x[i]! / n;
    x = unit;
    s.dim = x.length;
  }
  // Rounding is seeded by the event's identity, not by the store's seq: the same events give the same bits
  // whatever sequence numbers a database (or an offline replay) gave them.
  const eventSeed = hashSeed(event.userId, event.eventId);

  // 3. Long- and short-term vectors (negative events push an existing vector away; they never create one).
  if (x && w !== 0) {
    for (const [key, salt] of [
      ['long', 1],
      ['short', 2],
    ] as const) {
      const dv = s[key];
      if (dv) {
        foldMean(dv, x, w);
        quantize(dv.vec, config, eventSeed, salt);
      } else if (w > 0) {
        s[key] = { vec: quantize(x.slice(), config, eventSeed, salt), weight: w };
      }
    }
  }

  // 4. Adaptive feedback: a learning-rate step that shrinks as feedback evidence accumulates.
  const fbSign = config.feedback.enabled ? config.feedback.types[type] : undefined;
  if (x && fbSign !== undefined && (type !== 'RATE' || w !== 0)) {
    const rate = feedbackRate(s.feedback.evidence, config);
    for (const [key, salt] of [
      ['long', 3],
      ['short', 4],
    ] as const) {
      const dv = s[key];
      if (!dv) continue;
      const r = key === 'long' ? rate * config.feedback.longTermShare : rate;
      if (r <= 0) continue;
      nudge(dv.vec, x, r, fbSign);
      quantize(dv.vec, config, eventSeed, salt);
    }
    s.feedback.evidence += 1;
    if (fbSign > 0) s.feedback.positive += 1;
    else s.feedback.negative += 1;
  }

  // 5. Interests: assign to the nearest, spawn when far, merge when close or too many.
  const facetKeys = itemFacetKeys(ctx.item);
  if (x && w !== 0) {
    let best: InterestCluster | null = null;
    let bestSim = -Infinity;
    for (const c of s.interests) {
      const sim = cosine(c.centroid, x);
      if (sim > bestSim) {
        bestSim = sim;
        best = c;
      }
    }
    if (w > 0) {
      if (best && bestSim >= config.spawnSimilarity) {
        const total = best.weight + w;
        const keep = best.weight / total;
        const add = w / total;
        const cen = best.centroid;
        for (let i = 0; i < cen.length; i++) cen[i] = cen[i]! * keep + x[i]! * add;
        quantize(cen, config, eventSeed, 1000 + best.id);
        best.weight = total;
        best.updatedAt = t;
        best.source = 'behavior';
        for (const [kind, value] of facetKeys) addTally(best.facets, `${kind}:${value}`, w);
        best.facets = capTally(best.facets, config.maxClusterFacets);
        if (event.itemId !== null) addTally(best.topItems, event.itemId, w);
        best.topItems = capTally(best.topItems, config.maxClusterItems);
      } else {
        const c: InterestCluster = {
          id: s.nextInterestId++,
          centroid: quantize(x.slice(), config, eventSeed, 1000 + s.nextInterestId - 1),
          weight: w,
          facets: {},
          topItems: {},
          createdAt: t,
          updatedAt: t,
          source: 'behavior',
        };
        for (const [kind, value] of facetKeys) addTally(c.facets, `${kind}:${value}`, w);
        c.facets = capTally(c.facets, config.maxClusterFacets);
        if (event.itemId !== null) addTally(c.topItems, event.itemId, w);
        s.interests.push(c);
      }
      s.interests = mergeInterests(s.interests, config, eventSeed);
    } else if (best && bestSim >= config.spawnSimilarity) {
      best.weight = Math.max(0, best.weight + w * bestSim);
      if (event.itemId !== null) addTally(best.topItems, event.itemId, w);
      s.interests = liveInterests(s.interests, 1, config.forgetWeight);
    }
  }

  // 6. Facets, "lately" categories and price bands.
  if (w !== 0) {
    for (const [kind, value] of facetKeys) addTally(s.facets[kind], value, w);
    s.facets = {
      category: capTally(pruneRelative(s.facets.category, config.facetPruneRatio), config.maxFacetsPerKind),
      tag: capTally(pruneRelative(s.facets.tag, config.facetPruneRatio), config.maxFacetsPerKind),
      brand: capTally(pruneRelative(s.facets.brand, config.facetPruneRatio), config.maxFacetsPerKind),
    };
    if (ctx.item?.category) {
      addTally(s.recentCategories, ctx.item.category, w);
      s.recentCategories = capTally(s.recentCategories, config.maxFacetsPerKind);
    }
  }
  const price = ctx.item?.price;
  if (price !== null && price !== undefined && Number.isFinite(price) && price >= 0 && !REJECTING.has(type) && w > 0) {
    const band = priceBand(price);
    const key = BOUGHT.has(type) ? 'bought' : 'browsed';
    addTally(s.price[key], band, w);
    s.price[key] = pruneRelative(s.price[key], config.facetPruneRatio);
  }

  // 7. Behaviour statistics.
  s.stats.counts[type] = (s.stats.counts[type] ?? 0) + 1;
  const day = Math.floor(t / DAY_MS);
  if (s.stats.lastActiveDay === null || day > s.stats.lastActiveDay) {
    s.stats.activeDays += 1;
    s.stats.lastActiveDay = day;
  }
  s.stats.firstAt = s.stats.firstAt === null ? t : Math.min(s.stats.firstAt, t);
  s.stats.lastAt = s.stats.lastAt === null ? t : Math.max(s.stats.lastAt, t);
  if (type === 'RATE' && event.value !== null && Number.isFinite(event.value)) {
    const { min, max } = config.ratingScale;
    s.stats.ratingCount += 1;
    s.stats.ratingSum += Math.min(max, Math.max(min, event.value));
  }

  // 8. Recent interactions, consumed and rejected items.
  if (event.itemId !== null) {
    const itemId = event.itemId;
    if (config.recentLimit > 0) {
      s.recent.unshift({ itemId, type, occurredAt: t, weight: w });
      if (s.recent.length > config.recentLimit) s.recent.length = config.recentLimit;
    }
    if (config.consumedTypes.includes(type) && !s.consumed.includes(itemId)) {
      s.consumed.push(itemId);
      if (s.consumed.length > config.maxConsumed) s.consumed.splice(0, s.consumed.length - config.maxConsumed);
    }
    if (REJECTING.has(type)) {
      if (!s.rejected.includes(itemId)) {
        s.rejected.push(itemId);
        if (s.rejected.length > config.maxRejected) s.rejected.splice(0, s.rejected.length - config.maxRejected);
      }
    } else if (UNREJECTING.has(type) || (type === 'RATE' && w > 0)) {
      const i = s.rejected.indexOf(itemId);
      if (i >= 0) s.rejected.splice(i, 1);
    }
  }

  s.eventCount += 1;
  s.consolidatedAt = null;
  if (s.lastEventAt === null || compareEvents(event, { occurredAt: s.lastEventAt, seq: s.lastSeq ?? -Infinity }) > 0) {
    s.lastEventAt = t;
    s.lastSeq = event.seq;
  }

  // 9. What changed.
  const drift = driftBetween(prevLong, s.long?.vec ?? null);
  const driftShort = driftBetween(prevShort, s.short?.vec ?? null);
  const changedFacets = diffFacets(prevFacets, s.facets, config.changedFacetsLimit);
  let versioned = true;
  if (config.versioning.strategy === 'event-triggered') {
    versioned =
      config.versioning.triggerTypes.includes(type) ||
      (drift !== null && drift >= config.versioning.driftThreshold) ||
      (prevLong === null && s.long !== null);
  }
  return { state: s, change: { drift, driftShort, changedFacets, versioned } };
}

/**
 * Rebuilds a profile from events: sorts them by `compareEvents` and folds applyBehavior, starting from `from` (a
 * snapshot) or newProfile(userId, seed). Events at or before `from`'s position (lastEventAt, lastSeq) are skipped, as
 * the snapshot already includes them; an event older than `from.consolidatedAt` throws RangeError (pick a snapshot
 * for which isInOrder(snapshot, earliestEvent) holds). Equal, bit for bit, to applying the same events one by one in that order.
 */
export function replayProfile(
  userId: string,
  seed: ProfileSeed | undefined,
  events: ReadonlyArray<{ event: BehaviorEvent; ctx: EventContext }>,
  config: ProfileConfig,
  from?: ProfileState,
): ProfileState {
  const sorted = events.slice().sort((a, b) => compareEvents(a.event, b.event));
  let state = from ?? newProfile(userId, seed ?? {}, config);
  const pos =
    from && from.lastEventAt !== null ? { occurredAt: from.lastEventAt, seq: from.lastSeq ?? -Infinity } : null;
  for (const { event, ctx } of sorted) {
    if (pos && compareEvents(event, pos) <= 0) continue;
    if (!isInOrder(state, event)) {
      throw new RangeError(
        `replayProfile: event ${event.eventId} (occurredAt ${event.occurredAt}) is older than the consolidation of the starting snapshot (${state.consolidatedAt}); start from an earlier snapshot`,
      );
    }
    state = applyBehavior(state, event, ctx, config).state;
  }
  return state;
}

/**
 * Periodic consolidation: forgets the interests that have faded by `now` (weight decayed to `now` under forgetWeight;
 * the strongest interest is always kept) and the "lately" category tallies that have faded, exactly as the next event
 * at or after `now` would. Category/tag/brand/price shares do not change under uniform decay, so they are left alone.
 *
 * Replay equality: the stored sums keep referring to lastEventAt (nothing is re-scaled; lastEventAt and lastSeq are
 * unchanged), and forgetting is monotone in time, so any event applied after consolidation yields bit for bit the
 * state that replaying the event log without consolidation yields, provided the event is not older than `now`: the
 * state records `consolidatedAt = now` (cleared by the next event) and isInOrder() reports older events as late, to be
 * replayed from an earlier (non-consolidated) snapshot. Until that next event, the consolidated state differs from a
 * replay only by what it forgot and by consolidatedAt. Store it as the current profile, but not as a replay snapshot.
 * `change.versioned` is true when an interest was forgotten (changedFacets: kind 'interest', value = its label,
 * delta = minus its remaining weight); drift is 0 (the vectors do not move).
 */
export function decayProfileTo(
  state: ProfileState,
  now: number,
  config: ProfileConfig,
): { state: ProfileState; change: ProfileChange } {
  const s = cloneState(state);
  const clock = stateClock(s);
  const dt = clock === null ? 0 : Math.max(0, now - clock);
  s.consolidatedAt = Math.max(now, s.consolidatedAt ?? -Infinity);
  const dLong = decayFactor(dt, config.longHalfLifeDays);
  const dShort = decayFactor(dt, config.shortHalfLifeDays);
  const recent: Tally = {};
  for (const k of Object.keys(s.recentCategories)) {
    const v = s.recentCategories[k]! * dShort;
    if (v >= config.facetPruneWeight && v > 0) tallySet(recent, k, s.recentCategories[k]!);
  }
  s.recentCategories = recent;
  const kept = liveInterests(s.interests, dLong, config.forgetWeight);
  const forgotten = s.interests.filter((c) => !kept.includes(c));
  s.interests = kept;
  const changedFacets: FacetChange[] = forgotten.map((c) => ({
    kind: 'interest',
    value: interestFacetLabel(c),
    delta: -c.weight * dLong,
  }));
  return {
    state: s,
    change: {
      drift: s.long ? 0 : null,
      driftShort: s.short ? 0 : null,
      changedFacets,
      versioned: forgotten.length > 0,
    },
  };
}
