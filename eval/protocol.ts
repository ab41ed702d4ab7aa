// The evaluation protocol: chronological leave-one-out, history exclusion, and the leak guard.
import type { EvalUser, LoadedDataset } from './datasets/types.js';

export type Phase = 'val' | 'test';

export const MIN_INTERACTIONS = 5;

export interface SplitPlan {
  /** Indices (into LoadedDataset.users) of the users evaluated. */
  users: number[];
  /** Users dropped for having fewer than MIN_INTERACTIONS interactions. */
  droppedUsers: number;
  /** Users left out by --users N sampling (not the protocol's doing). */
  sampledOut: number;
  minInteractions: number;
}

/**
 * Keeps users with at least `minInteractions` interactions; with `maxUsers`, a deterministic sample of them
 * (every k-th user in file order, so the sample spreads over the whole dataset).
 */
export function planSplit(ds: LoadedDataset, opts: { minInteractions?: number; maxUsers?: number } = {}): SplitPlan {
  const min = opts.minInteractions ?? MIN_INTERACTIONS;
  const kept: number[] = [];
  let dropped = 0;
  ds.users.forEach((u, i) => {
    if (u.items.length >= min) kept.push(i);
    else dropped++;
  });
  let users = kept;
  if (opts.maxUsers !== undefined && opts.maxUsers < kept.length) {
    const step = kept.length / opts.maxUsers;
    users = Array.from({ length: opts.maxUsers }, (_, k) => kept[Math.floor(k * step)]!);
  }
  return { users, droppedUsers: dropped, sampledOut: kept.length - users.length, minInteractions: min };
}

/** Exclusive end of the history: positions [0, historyEnd) are history, historyEnd is the target. */
export function historyEnd(u: EvalUser, phase: Phase): number {
  return phase === 'val' ? u.items.length - 2 : u.items.length - 1;
}

export function targetOf(u: EvalUser, phase: Phase): number {
  return u.items[historyEnd(u, phase)]!;
}

/**
 * Which events may be used as training signal in a phase: for every evaluated user only positions before the
 * phase's target (val: positions < n-2, so neither the validation nor the test item; test: positions < n-1, so
 * the validation item is history but the test item never is). Users not evaluated (sampled out) contribute the
 * same prefix, so --users N does not change what the shared model sees.
 */
export function trainingEnd(u: EvalUser, phase: Phase): number {
  return Math.max(0, historyEnd(u, phase));
}

/**
 * The texts of a user's held-out reviews in a phase (the target's and any later one's). Amazon 2018 attaches one
 * review to several listings of a product family, so the same user's same text can sit on a history event on another
 * item, often the same day: fed there, the target's own review would reach the profile. Such copies are fed
 * without their text (`visibleText`); the event and its item stay history.
 */
export function heldOutTexts(u: EvalUser, phase: Phase): Set<string> {
  const out = new Set<string>();
  for (let k = historyEnd(u, phase); k < u.items.length; k++) {
    const t = u.texts?.[k];
    if (t) out.add(t);
  }
  return out;
}

/** The text an event at `position` may be fed with in a phase: null when it is a copy of a held-out review. */
export function visibleText(u: EvalUser, position: number, phase: Phase): string | null {
  const t = u.texts?.[position] ?? null;
  return t && heldOutTexts(u, phase).has(t) ? null : t;
}

export class LeakError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeakError';
  }
}

/**
 * Every event the harness feeds to a profile or to a shared model goes through check(); a held-out
 * position (the phase's target or anything after it) throws. Counts what it let through.
 */
export class LeakGuard {
  profileEvents = 0;
  modelEvents = 0;
  constructor(
    readonly ds: LoadedDataset,
    readonly phase: Phase,
  ) {}

  /** A user's own history fed to their profile. */
  profile(userIndex: number, position: number): void {
    const u = this.ds.users[userIndex]!;
    if (position >= historyEnd(u, this.phase)) {
      throw new LeakError(
        `leak: ${this.phase} target (or later) of user ${u.id} at position ${position} fed to the profile`,
      );
    }
    this.profileEvents++;
  }

  /** Any user's event fed to a model shared by all users (collaborative, sequential, popularity). */
  model(userIndex: number, position: number): void {
    const u = this.ds.users[userIndex]!;
    if (position >= trainingEnd(u, this.phase)) {
      throw new LeakError(
        `leak: held-out ${this.phase} event of user ${u.id} at position ${position} fed to the shared model`,
      );
    }
    this.modelEvents++;
  }

  /** A text fed with a user's event: never the text of one of the phase's held-out reviews. */
  text(userIndex: number, text: string | null): void {
    const u = this.ds.users[userIndex]!;
    if (text && heldOutTexts(u, this.phase).has(text))
      throw new LeakError(`leak: the text of a held-out ${this.phase} review of user ${u.id} was fed`);
  }

  /**
   * Item-level check on the history actually fed: the target item is not among the history items unless the
   * user really interacted with it earlier (a repeat, possible in Amazon data).
   */
  assertTargetNotFed(userIndex: number, fedItems: Iterable<number>): void {
    const u = this.ds.users[userIndex]!;
    const end = historyEnd(u, this.phase);
    const target = u.items[end]!;
    const earlier = u.items.subarray(0, end).includes(target);
    if (earlier) return;
    for (const it of fedItems)
      if (it === target)
        throw new LeakError(`leak: ${this.phase} target item ${target} of user ${u.id} is in the fed history`);
  }
}

/** A mask of the items in a user's history (positions [0, end)). */
export function historyMask(u: EvalUser, end: number, nItems: number, into?: Uint8Array): Uint8Array {
  const mask = into ?? new Uint8Array(nItems);
  if (into) mask.fill(0);
  for (let k = 0; k < end; k++) mask[u.items[k]!] = 1;
  return mask;
}
