// Plain data types shared by the domain (profiles, scoring, explanations). No I/O here.

import type { BehaviorType } from './behavior.js';

export { BEHAVIOR_TYPES, type BehaviorType } from './behavior.js';

/** A unit-length (or zero) embedding produced by one encoder. */
export type Vector = Float32Array;

/**
 * A behaviour event: the one definition from validation inward (the store's log rows are these plus a receipt
 * time; only the GraphQL edges map to and from other shapes). Times are epoch milliseconds.
 */
export interface BehaviorEvent {
  /** Store sequence number: breaks ties between events with the same occurredAt, so replay order is total. */
  seq: number;
  eventId: string;
  userId: string;
  itemId: string | null;
  type: BehaviorType;
  value: number | null;
  text: string | null;
  /**
   * Polarity in [-1, 1] of the event's text (TextOpinion.polarity), read once when the event is written and stored on
   * its log row, so every follower of the log (replicas, rebuilds) reads the same liking evidence without reading the
   * text again. Absent or null: no text, or logged before opinions were stored.
   */
  opinion?: number | null;
  occurredAt: number;
}

/** A validated event before the log has given it its sequence number. */
export type NewBehaviorEvent = Omit<BehaviorEvent, 'seq'>;

/** The catalogue facts about an item that profiles and scoring use. */
export interface ItemFeatures {
  id: string;
  title: string;
  category: string | null;
  tags: string[];
  brand: string | null;
  price: number | null;
}

/** What the domain needs next to an event to apply it: the item's features and vectors, already looked up. */
export interface EventContext {
  item: ItemFeatures | null;
  /** Embedding of the item the event is about (null when the item has none or the event has no item). */
  itemVector: Vector | null;
  /** Embedding of the event's own text (reviews); null when there is no text. */
  textVector: Vector | null;
  /**
   * The direction every text of the encoder shares (inference/textDirection.ts): removed from textVector before the
   * text pulls the profile (profile/textPull.ts). Absent or null: the text pulls as encoded.
   */
  textDirection?: Vector | null;
  /** Opinion read from the event's text (absent or null: no text, or no opinion reader). */
  textOpinion?: TextOpinion | null;
}

/** An aspect named in a text ("price", "smell") and the opinion on it, in [-1, 1]. */
export interface AspectOpinion {
  aspect: string;
  polarity: number;
}

/**
 * What a text says about its subject, read outside the domain (src/inference/opinion) as a deterministic function of
 * the text and the encoder: overall polarity in [-1, 1] (negative = panned) and the aspects it names.
 */
export interface TextOpinion {
  polarity: number;
  aspects: AspectOpinion[];
  /** A stable key of the text (a hash): read-side views find what was extracted from the text later by it. */
  key?: string;
}

/** Orders events the way replay must apply them. */
export function compareEvents(
  a: Pick<BehaviorEvent, 'occurredAt' | 'seq'>,
  b: Pick<BehaviorEvent, 'occurredAt' | 'seq'>,
): number {
  return a.occurredAt - b.occurredAt || a.seq - b.seq;
}

/** A weighted facet of a profile: e.g. { kind: 'category', value: 'Documentary', weight: 0.42 }. */
export interface FacetWeight {
  kind: string;
  value: string;
  weight: number;
}

/** One interest cluster of a profile, as scoring and the API see it. */
export interface InterestSignal {
  label: string;
  weight: number;
  vector: Vector;
  /** Items that contributed most to this interest (evidence for explanations). */
  topItemIds: string[];
}

/** A recent interaction, newest first in ProfileSignals.recent. */
export interface RecentInteraction {
  itemId: string;
  type: BehaviorType;
  occurredAt: number;
  /** Positive for liking signals, negative for SKIP/DISLIKE/low ratings. */
  weight: number;
}

/**
 * Everything recommendation scoring needs to know about a user, derived from the profile.
 * Decouples scoring (src/domain/recommend) from how profiles are built (src/domain/profile).
 */
export interface ProfileSignals {
  userId: string;
  longTerm: Vector | null;
  shortTerm: Vector | null;
  interests: InterestSignal[];
  facets: FacetWeight[];
  /** Newest first, bounded (e.g. last 20). */
  recent: RecentInteraction[];
  /** Items the default filter must exclude (consumed by the configured behaviour types). */
  consumed: Set<string>;
  /** Items the user pushed away (SKIP, DISLIKE): never recommended again. */
  rejected: Set<string>;
  attributes: Record<string, unknown>;
  /** Vector of the onboarding text, kept for cold start. */
  onboarding: Vector | null;
  eventCount: number;
  /** Users the user follows (oldest first) and has blocked (social ties; absent means none). */
  following?: string[];
  blocked?: string[];
}

export const REASON_KINDS = [
  'SIMILAR_TO_RECENT',
  'INTEREST',
  'ALSO_LIKED',
  'NEXT_IN_SEQUENCE',
  'TRENDING',
  'POPULAR',
  'SIMILAR_USERS',
  'ONBOARDING',
  'SIMILAR_ITEM',
  'EXPLORATION',
  'FOLLOWING',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

export interface Reason {
  kind: ReasonKind;
  text: string;
  itemId?: string;
  facet?: string;
  value?: string;
}

export interface ScoredRecommendation {
  itemId: string;
  score: number;
  reasons: Reason[];
}

export interface RecommendationFilter {
  categories?: string[];
  excludeCategories?: string[];
  priceMin?: number;
  priceMax?: number;
  excludeItemIds?: string[];
}
