// Profiles from the log: replay from a seed or a snapshot, and periodic consolidation (re-decay to now).
import { compareEvents, type BehaviorEvent, type EventContext } from '../types.js';
import { applyBehavior, decayFactor, isInOrder, stateClock, type ProfileChange } from './apply.js';
import type { ProfileConfig } from './config.js';
import { liveInterests } from './interests.js';
import { interestFacetLabel } from './labels.js';
import { cloneState, newProfile, tallySet, type ProfileSeed, type ProfileState, type Tally } from './state.js';
import type { FacetChange } from './tallies.js';

/**
 * Rebuilds a profile from events: sorts them by `compareEvents` and folds applyBehavior, starting from `from` (a
 * snapshot) or newProfile(userId, seed). Events at or before `from`'s position (lastEventAt, lastSeq) are skipped, as
 * the snapshot already includes them; an event older than `from.consolidatedAt` throws RangeError (pick a snapshot
 * for which isInOrder(snapshot, earliestEvent) holds). Equal, bit for bit, to applying the same events one by one in that order.
 */
export function replayProfile(
  userId: string,
  seed: ProfileSeed | undefined,
  events: ReadonlyArray<{ event: BehaviorEvent; ctx: EventContext }>,
  config: ProfileConfig,
  from?: ProfileState,
): ProfileState {
  const sorted = events.slice().sort((a, b) => compareEvents(a.event, b.event));
  let state = from ?? newProfile(userId, seed ?? {}, config);
  const pos =
    from && from.lastEventAt !== null ? { occurredAt: from.lastEventAt, seq: from.lastSeq ?? -Infinity } : null;
  for (const { event, ctx } of sorted) {
    if (pos && compareEvents(event, pos) <= 0) continue;
    if (!isInOrder(state, event)) {
      throw new RangeError(
        `replayProfile: event ${event.eventId} (occurredAt ${event.occurredAt}) is older than the consolidation of the starting snapshot (${state.consolidatedAt}); start from an earlier snapshot`,
      );
    }
    state = applyBehavior(state, event, ctx, config).state;
  }
  return state;
}

/**
 * Periodic consolidation: forgets the interests that have faded by `now` (weight decayed to `now` under forgetWeight;
 * the strongest interest is always kept) and the "lately" category tallies that have faded, exactly as the next event
 * at or after `now` would. Category/tag/brand/price shares do not change under uniform decay, so they are left alone.
 *
 * Replay equality: the stored sums keep referring to lastEventAt (nothing is re-scaled; lastEventAt and lastSeq are
 * unchanged), and forgetting is monotone in time, so any event applied after consolidation yields bit for bit the
 * state that replaying the event log without consolidation yields, provided the event is not older than `now`: the
 * state records `consolidatedAt = now` (cleared by the next event) and isInOrder() reports older events as late, to be
 * replayed from an earlier (non-consolidated) snapshot. Until that next event, the consolidated state differs from a
 * replay only by what it forgot and by consolidatedAt. Store it as the current profile, but not as a replay snapshot.
 * `change.versioned` is true when an interest was forgotten (changedFacets: kind 'interest', value = its label,
 * delta = minus its remaining weight); drift is 0 (the vectors do not move).
 */
export function decayProfileTo(
  state: ProfileState,
  now: number,
  config: ProfileConfig,
): { state: ProfileState; change: ProfileChange } {
  const s = cloneState(state);
  const clock = stateClock(s);
  const dt = clock === null ? 0 : Math.max(0, now - clock);
  s.consolidatedAt = Math.max(now, s.consolidatedAt ?? -Infinity);
  const dLong = decayFactor(dt, config.longHalfLifeDays);
  const dShort = decayFactor(dt, config.shortHalfLifeDays);
  const recent: Tally = {};
  for (const k of Object.keys(s.recentCategories)) {
    const v = s.recentCategories[k]! * dShort;
    if (v >= config.facetPruneWeight && v > 0) tallySet(recent, k, s.recentCategories[k]!);
  }
  s.recentCategories = recent;
  const kept = liveInterests(s.interests, dLong, config.forgetWeight);
  const forgotten = s.interests.filter((c) => !kept.includes(c));
  s.interests = kept;
  const changedFacets: FacetChange[] = forgotten.map((c) => ({
    kind: 'interest',
    value: interestFacetLabel(c),
    delta: -c.weight * dLong,
  }));
  return {
    state: s,
    change: {
      drift: s.long ? 0 : null,
      driftShort: s.short ? 0 : null,
      changedFacets,
      versioned: forgotten.length > 0,
    },
  };
}
