// The profile state: plain data (JSON-like plus Float32Arrays), the unit the store persists and replays.
import type { BehaviorType, RecentInteraction, TextOpinion } from '../types.js';
import type { ProfileConfig } from './config.js';
import { DEFAULT_PROFILE_CONFIG } from './config.js';
import { roundToF16 } from './half.js';
import { normalized, norm } from '../vector.js';
import { addAspects, cloneOpinion, emptyOpinion, type OpinionState } from './opinion.js';

export const PROFILE_STATE_FORMAT = 1 as const;

/**
 * A time-decayed weighted mean: vec = sum(w_i * x_i) / sum(|w_i|), weight = sum(|w_i|), every w_i decayed from its
 * event time to the state's clock (`lastEventAt`). Uniform decay leaves vec unchanged and only shrinks weight, so
 * decay is exact from event time whatever the update cadence.
 */
export interface DecayedVector {
  vec: Float32Array;
  weight: number;
}

/** Decayed tallies by key. */
export type Tally = Record<string, number>;

export interface InterestCluster {
  /** Stable per profile (never reused); not shown to users. */
  id: number;
  /** Weighted mean of the member vectors (not unit length). */
  centroid: Float32Array;
  /** Decayed sum of member weights (long half-life). */
  weight: number;
  /** Decayed facet tallies of the member items, keyed `kind:value` (kind: category, tag, brand). */
  facets: Tally;
  /** Decayed contribution of the items that contributed most. */
  topItems: Tally;
  createdAt: number | null;
  updatedAt: number | null;
  source: 'behavior' | 'onboarding';
}

export interface BehaviorStats {
  counts: Partial<Record<BehaviorType, number>>;
  /** Distinct UTC days with at least one event. */
  activeDays: number;
  /** UTC day index (epoch ms / 86,400,000, floored) of the newest active day. */
  lastActiveDay: number | null;
  firstAt: number | null;
  lastAt: number | null;
  ratingCount: number;
  ratingSum: number;
}

export interface ProfileState {
  format: typeof PROFILE_STATE_FORMAT;
  userId: string;
  /** seed.at: the time the decayed sums refer to before the first event (no decay before the first event otherwise). */
  createdAt: number | null;
  eventCount: number;
  /** Event time (occurredAt) of the newest applied event: the clock every decayed sum refers to. */
  lastEventAt: number | null;
  /** seq of the newest applied event: (lastEventAt, lastSeq) is the replay position. */
  lastSeq: number | null;
  /**
   * Set by decayProfileTo (the consolidation time), cleared by the next applied event. An event with occurredAt
   * before it is late for this state (see isInOrder): replay it from an earlier snapshot.
   */
  consolidatedAt: number | null;
  /** Dimension of the vectors (null until the first vector). Vectors of another dimension are ignored. */
  dim: number | null;
  long: DecayedVector | null;
  short: DecayedVector | null;
  interests: InterestCluster[];
  nextInterestId: number;
  /** Decayed tallies (facet half-life). */
  facets: { category: Tally; tag: Tally; brand: Tally };
  /** Category tallies with the short half-life ("lately"). */
  recentCategories: Tally;
  /** Decayed tallies by price band (facet half-life): where the user buys vs where they browse. */
  price: { bought: Tally; browsed: Tally };
  stats: BehaviorStats;
  /** Newest first, at most config.recentLimit. */
  recent: RecentInteraction[];
  /** Consumed item ids, oldest first (event order), unique, bounded. */
  consumed: string[];
  /** Rejected item ids (SKIP, DISLIKE), oldest first, unique, bounded. */
  rejected: string[];
  attributes: Record<string, unknown>;
  onboarding: Float32Array | null;
  /** Adaptive feedback evidence: feedback events applied so far. */
  feedback: { evidence: number; positive: number; negative: number };
  /** Events whose vector had a different dimension than the profile (ignored for vectors). */
  dimMismatches: number;
  // Fields below were added after states were first stored: decodeProfileState fills them in (withStateDefaults).
  /** Value tendency (brand loyalty): see ValueState. */
  value: ValueState;
  /** Social ties, folded from the relation log (not from behaviours): see SocialState. */
  social: SocialState;
  /** Opinion from the user's texts (aspects, tone). Last in the layout; states stored before it decode without it. */
  opinion: OpinionState;
}

