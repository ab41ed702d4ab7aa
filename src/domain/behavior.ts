// One vocabulary for what a behaviour event means. The profile and the recommender both weigh events by type,
// but for different purposes, so they keep two named tables here side by side (and two functions with names
// that say what they compute: profilePull in profile/apply.ts, likingEvidence below).

export const BEHAVIOR_TYPES = [
  'VIEW',
  'CLICK',
  'ADD_TO_CART',
  'PURCHASE',
  'RATE',
  'REVIEW',
  'FAVORITE',
  'SHARE',
  'SKIP',
  'DISLIKE',
] as const;
export type BehaviorType = (typeof BEHAVIOR_TYPES)[number];

/** The types that reject their item: never recommended again, and never a seed of the behaviour sources. */
export const REJECTION_TYPES: ReadonlySet<BehaviorType> = new Set<BehaviorType>(['SKIP', 'DISLIKE']);

/** The range RATE values are given on (RATING_MIN..RATING_MAX; default 1..5). */
export interface RatingScale {
  min: number;
  max: number;
}

export type BehaviorWeights = Record<BehaviorType, number>;

/**
 * Profile pull: the step size with which an event moves the profile's decayed vector averages (long-term,
 * short-term, interests) towards (+) or away from (-) the item. Unbounded magnitudes: a purchase pulls twelve
 * times as hard as a view. RATE is scaled by the rating's deviation from the user's own mean (profilePull).
 */
export const PROFILE_PULL_WEIGHTS: Readonly<BehaviorWeights> = Object.freeze({
  PURCHASE: 3,
  ADD_TO_CART: 2,
  FAVORITE: 1.5,
  SHARE: 1.2,
  CLICK: 0.6,
  VIEW: 0.25,
  RATE: 2,
  REVIEW: 2,
  SKIP: -0.5,
  DISLIKE: -2,
});

/**
 * Liking evidence: how much an event says the user likes (+) or rejects (-) the item, bounded to [-1, 1]
 * because the recommender adds it into decayed counters (popularity, co-visitation, transitions) and combines
 * per-pair evidence by noisy-OR, which needs probabilities. RATE uses the rating scale instead (likingEvidence).
 */
export const LIKING_EVIDENCE_WEIGHTS: Readonly<BehaviorWeights> = Object.freeze({
  VIEW: 0.3,
  CLICK: 0.4,
  ADD_TO_CART: 0.7,
  PURCHASE: 1.0,
  RATE: 0, // uses the rating scale
  REVIEW: 0.6,
  FAVORITE: 0.9,
  SHARE: 0.8,
  SKIP: -0.5,
  DISLIKE: -1.0,
});

/**
 * How RATE values become liking evidence: ratings above `neutral` like, below it reject, with
 * neutral = min + neutralShare * (max - min). The default share 0.375 puts neutral at 2.5 on 1..5, so 3 stars is
 * a weak positive (it was watched); on 1..10 neutral is 4.375 and a 3 is a weak negative.
 */
export interface RatingEvidence {
  scale: RatingScale;
  neutralShare: number;
}

/**
 * How the polarity of an event's text (BehaviorEvent.opinion, stored on the log row at write time) changes its liking
 * evidence: a text at or under `panThreshold` turns liking into rejection as a low rating does, -min(1, |polarity| /
 * fullAt) (at the defaults a review reading -0.5 or lower counts as a one-star rating); any other text leaves the
 * type's evidence as it is. The defaults are the profile's (profile/config.ts `opinion`): both sides read a text alike.
 */
export interface OpinionEvidence {
  enabled: boolean;
  panThreshold: number;
  fullAt: number;
}

/**
 * Signed liking evidence of an event in [-1, 1] (positive = liking); RATE: clamp((v - neutral) / (max - neutral)); a
 * panned text (see OpinionEvidence) turns positive evidence negative.
 */
export function likingEvidence(
  event: { type: BehaviorType; value: number | null; opinion?: number | null },
  weights: Partial<BehaviorWeights>,
  rating: RatingEvidence,
  opinion?: OpinionEvidence,
): number {
  const w = typeEvidence(event, weights, rating);
  const p = event.opinion;
  if (!opinion?.enabled || p === null || p === undefined || !Number.isFinite(p) || w <= 0) return w;
  if (p > opinion.panThreshold) return w;
  return -Math.min(1, Math.abs(p) / opinion.fullAt);
}

function typeEvidence(
  event: { type: BehaviorType; value: number | null },
  weights: Partial<BehaviorWeights>,
  rating: RatingEvidence,
): number {
  if (event.type === 'RATE') {
    if (event.value === null || !Number.isFinite(event.value)) return 0;
    const { min, max } = rating.scale;
    const neutral = min + rating.neutralShare * (max - min);
    return Math.max(-1, Math.min(1, (event.value - neutral) / (max - neutral)));
  }
  return weights[event.type] ?? 0;
}
