// Opinion in the profile: a panned text turns a review (or any event) into a push away from its item, aspects
// become facets, and all of it replays exactly (the opinion is part of the event's context, a function of its text).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  cosine,
  decodeProfileState,
  encodeProfileState,
  newProfile,
  profileFacets,
  replayProfile,
  summarizeProfile,
  validateProfileConfig,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import { BEHAVIOR_TYPES, compareEvents, type TextOpinion } from '../../../src/domain/types.js';
import { DAY, EventFactory, T0, itemVector, type Ev } from '../fixtures/profileFixtures.js';

const DIM = 24;
const config = validateProfileConfig({});
const ASPECTS = ['price', 'smell', 'battery', 'sound'];

const bytes = (s: ProfileState) => Buffer.from(encodeProfileState(s));

function withOpinion(ev: Ev, opinion: TextOpinion | null): Ev {
  return { event: ev.event, ctx: { ...ev.ctx, textOpinion: opinion } };
}

/** A user who bought three scifi items, then an event on a fourth. */
function history(f: EventFactory): Ev[] {
  return [0, 1, 2].map((i) => f.on('scifi', i, 'PURCHASE', T0 + i * DAY));
}

describe('opinion from text in the profile', () => {
  it('a panned review pushes the long-term vector away from its item; any other pulls as a review does', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 1, noNaN: true }), (polarity) => {
        const f = new EventFactory('u1', DIM);
        const before = replayProfile('u1', {}, history(f), config);
        const review = withOpinion(f.on('scifi', 3, 'REVIEW', T0 + 4 * DAY), { polarity, aspects: [] });
        const after = applyBehavior(before, review.event, review.ctx, config).state;
        const item = review.ctx.itemVector!;
        const d = cosine(after.long!.vec, item) - cosine(before.long!.vec, item);
        const plain = applyBehavior(before, review.event, { ...review.ctx, textOpinion: null }, config).state;
        if (polarity <= config.opinion.panThreshold) {
          expect(d).toBeLessThan(0); // never towards an item the user panned
          expect(after.recent[0]!.weight).toBeLessThan(0);
        } else {
          // Not panned: the review pulls as a review without an opinion does, however warm it is.
          expect(after.recent[0]!.weight).toBe(plain.recent[0]!.weight);
          expect(after.recent[0]!.weight).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60, seed: 16 },
    );
  });

  it('a panned text turns any pull into a push (a purchase with a one-star text), and feedback nudges away', () => {
    const f = new EventFactory('u1', DIM);
    const before = replayProfile('u1', {}, history(f), config);
    const p = f.on('scifi', 3, 'PURCHASE', T0 + 4 * DAY, { text: 'broke on day one, terrible' });
    const panned = applyBehavior(before, p.event, { ...p.ctx, textOpinion: { polarity: -0.8, aspects: [] } }, config);
    const plain = applyBehavior(before, p.event, p.ctx, config);
    const item = p.ctx.itemVector!;
    expect(cosine(panned.state.long!.vec, item)).toBeLessThan(cosine(before.long!.vec, item));
    expect(cosine(plain.state.long!.vec, item)).toBeGreaterThan(cosine(before.long!.vec, item));
    expect(panned.state.recent[0]!.weight).toBeLessThan(0);
    // a mildly positive text leaves a purchase's pull alone
    const mild = applyBehavior(before, p.event, { ...p.ctx, textOpinion: { polarity: 0.2, aspects: [] } }, config);
    expect(bytes(mild.state).equals(bytes(plain.state))).toBe(false); // the text's tone is counted...
    expect(mild.state.recent[0]!.weight).toBe(plain.state.recent[0]!.weight); // ...but the pull is the same
  });

  it('aspects become signed `aspect` facets, and strong opinions reach the summary', () => {
    const f = new EventFactory('u1', DIM);
    const events = [
      ...history(f),
      withOpinion(f.on('scifi', 3, 'REVIEW', T0 + 4 * DAY), {
        polarity: -0.6,
        aspects: [
          { aspect: 'price', polarity: -0.7 },
          { aspect: 'smell', polarity: 0.8 },
        ],
      }),
      withOpinion(f.on('scifi', 4, 'REVIEW', T0 + 5 * DAY), {
        polarity: -0.5,
        aspects: [
          { aspect: 'price', polarity: -0.9 },
          { aspect: 'smell', polarity: 0.6 },
          { aspect: 'sound', polarity: 0 },
        ],
      }),
    ];
    const s = replayProfile('u1', {}, events, config);
    const facets = profileFacets(s, T0 + 6 * DAY, config, 'aspect');
    expect(facets.map((x) => x.value)).toEqual(['price', 'smell', 'sound']);
    expect(facets[0]!.weight).toBeCloseTo(-0.8, 1);
    expect(facets[1]!.weight).toBeCloseTo(0.7, 1);
    expect(facets[2]!.weight).toBe(0);
    const summary = summarizeProfile(s, T0 + 6 * DAY, config);
    expect(summary).toContain('likes the smell');
    expect(summary).toContain('dislikes the price');
    expect(summary).toContain('writes critical reviews');
    // with opinions off the text changes nothing
    const off = validateProfileConfig({ opinion: { enabled: false } });
    expect(profileFacets(replayProfile('u1', {}, events, off), T0 + 6 * DAY, off, 'aspect')).toEqual([]);
  });

  it('an onboarding text keeps its aspects but seeds its direction whatever its tone (taste, not a verdict)', () => {
    const v = itemVector('horror', 'onboarding', DIM, 0.3);
    const liked = newProfile('u1', { onboardingVector: v, onboardingOpinion: { polarity: 0.6, aspects: [] } }, config);
    const panned = newProfile(
      'u1',
      { onboardingVector: v, onboardingOpinion: { polarity: -0.7, aspects: [{ aspect: 'smell', polarity: -0.7 }] } },
      config,
    );
    expect(liked.long).not.toBeNull();
    expect(panned.long).not.toBeNull();
    expect(panned.onboarding).not.toBeNull();
    expect(panned.opinion.texts).toBe(0);
    expect(profileFacets(panned, T0, config, 'aspect')).toEqual([{ kind: 'aspect', value: 'smell', weight: -0.7 }]);
  });

  it('replay equality with opinions: incremental (codec round trip per step) equals a rebuild, in any input order', () => {
    const opinionArb = fc.option(
      fc.record({
        polarity: fc.double({ min: -1, max: 1, noNaN: true }),
        aspects: fc.uniqueArray(
          fc.record({ aspect: fc.constantFrom(...ASPECTS), polarity: fc.double({ min: -1, max: 1, noNaN: true }) }),
          { selector: (a) => a.aspect, maxLength: 3 },
        ),
        key: fc.constantFrom('k1', 'k2', 'k3', 'k4'),
      }),
      { nil: null },
    );
    const stepArb = fc.record({
      type: fc.constantFrom(...BEHAVIOR_TYPES),
      item: fc.nat({ max: 4 }),
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 20 * DAY, max: 90 * DAY })),
      opinion: opinionArb,
    });
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), opinionArb, fc.integer(), (steps, onb, seed) => {
        const f = new EventFactory('u1', DIM);
        let t = T0;
        const events = steps.map((s) => {
          t += s.gap;
          return withOpinion(f.on(s.item % 2 ? 'scifi' : 'horror', s.item, s.type, t, { value: 3 }), s.opinion);
        });
        const seed0 = { onboardingVector: itemVector('scifi', 'onb', DIM, 0.4), onboardingOpinion: onb, at: T0 - DAY };
        let live = newProfile('u1', seed0, config);
        for (const { event, ctx } of events)
          live = decodeProfileState(encodeProfileState(applyBehavior(live, event, ctx, config).state));
        const rng = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), { seed, numRuns: 1 })[0]!;
        const rebuilt = replayProfile('u1', seed0, rng, config);
        expect(bytes(rebuilt).equals(bytes(live))).toBe(true);
        expect(rebuilt).toEqual(live);
        expect(events.slice().sort((a, b) => compareEvents(a.event, b.event)).length).toBe(live.eventCount);
      }),
      { numRuns: 60, seed: 20261203 },
    );
  });

  it('states stored before opinions existed still decode, and apply exactly like fresh ones', () => {
    const f = new EventFactory('u1', DIM);
    const events = history(f);
    const fresh = replayProfile('u1', {}, events, config);
    const old = { ...fresh } as Partial<ProfileState>;
    delete old.opinion; // the layout before this change: no `opinion` at the end
    const decoded = decodeProfileState(encodeProfileState(old as ProfileState));
    expect(decoded.opinion).toEqual({
      mentions: {},
      positive: {},
      negative: {},
      texts: 0,
      polaritySum: 0,
      recentTexts: [],
    });
    const next = withOpinion(f.on('scifi', 3, 'REVIEW', T0 + 4 * DAY), {
      polarity: -0.9,
      aspects: [{ aspect: 'price', polarity: -0.9 }],
    });
    const a = applyBehavior(decoded, next.event, next.ctx, config).state;
    const b = applyBehavior(fresh, next.event, next.ctx, config).state;
    expect(bytes(a).equals(bytes(b))).toBe(true);
  });
});