/**
 * Brand loyalty evidence. `positive` and `repeat` are decayed (facet half-life) counts of liking events (PURCHASE,
 * ADD_TO_CART, FAVORITE, SHARE, a positive RATE or REVIEW) on branded items, `repeat` those whose brand was already
 * in `brands` (the brands of earlier liking events, decayed, capped); `count` is the undecayed number of them.
 */
export interface ValueState {
  positive: number;
  repeat: number;
  count: number;
  brands: Tally;
}

/**
 * The user's own ties, the fold of their relation log in (occurredAt, seq) order, independent of behaviours (no
 * decay, no clock): following and blocked user ids, oldest first, unique, bounded; (lastAt, lastSeq) is the
 * position of the newest relation applied (a relation before it is late: the caller refolds the whole log).
 */
export interface SocialState {
  following: string[];
  blocked: string[];
  relations: number;
  lastAt: number | null;
  lastSeq: number | null;
}

export function emptyValueState(): ValueState {
  return { positive: 0, repeat: 0, count: 0, brands: {} };
}

export function emptySocialState(): SocialState {
  return { following: [], blocked: [], relations: 0, lastAt: null, lastSeq: null };
}

/** Fills in the fields a state written before they existed lacks (old stored states keep decoding). */
export function withStateDefaults(state: ProfileState): ProfileState {
  const s = state as Partial<ProfileState> & ProfileState;
  if (s === null || typeof s !== 'object') return state;
  if (s.value === undefined) s.value = emptyValueState();
  if (s.social === undefined) s.social = emptySocialState();
  if (s.opinion === undefined) s.opinion = emptyOpinion();
  return s;
}

