// Replay equality: the correctness test of the profile engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  decayProfileTo,
  decodeProfileState,
  encodeProfileState,
  isInOrder,
  newProfile,
  replayProfile,
  validateProfileConfig,
  type ProfileConfig,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import { BEHAVIOR_TYPES, compareEvents, type BehaviorType } from '../../../src/domain/types.js';
import { DAY, EventFactory, T0, itemVector, type Ev } from '../fixtures/profileFixtures.js';

const DIM = 24;
const TOPIC_POOL = ['scifi', 'documentary', 'cookware', 'horror'];

interface Step {
  type: BehaviorType;
  topic: number;
  item: number;
  gap: number;
  rating: number;
  noItem: boolean;
  noVector: boolean;
}

const stepArb: fc.Arbitrary<Omit<Step, 'noItem' | 'noVector'>> = fc.record({
  type: fc.constantFrom(...BEHAVIOR_TYPES),
  topic: fc.nat({ max: TOPIC_POOL.length - 1 }),
  item: fc.nat({ max: 4 }),
  // equal timestamps, seconds, hours, days and the occasional month-long pause
  gap: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 60_000 }),
    fc.integer({ min: 1, max: 3 * DAY }),
    fc.integer({ min: 20 * DAY, max: 90 * DAY }),
  ),
  rating: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 6, noNaN: true })),
});

const stepsArb = fc.array(
  fc
    .tuple(stepArb, fc.nat({ max: 9 }), fc.nat({ max: 9 }))
    .map(([s, a, b]) => ({ ...s, noItem: a === 0, noVector: b === 0 })),
  { minLength: 1, maxLength: 40 },
);

/** Builds events with increasing times; seq numbers are a random permutation so equal times need the seq tie-break. */
function build(steps: Step[], seqOrder: number[]): Ev[] {
  const f = new EventFactory('u1', DIM);
  let t = T0;
  return steps.map((s, i) => {
    t += s.gap;
    const topic = TOPIC_POOL[s.topic]!;
    const ev = f.on(topic, s.item, s.type, t, {
      value: s.type === 'RATE' ? s.rating : null,
      textTopic: TOPIC_POOL[(s.topic + 1) % TOPIC_POOL.length],
    });
    ev.event.seq = 1000 + (seqOrder[i] ?? i);
    ev.event.eventId = `e${ev.event.seq}`;
    if (s.noItem) {
      ev.event.itemId = null;
      ev.ctx = { item: null, itemVector: null, textVector: ev.ctx.textVector };
    } else if (s.noVector) {
      ev.ctx = { ...ev.ctx, itemVector: null };
    }
    return ev;
  });
}

function seqPermutation(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let x = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const p = seqPermutation(xs.length, seed ^ 0x5bd1e995);
  return p.map((i) => xs[i]!);
}

/** Bitwise identity through the codec (covers Float32Array bits, -0, key order). */
function sameBytes(a: ProfileState, b: ProfileState): boolean {
  return Buffer.from(encodeProfileState(a)).equals(Buffer.from(encodeProfileState(b)));
}

function incremental(
  userId: string,
  seed: Parameters<typeof newProfile>[1],
  events: Ev[],
  config: ProfileConfig,
): ProfileState {
  let state = newProfile(userId, seed, config);
  for (const { event, ctx } of events.slice().sort((a, b) => compareEvents(a.event, b.event))) {
    const before = encodeProfileState(state);
    const { state: next } = applyBehavior(state, event, ctx, config);
    // purity: the input is untouched
    expect(Buffer.from(encodeProfileState(state)).equals(Buffer.from(before))).toBe(true);
    // the store persists every state as bytes and decodes it for the next event
    state = decodeProfileState(encodeProfileState(next));
  }
  return state;
}

const configs: Array<[string, ProfileConfig]> = [
  ['default (f16 vectors)', validateProfileConfig({})],
  [
    'f32 vectors, tight clusters',
    validateProfileConfig({
      vectorPrecision: 'f32',
      maxInterests: 2,
      spawnSimilarity: 0.8,
      mergeSimilarity: 0.9,
      recentLimit: 3,
      maxConsumed: 4,
      maxRejected: 2,
      maxFacetsPerKind: 3,
    }),
  ],
];

