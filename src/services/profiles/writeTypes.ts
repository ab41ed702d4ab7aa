// The shapes the write path's unit of work (unitOfWork.ts) is built from, and the errors that send a grouped
// write down the one-by-one path.
import type { FacetChange, PlanStep, PlannedStep, ProfileConfig, ProfileState } from '../../domain/profile/index.js';
import type { BehaviorRow, ProfileRow, Store } from '../../store/types.js';
import type { LabelVocabulary, ProfileView } from '../profileView.js';
import type { TextContexts } from './texts.js';

export interface WriterDeps {
  store: Store;
  texts: TextContexts;
  config: ProfileConfig;
  vocabulary: () => LabelVocabulary | null;
  /** How writers of one profile in different processes are kept apart (bench/results/locking.json compares them). */
  locking: 'optimistic' | 'lock';
  /** Decoded states kept by (user, version) so batch writes skip reading and decoding them (0: off). */
  stateCacheSize?: number;
}

/** What a committed unit of work wrote: what the recommender, the subscribers and the caller are given. */
export interface Committed {
  userId: string;
  /** The appended events, in log order. */
  behaviors: BehaviorRow[];
  /** The stored states in order: the versioned ones are new ProfileVersions; the last is the current profile. */
  saved: Array<{ row: ProfileRow; view: ProfileView; versioned: boolean }>;
  /** The current profile after the unit of work. */
  view: ProfileView;
  /** For each applied step (each event of a group), the newest version at or before it. */
  stepViews: ProfileView[];
  /** The final state's attributes: the recommender is fed them with the events. */
  attributes: Record<string, unknown>;
}

/** Thrown inside a grouped transaction, rolling it back, when one of the events is late for the profile. */
export class LateEventInGroup extends Error {}

/** A batch kept meeting other writers' saves: its events are written user by user instead (nothing written). */
export class ContendedBatch extends Error {}

/** Attempts of a whole batch before it falls back to user-by-user units of work (each with MAX_ATTEMPTS). */
export const BATCH_ATTEMPTS = 3;

export type StateChange = { drift: number | null; driftShort: number | null; changedFacets: FacetChange[] };

/** One change to the profile inside a unit of work: the new state and what to record about it. */
export interface Step extends PlanStep {
  state: ProfileState;
  change: StateChange;
  behaviorId: number | null;
  asOf: Date;
}

/** What the transaction wrote, before views are made of it. */
export interface Written {
  behaviors: BehaviorRow[];
  stored: Array<PlannedStep & { row: ProfileRow; state: ProfileState }>;
  shownBy: number[];
}