export interface ProfileSeed {
  attributes?: Record<string, unknown>;
  onboardingVector?: Float32Array | null;
  /**
   * Opinion read from the onboarding text: only its aspects are kept. Its overall polarity is not used: a taste
   * description ("gory horror with killers", "rebels fighting an evil empire") reads negative while stating a liking.
   */
  onboardingOpinion?: TextOpinion | null;
  at?: number;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Reads a tally (safe for keys such as "__proto__"). */
export function tallyGet(t: Tally, key: string): number {
  return hasOwn(t, key) ? t[key]! : 0;
}

/** Writes a tally entry (safe for keys such as "__proto__"). */
export function tallySet(t: Tally, key: string, value: number): void {
  if (key !== '__proto__' || hasOwn(t, key)) t[key] = value;
  else Object.defineProperty(t, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Spread defines own properties (a "__proto__" key stays an entry, as tallySet makes it), in key order. */
function cloneTally(t: Tally): Tally {
  return { ...t };
}

/** Deep copy of JSON-like data (keeps -0, NaN, undefined and key order); most attribute objects are empty. */
function cloneJson<T>(v: T): T {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return {} as T;
  return structuredClone(v);
}

/**
 * Structural deep copy (Float32Arrays copied), except interest centroids: they are replaced, never written in
 * place (applyBehavior makes a new one), so states share them. Copying five 512-d centroids per applied event was
 * most of ingest's allocation.
 */
export function cloneState(s: ProfileState): ProfileState {
  return {
    format: s.format,
    userId: s.userId,
    createdAt: s.createdAt,
    eventCount: s.eventCount,
    lastEventAt: s.lastEventAt,
    lastSeq: s.lastSeq,
    consolidatedAt: s.consolidatedAt,
    dim: s.dim,
    long: s.long ? { vec: s.long.vec.slice(), weight: s.long.weight } : null,
    short: s.short ? { vec: s.short.vec.slice(), weight: s.short.weight } : null,
    interests: s.interests.map((c) => ({
      id: c.id,
      centroid: c.centroid,
      weight: c.weight,
      facets: cloneTally(c.facets),
      topItems: cloneTally(c.topItems),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      source: c.source,
    })),
    nextInterestId: s.nextInterestId,
    facets: {
      category: cloneTally(s.facets.category),
      tag: cloneTally(s.facets.tag),
      brand: cloneTally(s.facets.brand),
    },
    recentCategories: cloneTally(s.recentCategories),
    price: { bought: cloneTally(s.price.bought), browsed: cloneTally(s.price.browsed) },
    stats: { ...s.stats, counts: { ...s.stats.counts } },
    recent: s.recent.map((r) => ({ ...r })),
    consumed: s.consumed.slice(),
    rejected: s.rejected.slice(),
    attributes: cloneJson(s.attributes),
    onboarding: s.onboarding ? s.onboarding.slice() : null,
    feedback: { ...s.feedback },
    dimMismatches: s.dimMismatches,
    value: { ...s.value, brands: cloneTally(s.value.brands) },
    social: { ...s.social, following: s.social.following.slice(), blocked: s.social.blocked.slice() },
    opinion: cloneOpinion(s.opinion),
  };
}

/**
 * A fresh profile. The onboarding vector (if any, non-zero) seeds the long-term vector and one interest with
 * config.onboardingWeight, so cold-start users already have a direction; real behaviour soon outweighs it.
 * seed.at is recorded as createdAt: the seed's weight decays from then until the first event when that event is later.
 */
export function newProfile(
  userId: string,
  seed: ProfileSeed = {},
  config: ProfileConfig = DEFAULT_PROFILE_CONFIG,
): ProfileState {
  const at = seed.at ?? null;
  let onboarding: Float32Array | null = null;
  if (seed.onboardingVector && seed.onboardingVector.length > 0 && norm(seed.onboardingVector) > 0) {
    onboarding = normalized(seed.onboardingVector);
    if (config.vectorPrecision === 'f16') roundToF16(onboarding);
  }
  const state: ProfileState = {
    format: PROFILE_STATE_FORMAT,
    userId,
    createdAt: at,
    eventCount: 0,
    lastEventAt: null,
    lastSeq: null,
    consolidatedAt: null,
    dim: onboarding ? onboarding.length : null,
    long: null,
    short: null,
    interests: [],
    nextInterestId: 0,
    facets: { category: {}, tag: {}, brand: {} },
    recentCategories: {},
    price: { bought: {}, browsed: {} },
    stats: {
      counts: {},
      activeDays: 0,
      lastActiveDay: null,
      firstAt: null,
      lastAt: null,
      ratingCount: 0,
      ratingSum: 0,
    },
    recent: [],
    consumed: [],
    rejected: [],
    attributes: cloneJson(seed.attributes ?? {}),
    onboarding,
    feedback: { evidence: 0, positive: 0, negative: 0 },
    dimMismatches: 0,
    value: emptyValueState(),
    social: emptySocialState(),
    opinion: emptyOpinion(),
  };
  if (seed.onboardingOpinion && config.opinion.enabled) addAspects(state.opinion, seed.onboardingOpinion, config);
  if (onboarding && config.onboardingWeight > 0) {
    state.long = { vec: onboarding.slice(), weight: config.onboardingWeight };
    state.interests.push({
      id: state.nextInterestId++,
      centroid: onboarding.slice(),
      weight: config.onboardingWeight,
      facets: {},
      topItems: {},
      createdAt: at,
      updatedAt: at,
      source: 'onboarding',
    });
  }
  return state;
}

/**
 * Replaces the user's attributes (upsertUser). Attributes take no part in the arithmetic, so this keeps replay
 * equality as long as replay is seeded with the same (current) attributes. A changed onboarding text needs a rebuild
 * (replayProfile with the new seed), because the onboarding vector seeds the sums at the start.
 */
export function setProfileAttributes(state: ProfileState, attributes: Record<string, unknown>): ProfileState {
  const s = cloneState(state);
  s.attributes = cloneJson(attributes);
  return s;
}
