// Social ties: the relation log (FOLLOW, UNFOLLOW, BLOCK of another user) folded into ProfileState.social. Pure.
//
// Relations and behaviours touch disjoint parts of the state: a relation moves no clock and decays nothing, and a
// behaviour never reads `social`. So folding a user's log, behaviours and relations interleaved in time order,
// equals folding the behaviours (replayProfile) and then the relations (foldRelations), bit for bit, and a late
// relation (older than the newest applied) only needs the relations refolded, never the behaviours.
import { cloneState, emptySocialState, type ProfileState, type SocialState } from './state.js';

export const RELATION_TYPES = ['FOLLOW', 'UNFOLLOW', 'BLOCK'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/** One entry of the relation log. `seq` is the log's id: it orders relations with the same occurredAt. */
export interface RelationEvent {
  seq: number;
  eventId: string;
  userId: string;
  otherUserId: string;
  type: RelationType;
  occurredAt: number;
}

export type NewRelationEvent = Omit<RelationEvent, 'seq'>;

/** Most followed (and blocked) users kept in a state; the oldest are dropped beyond it. */
export const MAX_TIES = 1000;

export function compareRelations(
  a: Pick<RelationEvent, 'occurredAt' | 'seq'>,
  b: Pick<RelationEvent, 'occurredAt' | 'seq'>,
): number {
  return a.occurredAt - b.occurredAt || a.seq - b.seq;
}

/** Whether `rel` sorts after every relation the state has folded (else refold the user's relations). */
export function isRelationInOrder(state: ProfileState, rel: Pick<RelationEvent, 'occurredAt' | 'seq'>): boolean {
  const s = state.social;
  if (s.lastAt === null) return true;
  return compareRelations(rel, { occurredAt: s.lastAt, seq: s.lastSeq ?? -Infinity }) > 0;
}

function without(list: string[], id: string): string[] {
  const i = list.indexOf(id);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
}

function withAdded(list: string[], id: string): string[] {
  if (list.includes(id)) return list;
  const out = [...list, id];
  return out.length > MAX_TIES ? out.slice(out.length - MAX_TIES) : out;
}

/**
 * The newest action on a pair wins: FOLLOW follows (and lifts a block), UNFOLLOW stops following, BLOCK blocks and
 * stops following. Mutates `s`.
 */
function foldOne(s: SocialState, rel: RelationEvent): void {
  const other = rel.otherUserId;
  if (rel.type === 'FOLLOW') {
    s.blocked = without(s.blocked, other);
    s.following = withAdded(s.following, other);
  } else if (rel.type === 'UNFOLLOW') {
    s.following = without(s.following, other);
  } else {
    s.following = without(s.following, other);
    s.blocked = withAdded(s.blocked, other);
  }
  s.relations += 1;
  if (s.lastAt === null || compareRelations(rel, { occurredAt: s.lastAt, seq: s.lastSeq ?? -Infinity }) > 0) {
    s.lastAt = rel.occurredAt;
    s.lastSeq = rel.seq;
  }
}

/** Applies one relation in order (isRelationInOrder). PURE: returns a new state. */
export function applyRelation(state: ProfileState, rel: RelationEvent): ProfileState {
  const s = cloneState(state);
  foldOne(s.social, rel);
  return s;
}

/** The state with `social` replaced by the fold of `relations` (any order; sorted here). PURE. */
export function foldRelations(state: ProfileState, relations: readonly RelationEvent[]): ProfileState {
  const s = cloneState(state);
  s.social = emptySocialState();
  for (const rel of relations.slice().sort(compareRelations)) foldOne(s.social, rel);
  return s;
}
