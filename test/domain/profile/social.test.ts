import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  applyRelation,
  DEFAULT_PROFILE_CONFIG,
  encodeProfileState,
  foldRelations,
  isRelationInOrder,
  newProfile,
  profileFacets,
  replayProfile,
  summarizeProfile,
  type ProfileState,
  type RelationEvent,
  type RelationType,
} from '../../../src/domain/profile/index.js';
import type { BehaviorEvent, EventContext } from '../../../src/domain/types.js';
import { mulberry32 } from '../../../src/domain/recommend/random.js';

const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;
const config = DEFAULT_PROFILE_CONFIG;

type Entry = { kind: 'b'; event: BehaviorEvent; ctx: EventContext } | { kind: 'r'; rel: RelationEvent };

function vector(seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: 8 }, () => r() - 0.5);
}

/** A random log: behaviours and relations interleaved in time, with their own sequence numbers. */
function log(seed: number, n: number): Entry[] {
  const r = mulberry32(seed);
  const out: Entry[] = [];
  let bseq = 0;
  let rseq = 0;
  for (let i = 0; i < n; i++) {
    const t = T0 + Math.floor(r() * 20) * HOUR;
    if (r() < 0.4) {
      const type = (['FOLLOW', 'FOLLOW', 'UNFOLLOW', 'BLOCK'] as RelationType[])[Math.floor(r() * 4)]!;
      const rel = {
        seq: ++rseq,
        eventId: `r${i}`,
        userId: 'u',
        otherUserId: `p${Math.floor(r() * 4)}`,
        type,
        occurredAt: t,
      };
      out.push({ kind: 'r', rel });
    } else {
      const id = `i${Math.floor(r() * 5)}`;
      const item = { id, title: id, category: 'C', tags: [], brand: 'B', price: 20 };
      const event: BehaviorEvent = {
        seq: ++bseq,
        eventId: `b${i}`,
        userId: 'u',
        itemId: id,
        type: 'PURCHASE',
        value: null,
        text: null,
        occurredAt: t,
      };
      out.push({ kind: 'b', event, ctx: { item, itemVector: vector(Math.floor(r() * 5) + 1), textVector: null } });
    }
  }
  return out;
}

/** Live order (arrival = array order), the way the service does it: late relations refold, late behaviours replay. */
function incremental(entries: Entry[]): ProfileState {
  let s = newProfile('u', {}, config);
  const rels: RelationEvent[] = [];
  const evs: Array<{ event: BehaviorEvent; ctx: EventContext }> = [];
  for (const e of entries) {
    if (e.kind === 'r') {
      rels.push(e.rel);
      s = isRelationInOrder(s, e.rel) ? applyRelation(s, e.rel) : foldRelations(s, rels);
    } else {
      evs.push({ event: e.event, ctx: e.ctx });
      const inOrder =
        s.lastEventAt === null ||
        e.event.occurredAt > s.lastEventAt ||
        (e.event.occurredAt === s.lastEventAt && e.event.seq > (s.lastSeq ?? -1));
      s = inOrder
        ? applyBehavior(s, e.event, e.ctx, config).state
        : { ...replayProfile('u', {}, evs, config), social: s.social };
    }
  }
  return s;
}

describe('social ties', () => {
  it('the newest action on a pair wins; counts show as the social facet and in the summary', () => {
    const rel = (seq: number, other: string, type: RelationType): RelationEvent => ({
      seq,
      eventId: `e${seq}`,
      userId: 'u',
      otherUserId: other,
      type,
      occurredAt: T0 + seq * HOUR,
    });
    let s = newProfile('u', {}, config);
    for (const r of [
      rel(1, 'a', 'FOLLOW'),
      rel(2, 'b', 'FOLLOW'),
      rel(3, 'c', 'FOLLOW'),
      rel(4, 'b', 'UNFOLLOW'),
      rel(5, 'c', 'BLOCK'),
    ])
      s = applyRelation(s, r);
    expect(s.social.following).toEqual(['a']);
    expect(s.social.blocked).toEqual(['c']);
    expect(profileFacets(s, T0, config, 'social')).toEqual([
      { kind: 'social', value: 'following', weight: 1 },
      { kind: 'social', value: 'blocked', weight: 1 },
    ]);
    expect(summarizeProfile(s, T0, config)).toBe('New user: no activity yet; follows 1 person.');
    // FOLLOW lifts a block.
    s = applyRelation(s, rel(6, 'c', 'FOLLOW'));
    expect(s.social).toMatchObject({ following: ['a', 'c'], blocked: [], relations: 6 });
  });

  it('relations interleaved with behaviours, some late: incremental equals rebuild, bit for bit', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const entries = log(seed, 40);
      const live = incremental(entries);
      const behaviours = entries.flatMap((e) => (e.kind === 'b' ? [{ event: e.event, ctx: e.ctx }] : []));
      const relations = entries.flatMap((e) => (e.kind === 'r' ? [e.rel] : []));
      const rebuilt = foldRelations(replayProfile('u', {}, behaviours, config), relations);
      expect(Buffer.from(encodeProfileState(live))).toEqual(Buffer.from(encodeProfileState(rebuilt)));
    }
  });
});