describe.each(configs)('replay equality, %s', (_name, config) => {
  it('incremental application (with a codec round trip per step) equals replayProfile, for any input order', () => {
    fc.assert(
      fc.property(stepsArb, fc.integer(), fc.boolean(), (steps, seed, withOnboarding) => {
        const events = build(steps, seqPermutation(steps.length, seed));
        const profileSeed = {
          attributes: { locale: 'en-GB', ageBand: '25-34' },
          onboardingVector: withOnboarding ? itemVector('thriller', 'onboarding', DIM, 0.5) : null,
          at: T0 - DAY,
        };
        const live = incremental('u1', profileSeed, events, config);
        const rebuilt = replayProfile('u1', profileSeed, events, config);
        const rebuiltShuffled = replayProfile('u1', profileSeed, shuffle(events, seed), config);
        expect(rebuilt).toEqual(live);
        expect(sameBytes(rebuilt, live)).toBe(true);
        expect(sameBytes(rebuiltShuffled, live)).toBe(true);
        expect(live.eventCount).toBe(events.length);
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it('the profile does not depend on the store sequence numbers, only on their order (another database, an offline replay)', () => {
    fc.assert(
      fc.property(stepsArb, fc.integer(), fc.integer({ min: 1, max: 1000 }), (steps, seed, stride) => {
        const events = build(steps, seqPermutation(steps.length, seed));
        // Same events, same ids, renumbered in the same order (as another store would number them).
        const renumbered = events.map((e) => ({ ...e, event: { ...e.event, seq: 5_000_000 + stride * e.event.seq } }));
        const a = replayProfile('u1', {}, events, config);
        const b = replayProfile('u1', {}, renumbered, config);
        expect(b.lastSeq).toBe(5_000_000 + stride * a.lastSeq!);
        expect(sameBytes({ ...b, lastSeq: a.lastSeq }, a)).toBe(true);
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('replay from a mid-stream snapshot equals a full replay (extra events at or before the snapshot are skipped)', () => {
    fc.assert(
      fc.property(stepsArb, fc.integer(), fc.nat(), (steps, seed, cut) => {
        const events = build(steps, seqPermutation(steps.length, seed)).sort((a, b) => compareEvents(a.event, b.event));
        const k = cut % (events.length + 1);
        const snapshot = decodeProfileState(encodeProfileState(replayProfile('u1', {}, events.slice(0, k), config)));
        const fromSnapshot = replayProfile('u1', {}, shuffle(events, seed), config, snapshot);
        expect(sameBytes(fromSnapshot, replayProfile('u1', {}, events, config))).toBe(true);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('consolidation (decayProfileTo) between events does not break replay equality once the next event is applied', () => {
    fc.assert(
      fc.property(stepsArb, fc.integer(), fc.nat(), fc.nat({ max: 1000 }), (steps, seed, cut, frac) => {
        const events = build(steps, seqPermutation(steps.length, seed)).sort((a, b) => compareEvents(a.event, b.event));
        const k = 1 + (cut % events.length);
        let state = replayProfile('u1', {}, events.slice(0, k), config);
        const last = events[k - 1]!.event.occurredAt;
        const next = events[k]?.event.occurredAt ?? last + 400 * DAY;
        const now = last + Math.floor(((next - last) * frac) / 1000);
        state = decodeProfileState(encodeProfileState(decayProfileTo(state, now, config).state));
        for (const { event, ctx } of events.slice(k)) {
          expect(isInOrder(state, event)).toBe(true);
          state = applyBehavior(state, event, ctx, config).state;
        }
        const rebuilt = replayProfile('u1', {}, events, config);
        if (k < events.length) {
          expect(sameBytes(state, rebuilt)).toBe(true);
        } else {
          // no event after the consolidation: equal except what faded by `now` (and the consolidation mark)
          expect(state.consolidatedAt).toBe(now);
          expect(state.eventCount).toBe(rebuilt.eventCount);
          expect(state.long).toEqual(rebuilt.long);
          expect(state.interests.map((c) => c.id).every((id) => rebuilt.interests.some((r) => r.id === id))).toBe(true);
        }
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});

describe('late events', () => {
  const config = validateProfileConfig({});
  it('an event older than the state is reported by isInOrder, and replay puts it in its place', () => {
    const f = new EventFactory('u1', DIM);
    const a = f.on('scifi', 1, 'PURCHASE', T0 + 2 * DAY);
    const b = f.on('scifi', 2, 'VIEW', T0 + 3 * DAY);
    const late = f.on('horror', 1, 'CLICK', T0 + DAY);
    let s = replayProfile('u1', {}, [a, b], config);
    expect(isInOrder(s, late.event)).toBe(false);
    expect(isInOrder(s, { occurredAt: T0 + 3 * DAY, seq: b.event.seq })).toBe(false);
    expect(isInOrder(s, { occurredAt: T0 + 3 * DAY, seq: b.event.seq + 1 })).toBe(true);
    // the service replays from an earlier snapshot (here: the empty profile)
    const rebuilt = replayProfile('u1', {}, [late, b, a], config);
    expect(rebuilt.recent.map((r) => r.itemId)).toEqual(['scifi-2', 'scifi-1', 'horror-1']);
    // applying it anyway is deterministic but does not move the clock back
    s = applyBehavior(s, late.event, late.ctx, config).state;
    expect(s.lastEventAt).toBe(T0 + 3 * DAY);
    expect(s.eventCount).toBe(3);
  });

  it('replayProfile refuses to start from a consolidated snapshot that is newer than an event', () => {
    const f = new EventFactory('u1', DIM);
    const a = f.on('scifi', 1, 'PURCHASE', T0);
    const consolidated = decayProfileTo(replayProfile('u1', {}, [a], config), T0 + 10 * DAY, config).state;
    const late = f.on('scifi', 2, 'VIEW', T0 + 5 * DAY);
    expect(isInOrder(consolidated, late.event)).toBe(false);
    expect(() => replayProfile('u1', {}, [late], config, consolidated)).toThrow(RangeError);
  });
});
