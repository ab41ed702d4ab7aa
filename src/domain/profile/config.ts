// Tunable knobs of the profile engine. Plain data; validateProfileConfig merges overrides (env, eval tuning).
import { BEHAVIOR_TYPES, PROFILE_PULL_WEIGHTS, type BehaviorType, type RatingScale } from '../behavior.js';

export type VersioningStrategy = 'realtime' | 'event-triggered';

export interface ProfileConfig {
  /**
   * Profile pull of each behaviour type (default PROFILE_PULL_WEIGHTS in domain/behavior.ts). Positive pulls the
   * profile towards the item, negative pushes it away.
   * RATE is special: its weight is `weights.RATE * deviation`, where deviation = (rating - the user's running mean
   * rating) / half the rating range, so a rating above the user's own mean pulls and one below pushes.
   * REVIEW uses the review's text vector (falls back to the item vector when the text has none).
   */
  weights: Record<BehaviorType, number>;
  /** Rating scale for RATE events (default 1..5). */
  ratingScale: RatingScale;
  /** Pseudo-ratings at the scale midpoint that prime the running mean (keeps the first ratings meaningful). */
  ratingPriorCount: number;
  /** Half-life of the long-term vector and of interest clusters (days). */
  longHalfLifeDays: number;
  /** Half-life of the short-term vector and of the "lately" category tallies (days). */
  shortHalfLifeDays: number;
  /** Half-life of category/tag/brand/price tallies (days). */
  facetHalfLifeDays: number;
  /** Maximum number of interest clusters. */
  maxInterests: number;
  /** A positive event whose vector has cosine below this to every interest spawns a new interest. */
  spawnSimilarity: number;
  /** Two interests whose centroids have cosine at or above this merge. */
  mergeSimilarity: number;
  /**
   * Interests whose decayed weight falls under this are forgotten (at events and by consolidation), except the
   * strongest one, which is always kept so that a long-inactive user still has a main interest. Also: the short-term
   * vector counts as absent (no recent activity) when its decayed weight is under this.
   */
  forgetWeight: number;
  /** "Lately" category tallies (short half-life) under this decayed weight are dropped. */
  facetPruneWeight: number;
  /**
   * Category/tag/brand and price-band values weaker than this fraction of the strongest value of their kind are
   * dropped at each event. Relative, so long inactivity alone never empties the facets.
   */
  facetPruneRatio: number;
  /** Maximum facet values kept per kind (category, tag, brand). */
  maxFacetsPerKind: number;
  /** Facet values and top items kept per interest. */
  maxClusterFacets: number;
  maxClusterItems: number;
  /** Weight of the onboarding vector as a seed of the long-term vector and of one interest. */
  onboardingWeight: number;
  /** Recent interactions kept (newest first). */
  recentLimit: number;
  /** Behaviour types that mark an item as consumed (excluded by the default recommendation filter). */
  consumedTypes: BehaviorType[];
  /** Bounds of the consumed and rejected id lists (oldest dropped first). */
  maxConsumed: number;
  maxRejected: number;
  /** The store writes a full state snapshot every N versions. */
  snapshotEvery: number;
  versioning: {
    strategy: VersioningStrategy;
    /** event-triggered: these types always write a version. */
    triggerTypes: BehaviorType[];
    /** event-triggered: a long-term drift (1 - cosine) at or above this writes a version. */
    driftThreshold: number;
  };
  /**
   * Adaptive feedback: explicit feedback types nudge the long- and short-term vectors towards (+) or away from (-)
   * the item by rate = max(minRate, baseRate / (1 + evidence / evidenceScale)), where evidence counts the feedback
   * events already applied, so the step shrinks as evidence accumulates. The long-term vector gets
   * rate * longTermShare. Applies to every event of `types` (the event log does not say whether an item was
   * recommended, and replay must see the same events the live path saw).
   */
  feedback: {
    enabled: boolean;
    types: Partial<Record<BehaviorType, 1 | -1>>;
    baseRate: number;
    minRate: number;
    evidenceScale: number;
    /** Fraction of the rate applied to the long-term vector (the short-term vector gets the full rate). */
    longTermShare: number;
  };
  /**
   * Precision of the stored vectors. 'f16': every vector update is rounded to a float16-representable value with
   * deterministic (seeded by the event's userId and eventId) stochastic rounding, which is unbiased and lets the
   * codec store the vectors losslessly in 2 bytes per dimension. 'f32': full float32.
   */
  vectorPrecision: 'f16' | 'f32';
  /** Number of changed facets reported per change. */
  changedFacetsLimit: number;
  /**
   * Opinion read from the event's text (EventContext.textOpinion): any event whose text is at or under panThreshold,
   * a review included, pushes instead of pulling (fully at |polarity| >= fullAt); other texts leave the pull as it is
   * (the recommender reads the stored polarity with the same threshold: RecommendConfig.opinion). Aspects are capped at maxAspects; the summary names aspects with |opinion| >= summaryMinStrength and at
   * least summaryMinMentions (decayed) mentions.
   */
  opinion: {
    enabled: boolean;
    fullAt: number;
    panThreshold: number;
    maxAspects: number;
    /** Keys of the newest texts kept for read-side views (LLM features extracted later). */
    recentTexts: number;
    summaryMinMentions: number;
    summaryMinStrength: number;
  };
}

