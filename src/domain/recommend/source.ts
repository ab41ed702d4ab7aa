// The contract every candidate source implements. A source may keep its own behaviour state (fed by `observe`)
// and proposes scored candidates per request; blend.ts normalises and weights what each returns.
//
// Adding a source: implement CandidateSource in sources/, add its name to SOURCE_NAMES with a default weight and
// candidate limit in config.ts, and append it to RecommenderModel's `sources` list (the list order is the blend
// order, which sums and ties depend on: append, do not insert, to keep existing rankings).
import type { BehaviorEvent, BehaviorType, ProfileSignals, Reason } from '../types.js';
import type { SourceName } from './config.js';
import type { UserState } from './state/users.js';

// Sources (in sources/) take the domain types they need from here.
export type { Reason };

/** One proposed candidate: a raw score (> 0 to count) and the evidence shown as its reason. */
export interface ScoredCandidate {
  id: string;
  raw: number;
  reason: Reason;
}

export interface RecentPositive {
  itemId: string;
  type: BehaviorType;
  weight: number;
}

/** What a source may use to answer one recommendation request. */
export interface CandidateRequest {
  signals: ProfileSignals;
  now: number;
  /** The request's filter (catalogue membership, consumed and rejected items, categories, price, exclusions). */
  accept: (id: string) => boolean;
  /** `accept` on interned item ids (the model's Interner), each item decided once per request. */
  acceptItem: (item: number) => boolean;
  /** Recent positive interactions, newest first, one per item, rejected items left out. */
  recentPositive: RecentPositive[];
  /** The first coVisitation.seedItems of recentPositive, weights damped by rank (w / (1 + 0.3 rank)). */
  seeds: Array<{ itemId: string; weight: number }>;
}

/** One event with positive liking evidence, as the sources see it (in log order). */
export interface Observation {
  event: BehaviorEvent;
  /** Interned item id. */
  item: number;
  /** event.occurredAt */
  t: number;
  /** Liking evidence, in (0, 1]. */
  weight: number;
  /** The user's state before this event is added to its buffer. */
  user: UserState;
  /** The item is already in the user's buffer: a repeat, which must not add new pairs or transitions. */
  repeat: boolean;
}

export interface CandidateSource {
  /** Key of the source's blend weight and candidate limit in RecommendConfig, and of request ablations. */
  readonly name: SourceName;
  /**
   * 'absolute': raw scores are calibrated to [0, 1] and kept as such under 'calibrated' normalisation;
   * 'relative': raw scores are divided by the request's best one.
   */
  readonly scale: 'absolute' | 'relative';
  /** Blend weight for this request when it is not simply config.weights[name]. */
  weight?(req: CandidateRequest): number;
  /** Update the source's own state with an event with positive liking evidence. */
  observe?(o: Observation): void;
  /** Forget all behaviour state (before a replay of the log). */
  clear?(): void;
  /** Scored candidates for a request; every id must pass req.accept. Empty when the source has nothing to say. */
  candidates(req: CandidateRequest): ScoredCandidate[];
  /**
   * Scores for candidates the other sources proposed (catalogue ids; they passed req.accept), asked after every
   * source's `candidates` and merged by blend.ts's addScores: a source that judges candidates rather than finding
   * them. Ids it leaves out get nothing from it.
   */
  scoreProposed?(ids: string[], req: CandidateRequest): ScoredCandidate[];
}
