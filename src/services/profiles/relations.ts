// The relation log's side of the write path (issue #16): validating a relation, and the states a relation or a
// replay needs. Relations and behaviours touch disjoint parts of the profile state (domain/profile/social.ts), so
// a replay folds the behaviours and then the relations.
import { randomUUID } from 'node:crypto';
import {
  applyRelation,
  foldRelations,
  isRelationInOrder,
  RELATION_TYPES,
  type NewRelationEvent,
  type ProfileState,
  type RelationType,
} from '../../domain/profile/index.js';
import type { Limits } from '../../config.js';
import type { RelationRow, StoreTx } from '../../store/types.js';
import { badInput } from '../errors.js';
import { checkId, checkOccurredAt } from '../validation.js';

export interface RelationInputData {
  eventId?: string | null;
  userId: string;
  otherUserId: string;
  type: RelationType;
  occurredAt?: Date | null;
}

export function validateRelation(input: RelationInputData, limits: Limits, now: number): NewRelationEvent {
  const userId = checkId('input.userId', input.userId, limits);
  const otherUserId = checkId('input.otherUserId', input.otherUserId, limits);
  if (otherUserId === userId) throw badInput('input.otherUserId', 'must be another user');
  const eventId =
    input.eventId === null || input.eventId === undefined
      ? randomUUID()
      : checkId('input.eventId', input.eventId, limits);
  if (!(RELATION_TYPES as readonly string[]).includes(input.type))
    throw badInput('input.type', `must be one of ${RELATION_TYPES.join(', ')}`);
  const occurredAt = checkOccurredAt('input.occurredAt', input.occurredAt, limits, now);
  return { eventId, userId, otherUserId, type: input.type, occurredAt };
}

/** `previous` with the relation folded in: applied when in order, else the user's relation log refolded. */
export async function withRelation(tx: StoreTx, previous: ProfileState, rel: RelationRow): Promise<ProfileState> {
  if (isRelationInOrder(previous, rel)) return applyRelation(previous, rel);
  return foldRelations(previous, await tx.userRelations(rel.userId));
}

/** A state replayed from behaviours alone, with its social ties refolded from the user's relation log. */
export async function withRelations(
  source: Pick<StoreTx, 'userRelations'>,
  state: ProfileState,
  upTo?: number,
): Promise<ProfileState> {
  const rows = await source.userRelations(state.userId);
  return foldRelations(state, upTo === undefined ? rows : rows.filter((r) => r.occurredAt <= upTo));
}

/** A replayed state (a late behaviour) keeps the current social ties: behaviours never change them. */
export function keepSocial(replayed: ProfileState, current: ProfileState): ProfileState {
  return { ...replayed, social: current.social };
}

/** How the social counts moved between two states (a relation version's changedFacets). */
export function socialChange(a: ProfileState, b: ProfileState): Array<{ kind: string; value: string; delta: number }> {
  const out: Array<{ kind: string; value: string; delta: number }> = [];
  const following = b.social.following.length - a.social.following.length;
  const blocked = b.social.blocked.length - a.social.blocked.length;
  if (following !== 0) out.push({ kind: 'social', value: 'following', delta: following });
  if (blocked !== 0) out.push({ kind: 'social', value: 'blocked', delta: blocked });
  return out;
}
