// Tunable knobs of the recommender. Pure data; the evaluation harness overrides them per dataset.
import { LIKING_EVIDENCE_WEIGHTS, type BehaviorType, type OpinionEvidence, type RatingEvidence } from '../behavior.js';

export const SOURCE_NAMES = [
  'content',
  'collaborative',
  'sequential',
  'popularity',
  'trending',
  'segment',
  'ease',
  'social',
  'embedding',
  'similarUsers',
  'likeRecent',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface RecommendConfig {
  /** Blend weight per candidate source (applied to per-source normalised scores). */
  weights: Record<SourceName, number>;
  /** How many candidates each source may contribute per request (bounds latency). */
  candidates: Record<SourceName, number>;
  /**
   * Per-source score normalisation before blending. 'calibrated' (default): similarity sources keep their
   * absolute [0, 1] scale (cosine, shrunk co-visitation cosine, shrunk transition probability, combined by
   * noisy-OR over seed items) and count sources (popularity, trending, segment) are divided by their best
   * score; 'max': every source divided by its best score; 'rank': 1 - rank / n.
   */
  normalization: 'calibrated' | 'max' | 'rank';
  /**
   * Liking evidence of each behaviour type in [-1, 1] (default LIKING_EVIDENCE_WEIGHTS, domain/behavior.ts; RATE
   * uses `rating` instead). Positive = liking, negative = pushing away.
   */
  eventWeights: Record<BehaviorType, number>;
  /**
   * RATE events: evidence = clamp((value - neutral) / (max - neutral), -1, 1), neutral = min + neutralShare *
   * (max - min) on the configured scale (the server passes RATING_MIN..RATING_MAX). Default 1..5 and 0.375:
   * neutral 2.5, so 3 stars is a weak positive (it was watched). Override `scale` whole (merged one level deep).
   */
  rating: RatingEvidence;
  /**
   * The polarity of an event's text (stored on its log row): a panned text (polarity <= panThreshold) turns liking
   * evidence into rejection, -min(1, |polarity| / fullAt), as a low rating would; enabled false ignores it.
   */
  opinion: OpinionEvidence;
  /**
   * Which rated items in the user's recent history seed the behaviour sources (co-visitation, transitions,
   * similar users). 'liking': those the profile read as liking (above the user's own mean rating).
   * 'interaction' (default, chosen jointly on the shared datasets): every rated item, weight 1: for logs where a rating mostly records that the item was consumed
   * (MovieLens: what is rated next follows what was rated last, whatever the stars); model:tune tries it.
   */
  recentRatings: 'liking' | 'interaction';
  coVisitation: {
    /** Two items co-occur when the same user touched both within this many ms... */
    windowMs: number;
    /** ...and among their last `windowItems` positive items (the per-user buffer size). */
    windowItems: number;
    /** Exponential time decay of co-occurrence counts. */
    halfLifeMs: number;
    /** Neighbours kept per item (memory bound: items x neighbours). */
    neighboursPerItem: number;
    /** How many of the user's recent positive items seed the collaborative source. */
    seedItems: number;
    /** Shrinkage (in co-occurrence units) added to the cosine denominator: rare pairs score low. */
    shrinkage: number;
  };
  sequential: {
    /** A transition prev -> next counts only when next follows prev within this gap. */
    maxGapMs: number;
    halfLifeMs: number;
    neighboursPerItem: number;
    /** How many of the user's most recent items seed the sequential source (weights 1, seedDecay, seedDecay^2...). */
    seedItems: number;
    /** Weight ratio between consecutive seeds (0.5: 1, 1/2, 1/4...). */
    seedDecay: number;
    /**
     * Transitions learned per event: from the latest 1 (first-order) up to `skipWindow` earlier items ("skip"
     * transitions, the d-th latest weighted skipDecay^(d-1)), all within maxGapMs.
     */
    skipWindow: number;
    skipDecay: number;
    /** Shrinkage added to the outgoing count in P(next | prev). */
    shrinkage: number;
  };
  popularity: {
    halfLifeMs: number;
    trendingHalfLifeMs: number;
    /** Size of the incrementally maintained most-popular and most-trending lists. */
    topK: number;
    /** An item is TRENDING when its short-term rate is at least this multiple of its long-term rate. */
    trendingMinLift: number;
  };
  segment: {
    /** Bound on distinct attribute segments tracked (key=value pairs). */
    maxSegments: number;
    /** Items kept per segment. */
    itemsPerSegment: number;
    /** Numeric attribute values are bucketed by this width (age 34 -> "30"). */
    numericBucket: number;
  };
  users: {
    /** Users whose recent-item buffer is kept (least recently seen evicted beyond this). */
    maxTracked: number;
  };
  content: {
    /** Interest clusters queried per request (largest weights first) at the cold-start content weight. */
    maxInterests: number;
    /**
     * Interest clusters queried at the warm weight (weights.content), rising linearly with the content weight to
     * maxInterests at coldStartContentWeight. Each query is a walk (or scan) of the whole vector index whatever its
     * k, and a warm user's content score only nudges what the behaviour sources found: searching the strongest
     * interests is enough there (sources/content.ts).
     */
    warmInterests: number;
    /** Candidates searched for at the warm weight, rising linearly to candidates.content at the cold-start weight. */
    warmCandidates: number;
    shortTermWeight: number;
    longTermWeight: number;
    onboardingWeight: number;
    /** Below this many events the onboarding vector is queried (its weight fades linearly to 0 here). */
    coldStartEvents: number;
    /**
     * Blend weight of the content source for a user with no events; it fades linearly to weights.content at
     * coldStartEvents (content is the only personal evidence a new user has).
     */
    coldStartContentWeight: number;
    /** Minimum cosine between a candidate and a recent item for a SIMILAR_TO_RECENT reason. */
    similarToRecentMin: number;
    /**
     * Brand-new items (upserted after the model had seen events, untouched since) have no behaviour
     * evidence; their content score is also credited to the collaborative blend at this rate (imputation),
     * so a new item matching the user competes with co-visited ones. 0 turns it off. Items loaded before
     * any event (a catalogue at start) are not boosted.
     */
    coldItemBoost: number;
  };
  diversity: {
    /** MMR trade-off: 1 = pure relevance, 0 = pure novelty. */
    lambda: number;
    /** At most this share of the top K from one category (relaxed only when no other category is left). */
    maxCategoryShare: number;
    /** MMR re-ranks the best max(first * poolFactor, minPool) blended candidates. */
    poolFactor: number;
    minPool: number;
  };
  explore: {
    /** Share of slots given to exploration (0..1). */
    share: number;
    /** Base seed; the request seed defaults to hash(seed, userId, hour of `now`). */
    seed: number;
    /** Items with at most this many observed events count as low-exposure. */
    maxExposure: number;
    /** Beta prior of Thompson sampling on positive / negative feedback. */
    priorAlpha: number;
    priorBeta: number;
    /** Random catalogue items added to the exploration pool. */
    randomPool: number;
  };
  /**
   * Optional EASE source (src/domain/recommend/ease.ts). When enabled, observe() also keeps each user's
   * positive item set (O(events) ints) and the first recommend() after events fits EASE once; refit later
   * with model.fitEase() (a job: O(maxItems^3)). Off by default: the server never needs it to start.
   */
  ease: { enabled: boolean; lambda: number; maxItems: number; neighbours: number };
  /** Social source (sources/social.ts): what the users one follows liked. */
  /**
   * Embedding source (sources/embedding.ts): the user's recent items in a fused text + behaviour item space. The
   * behaviour vectors are a truncated SVD of the PPMI of the co-visitation counts, fitted on the first request
   * after events and refitted by model.fitEmbedding() (a job); items without behaviour are placed by a ridge map
   * of their text vector. O(items x (dim + textDim)) per request: off by default.
   */
  embedding: {
    enabled: boolean;
    /** Behaviour vector dimension (SVD rank). */
    dim: number;
    /** Power iterations of the randomized SVD. */
    iterations: number;
    /** Share of the text cosine in the fused score (the rest is the behaviour cosine). */
    textShare: number;
    /** Ridge regularisation of the text -> behaviour map (0 turns the map off). */
    ridgeLambda: number;
    /** Recent positive items averaged into the query, weights 1, seedDecay, seedDecay^2... */
    seedItems: number;
    seedDecay: number;
  };
  /**
   * Similar-users source (sources/similarUsers.ts, session kNN): keeps each user's last itemsPerUser positive items
   * and each item's last usersPerItem users (O(users x itemsPerUser) ints) when enabled.
   */
  similarUsers: {
    enabled: boolean;
    /** The user's most recent positive items that find neighbours (weights linear in recency). */
    recentItems: number;
    /** Most similar users that vote. */
    neighbours: number;
    itemsPerUser: number;
    usersPerItem: number;
  };
  /**
   * Like-recent source (sources/likeRecent.ts): rescores what the other sources proposed by text-vector similarity to
   * the user's latest positive items, so a behaviour candidate that also resembles what was just chosen moves up.
   * Keeps no state; blend weight weights.likeRecent, at most candidates.likeRecent candidates scored per request.
   */
  likeRecent: {
    /** The user's most recent positive items a candidate is compared with. */
    recentItems: number;
    /** Weight ratio between consecutive recent items (most recent 1, then stepDecay, stepDecay^2...). */
    stepDecay: number;
    /**
     * Nearest items searched per recent item as candidates of its own; 0 (default) proposes none: the content source
     * already searches near the recent items (the short-term vector), and a search per recent item is a walk of the
     * whole index each.
     */
    searchK: number;
  };
  social: {
    /** Age at which a followee's positive event counts half. */
    halfLifeMs: number;
    /** Most recently followed users consulted per request. */
    maxFollowees: number;
  };
  /** Value re-ranking (valueRerank.ts): cheaper alternatives first for price-sensitive users. */
  value: {
    /** Largest relative change of a candidate's score (0 turns the re-ranking off). */
    priceStrength: number;
    /** The user's price_sensitivity facet must be at least this for the re-ranking to apply. */
    minSensitivity: number;
  };
  /** Verb per behaviour type in "Because you <verb> <title>"; missing types use defaultVerb. */
  reasonVerbs: Partial<Record<BehaviorType, string>>;
  defaultVerb: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * "No limit" for a time window or half-life: a century, finite because the configuration travels as JSON (tune
 * records, snapshots' configuration key), where Infinity would become null.
 */
export const NO_TIME_LIMIT_MS = 100 * 365 * DAY;

export const DEFAULT_RECOMMEND_CONFIG: RecommendConfig = {
  // Chosen jointly on ML-100K and Amazon Scientific validation targets (the best worst-case gain of four candidates;
  // eval/results/quality2-variants.md): behaviour sources dominate once there is history; content drives cold start
  // (it is the only personal source then) and, through coldItemBoost, brand-new items.
  // social: not tuned (the public datasets have no ties); set like the sequential source.
  weights: {
    content: 0.1,
    collaborative: 8,
    sequential: 4,
    popularity: 0.05,
    trending: 0,
    segment: 0.5,
    ease: 8,
    social: 2,
    embedding: 1,
    similarUsers: 0.5,
    // Off: at every weight tried it lowered ML-100K validation NDCG@10 (0.1042 at 0, 0.1004 at 0.25, 0.0865 at 0.75)
    // while raising Amazon Scientific's (0.0972 -> 0.1002 at 0.75), likely because a title-and-genre vector says
    // little about a film. On a text-rich catalogue turn it on (0.75 was best there; model:tune tries it).
    likeRecent: 0,
  },
  candidates: {
    content: 100,
    collaborative: 200,
    sequential: 50,
    popularity: 100,
    trending: 50,
    segment: 100,
    ease: 200,
    social: 50,
    embedding: 100,
    similarUsers: 100,
    likeRecent: 100,
  },
  normalization: 'calibrated',
  eventWeights: { ...LIKING_EVIDENCE_WEIGHTS },
  rating: { scale: { min: 1, max: 5 }, neutralShare: 0.375 },
  opinion: { enabled: true, panThreshold: -0.3, fullAt: 0.5 },
  recentRatings: 'interaction',
  // The item graph (co-visitation, transitions) has no time window and does not decay by default; the user's item
  // buffers (windowItems, skipWindow) bound what pairs. With 7-day windows and 30-day half-lives, Amazon Scientific
  // with shop-like gaps between a user's purchases (log-normal, median 30 days: eval/toGeneric.ts --gap-days 30) fell
  // from 0.0951 to 0.0486 validation NDCG@10, below item-kNN, because most pairs were over a week apart and the graph
  // kept only the last months; without them 0.0936. Cost elsewhere (validation): ML-100K 0.1042 -> 0.1018, ML-1M
  // 0.1002 -> 0.0997, Amazon Scientific unchanged (eval/results/variants/item-graph-decay.md). Popularity and
  // trending still decay: they are about now. model:tune tries the session-dense setting (7 days, 30 days).
  coVisitation: {
    windowMs: NO_TIME_LIMIT_MS,
    windowItems: 50,
    halfLifeMs: NO_TIME_LIMIT_MS,
    neighboursPerItem: 100,
    seedItems: 20,
    shrinkage: 2,
  },
  sequential: {
    maxGapMs: NO_TIME_LIMIT_MS,
    halfLifeMs: NO_TIME_LIMIT_MS,
    neighboursPerItem: 100,
    seedItems: 10,
    seedDecay: 0.7,
    skipWindow: 5,
    skipDecay: 0.7,
    shrinkage: 2,
  },
  popularity: { halfLifeMs: 30 * DAY, trendingHalfLifeMs: 1 * DAY, topK: 500, trendingMinLift: 1.5 },
  segment: { maxSegments: 10_000, itemsPerSegment: 100, numericBucket: 10 },
  users: { maxTracked: 200_000 },
  // One interest searched: the profile keeps up to five (its API and console show them), but searching the weaker
  // ones changed validation NDCG@10 by at most 0.1% on ML-100K, Amazon Scientific and the spaced-log proxy, cold
  // users included, and each search is a walk of the whole index (eval/results/variants/profile-components.md).
  content: {
    maxInterests: 1,
    warmInterests: 1,
    warmCandidates: 64,
    shortTermWeight: 1.0,
    longTermWeight: 0.6,
    onboardingWeight: 1.0,
    coldStartEvents: 10,
    coldStartContentWeight: 1.0,
    similarToRecentMin: 0.3,
    coldItemBoost: 0.25,
  },
  diversity: { lambda: 0.8, maxCategoryShare: 0.8, poolFactor: 5, minPool: 50 },
  explore: { share: 0.1, seed: 0x7a57e, maxExposure: 20, priorAlpha: 1, priorBeta: 1, randomPool: 50 },
  ease: { enabled: false, lambda: 250, maxItems: 3000, neighbours: 100 },
  embedding: { enabled: false, dim: 64, iterations: 3, textShare: 0, ridgeLambda: 1, seedItems: 5, seedDecay: 0.7 },
  similarUsers: { enabled: true, recentItems: 5, neighbours: 300, itemsPerUser: 50, usersPerItem: 1000 },
  likeRecent: { recentItems: 5, stepDecay: 0.7, searchK: 0 },
  social: { halfLifeMs: 14 * DAY, maxFollowees: 200 },
  value: { priceStrength: 0.15, minSensitivity: 0.5 },
  reasonVerbs: {
    VIEW: 'viewed',
    CLICK: 'viewed',
    ADD_TO_CART: 'added to cart',
    PURCHASE: 'bought',
    RATE: 'rated',
    REVIEW: 'reviewed',
    FAVORITE: 'liked',
    SHARE: 'shared',
  },
  defaultVerb: 'interacted with',
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** DEFAULT_RECOMMEND_CONFIG (or `base`) overridden by `partial`, merged one level into each nested group. */
export function mergeRecommendConfig(
  partial: DeepPartial<RecommendConfig> | undefined,
  base: RecommendConfig = DEFAULT_RECOMMEND_CONFIG,
): RecommendConfig {
  const out = structuredClone(base) as RecommendConfig;
  if (!partial) return out;
  const target = out as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    const current = target[key];
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object'
    ) {
      target[key] = {
        ...(current as object),
        ...Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)),
      };
    } else {
      target[key] = value;
    }
  }
  return out;
}