export const DEFAULT_PROFILE_CONFIG: ProfileConfig = Object.freeze({
  weights: { ...PROFILE_PULL_WEIGHTS },
  ratingScale: { min: 1, max: 5 },
  ratingPriorCount: 2,
  longHalfLifeDays: 30,
  shortHalfLifeDays: 2,
  facetHalfLifeDays: 30,
  maxInterests: 5,
  spawnSimilarity: 0.3,
  mergeSimilarity: 0.8,
  forgetWeight: 0.05,
  facetPruneWeight: 0.01,
  facetPruneRatio: 0.01,
  maxFacetsPerKind: 48,
  maxClusterFacets: 8,
  maxClusterItems: 5,
  onboardingWeight: 1,
  recentLimit: 20,
  consumedTypes: ['CLICK', 'ADD_TO_CART', 'PURCHASE', 'RATE', 'REVIEW', 'FAVORITE', 'SHARE'],
  maxConsumed: 2000,
  maxRejected: 500,
  snapshotEvery: 32,
  versioning: { strategy: 'realtime', triggerTypes: ['PURCHASE'], driftThreshold: 0.05 },
  feedback: {
    enabled: true,
    types: { CLICK: 1, PURCHASE: 1, SKIP: -1, DISLIKE: -1 },
    baseRate: 0.05,
    minRate: 0.002,
    evidenceScale: 10,
    longTermShare: 0.25,
  },
  vectorPrecision: 'f16',
  changedFacetsLimit: 5,
  opinion: {
    enabled: true,
    fullAt: 0.5,
    panThreshold: -0.3,
    maxAspects: 24,
    recentTexts: 20,
    summaryMinMentions: 1.5,
    summaryMinStrength: 0.4,
  },
} satisfies ProfileConfig) as ProfileConfig;

export type ProfileConfigOverrides = {
  [K in keyof ProfileConfig]?: ProfileConfig[K] extends BehaviorType[]
    ? ProfileConfig[K]
    : ProfileConfig[K] extends object
      ? Partial<ProfileConfig[K]>
      : ProfileConfig[K];
};

function fail(msg: string): never {
  throw new RangeError(`invalid profile config: ${msg}`);
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    fail(`${name} must be a positive number (got ${String(v)})`);
  return v;
}

function inRange(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    fail(`${name} must be in [${lo}, ${hi}] (got ${String(v)})`);
  return v;
}

function int(name: string, v: unknown, lo: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo)
    fail(`${name} must be an integer >= ${lo} (got ${String(v)})`);
  return v;
}

function types(name: string, v: unknown): BehaviorType[] {
  if (!Array.isArray(v)) fail(`${name} must be an array of behaviour types`);
  for (const t of v)
    if (!(BEHAVIOR_TYPES as readonly unknown[]).includes(t)) fail(`${name}: unknown behaviour type ${String(t)}`);
  return [...new Set(v as BehaviorType[])];
}

/**
 * Merges overrides onto DEFAULT_PROFILE_CONFIG (nested objects are merged one level deep) and validates the result.
 * Throws RangeError with a readable message on invalid values. Returns a fresh object (never the frozen default).
 */
