// Applying behaviours to a profile: pure, deterministic, exact under replay.
import { REJECTION_TYPES } from '../behavior.js';
import { hashSeed } from '../hash.js';
import { compareEvents, type BehaviorEvent, type BehaviorType, type EventContext } from '../types.js';
import { cosine, norm } from '../vector.js';
import type { ProfileConfig } from './config.js';
import { quantize } from './half.js';
import { liveInterests, mergeInterests } from './interests.js';
import { addOpinion, decayOpinion, opinionPull } from './opinion.js';
import {
  addTally,
  capTally,
  decayTallyInPlace,
  diffFacets,
  itemFacetKeys,
  pruneRelative,
  type FacetChange,
} from './tallies.js';
import { textPullVector } from './textPull.js';
import { cloneState, tallyGet, type DecayedVector, type InterestCluster, type ProfileState } from './state.js';

export const DAY_MS = 86_400_000;

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
const UNREJECTING: ReadonlySet<BehaviorType> = new Set<BehaviorType>(['PURCHASE', 'ADD_TO_CART', 'FAVORITE', 'SHARE']);

const LIKING: ReadonlySet<BehaviorType> = new Set<BehaviorType>([
  'PURCHASE',
  'ADD_TO_CART',
  'FAVORITE',
  'SHARE',
  'RATE',
  'REVIEW',
]);

/** Brand loyalty: a liking event on a branded item counts; it is a repeat when the brand was liked before. */
function foldBrandLoyalty(s: ProfileState, type: BehaviorType, w: number, brand: string | null, config: ProfileConfig) {
  if (!brand || w <= 0 || !LIKING.has(type)) return;
  const v = s.value;
  v.positive += 1;
  v.count += 1;
  if (tallyGet(v.brands, brand) > 0) v.repeat += 1;
  addTally(v.brands, brand, 1);
  v.brands = capTally(pruneRelative(v.brands, config.facetPruneRatio), config.maxFacetsPerKind);
}

export function driftBetween(prev: Float32Array | null, next: Float32Array | null): number | null {
  if (!prev || !next) return null;
  if (norm(prev) === 0 || norm(next) === 0) return null;
  return Math.min(2, Math.max(0, 1 - cosine(prev, next)));
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

/**
 * Applies one behaviour. PURE: the input state is never mutated; the result shares with it only interest centroids,
 * which are never written in place.
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

  // The input is never mutated, so what it held is what changed is measured against (no copies).
  const prevLong = state.long?.vec ?? null;
  const prevShort = state.short?.vec ?? null;
  const prevFacets = state.facets;

  // 1. Decay everything to the event time, and forget what faded (the same rule decayProfileTo uses). `s` is a
  // fresh clone, so its tallies are decayed in place.
  if (s.long) s.long.weight *= dLong;
  if (s.short) s.short.weight *= dShort;
  decayTallyInPlace(s.facets.category, dFacet, 0);
  decayTallyInPlace(s.facets.tag, dFacet, 0);
  decayTallyInPlace(s.facets.brand, dFacet, 0);
  decayTallyInPlace(s.recentCategories, dShort, config.facetPruneWeight);
  decayTallyInPlace(s.price.bought, dFacet, 0);
  decayTallyInPlace(s.price.browsed, dFacet, 0);
  if (dFacet !== 1) {
    s.value.positive *= dFacet;
    s.value.repeat *= dFacet;
    decayTallyInPlace(s.value.brands, dFacet, 0);
  }
  decayOpinion(s.opinion, dFacet);
  for (const c of s.interests) {
    c.weight *= dLong;
    decayTallyInPlace(c.facets, dLong, 0);
    decayTallyInPlace(c.topItems, dLong, 0);
  }
  s.interests = liveInterests(s.interests, 1, config.forgetWeight);

  // 2. The event's weight and vector.
  // The text's opinion sets a review's sign and turns any panned event into a push, away from the item itself.
  const type = event.type;
  const w = opinionPull(profilePull(s, event, config), ctx.textOpinion, config);
  const pushedByText = w < 0 && !!ctx.textOpinion && type !== 'SKIP' && type !== 'DISLIKE';
  // A review pulls towards what its text says, less what every text says (textPull.ts); a panned one pushes away
  // from the item itself.
  const textPull = type === 'REVIEW' && ctx.textVector ? textPullVector(ctx.textVector, ctx.textDirection) : null;
  let x: Float32Array | null =
    type === 'REVIEW' ? (pushedByText ? (ctx.itemVector ?? textPull) : (textPull ?? ctx.itemVector)) : ctx.itemVector;
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
  let fbSign = config.feedback.enabled ? config.feedback.types[type] : undefined;
  if (fbSign === 1 && pushedByText) fbSign = -1;
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
        // A new centroid: states share centroids (cloneState), so one is never written in place.
        const prev = best.centroid;
        const cen = new Float32Array(prev.length);
        for (let i = 0; i < cen.length; i++) cen[i] = prev[i]! * keep + x[i]! * add;
        best.centroid = quantize(cen, config, eventSeed, 1000 + best.id);
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
  if (
    price !== null &&
    price !== undefined &&
    Number.isFinite(price) &&
    price >= 0 &&
    !REJECTION_TYPES.has(type) &&
    w > 0
  ) {
    const band = priceBand(price);
    const key = BOUGHT.has(type) ? 'bought' : 'browsed';
    addTally(s.price[key], band, w);
    s.price[key] = pruneRelative(s.price[key], config.facetPruneRatio);
  }
  if (ctx.textOpinion && config.opinion.enabled) addOpinion(s.opinion, ctx.textOpinion, config);

  foldBrandLoyalty(s, type, w, ctx.item?.brand ?? null, config);

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
    if (REJECTION_TYPES.has(type)) {
      if (!s.rejected.includes(itemId)) {
        s.rejected.push(itemId);
        if (s.rejected.length > config.maxRejected) s.rejected.splice(0, s.rejected.length - config.maxRejected);
      }
    } else if ((UNREJECTING.has(type) && w >= 0) || (type === 'RATE' && w > 0)) {
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