export function validateProfileConfig(overrides: ProfileConfigOverrides | Partial<ProfileConfig> = {}): ProfileConfig {
  const d = DEFAULT_PROFILE_CONFIG;
  const o = overrides as Partial<Record<keyof ProfileConfig, unknown>>;
  const obj = <T extends object>(k: keyof ProfileConfig, base: T): T => {
    const v = o[k];
    if (v === undefined) return { ...base };
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${String(k)} must be an object`);
    return { ...base, ...(v as Partial<T>) };
  };
  const pick = <K extends keyof ProfileConfig>(k: K): ProfileConfig[K] =>
    o[k] === undefined ? d[k] : (o[k] as ProfileConfig[K]);

  const weights = obj('weights', d.weights);
  for (const t of BEHAVIOR_TYPES) {
    const w = weights[t];
    if (typeof w !== 'number' || !Number.isFinite(w)) fail(`weights.${t} must be a finite number`);
  }
  for (const t of ['PURCHASE', 'ADD_TO_CART', 'FAVORITE', 'SHARE', 'CLICK', 'VIEW', 'RATE', 'REVIEW'] as const) {
    if (weights[t] < 0) fail(`weights.${t} must be >= 0`);
  }
  for (const t of ['SKIP', 'DISLIKE'] as const) if (weights[t] > 0) fail(`weights.${t} must be <= 0`);

  const ratingScale = obj('ratingScale', d.ratingScale);
  if (!(Number.isFinite(ratingScale.min) && Number.isFinite(ratingScale.max) && ratingScale.max > ratingScale.min)) {
    fail('ratingScale.max must be greater than ratingScale.min');
  }
  const versioning = obj('versioning', d.versioning);
  if (versioning.strategy !== 'realtime' && versioning.strategy !== 'event-triggered') {
    fail(`versioning.strategy must be 'realtime' or 'event-triggered'`);
  }
  versioning.triggerTypes = types('versioning.triggerTypes', versioning.triggerTypes);
  inRange('versioning.driftThreshold', versioning.driftThreshold, 0, 2);

  const feedback = obj('feedback', d.feedback);
  feedback.types = { ...feedback.types };
  for (const [t, s] of Object.entries(feedback.types)) {
    if (!(BEHAVIOR_TYPES as readonly string[]).includes(t)) fail(`feedback.types: unknown behaviour type ${t}`);
    if (s !== 1 && s !== -1) fail(`feedback.types.${t} must be 1 or -1`);
  }
  inRange('feedback.baseRate', feedback.baseRate, 0, 1);
  inRange('feedback.minRate', feedback.minRate, 0, 1);
  if (feedback.minRate > feedback.baseRate) fail('feedback.minRate must be <= feedback.baseRate');
  positive('feedback.evidenceScale', feedback.evidenceScale);
  inRange('feedback.longTermShare', feedback.longTermShare, 0, 1);

  const opinion = obj('opinion', d.opinion);
  opinion.enabled = opinion.enabled !== false;
  inRange('opinion.fullAt', opinion.fullAt, 1e-3, 1);
  inRange('opinion.panThreshold', opinion.panThreshold, -1, 0);
  int('opinion.maxAspects', opinion.maxAspects, 1);
  int('opinion.recentTexts', opinion.recentTexts, 0);
  inRange('opinion.summaryMinMentions', opinion.summaryMinMentions, 0, 1e6);
  inRange('opinion.summaryMinStrength', opinion.summaryMinStrength, 0, 1);

  const cfg: ProfileConfig = {
    weights,
    ratingScale,
    ratingPriorCount: inRange('ratingPriorCount', pick('ratingPriorCount'), 0, 1e6),
    longHalfLifeDays: positive('longHalfLifeDays', pick('longHalfLifeDays')),
    shortHalfLifeDays: positive('shortHalfLifeDays', pick('shortHalfLifeDays')),
    facetHalfLifeDays: positive('facetHalfLifeDays', pick('facetHalfLifeDays')),
    maxInterests: int('maxInterests', pick('maxInterests'), 1),
    spawnSimilarity: inRange('spawnSimilarity', pick('spawnSimilarity'), -1, 1),
    mergeSimilarity: inRange('mergeSimilarity', pick('mergeSimilarity'), -1, 1),
    forgetWeight: inRange('forgetWeight', pick('forgetWeight'), 0, 1e6),
    facetPruneWeight: inRange('facetPruneWeight', pick('facetPruneWeight'), 0, 1e6),
    facetPruneRatio: inRange('facetPruneRatio', pick('facetPruneRatio'), 0, 1),
    maxFacetsPerKind: int('maxFacetsPerKind', pick('maxFacetsPerKind'), 1),
    maxClusterFacets: int('maxClusterFacets', pick('maxClusterFacets'), 1),
    maxClusterItems: int('maxClusterItems', pick('maxClusterItems'), 1),
    onboardingWeight: inRange('onboardingWeight', pick('onboardingWeight'), 0, 1e6),
    recentLimit: int('recentLimit', pick('recentLimit'), 0),
    consumedTypes: types('consumedTypes', pick('consumedTypes')),
    maxConsumed: int('maxConsumed', pick('maxConsumed'), 0),
    maxRejected: int('maxRejected', pick('maxRejected'), 0),
    snapshotEvery: int('snapshotEvery', pick('snapshotEvery'), 1),
    versioning,
    feedback,
    vectorPrecision: pick('vectorPrecision'),
    changedFacetsLimit: int('changedFacetsLimit', pick('changedFacetsLimit'), 0),
    opinion,
  };
  if (cfg.vectorPrecision !== 'f16' && cfg.vectorPrecision !== 'f32') fail(`vectorPrecision must be 'f16' or 'f32'`);
  if (cfg.mergeSimilarity < cfg.spawnSimilarity) fail('mergeSimilarity must be >= spawnSimilarity');
  return cfg;
}
