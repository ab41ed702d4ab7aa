// A review's text pulls the profile without the direction every text of the encoder shares: with an encoder whose
// text vectors all point one way (averaged word vectors), reviews on different topics would otherwise pull every
// profile towards the same place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  cosine,
  dot,
  newProfile,
  norm,
  replayProfile,
  textPullVector,
  validateProfileConfig,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import { DAY, EventFactory, T0, topicAxis, unit, type Ev } from '../fixtures/profileFixtures.js';

const DIM = 24;
const config = validateProfileConfig({});
/** A direction shared by every text, orthogonal to the fixture topics (their axes are the first five). */
const COMMON = topicAxis('common-to-all-texts', DIM);

/** A review whose text vector is mostly the shared direction, with a little of the reviewed topic. */
function review(f: EventFactory, topic: string, i: number, at: number, direction: Float32Array | null): Ev {
  const ev = f.on(topic, i, 'REVIEW', at);
  const text = unit(COMMON.map((c, k) => 3 * c + ev.ctx.textVector![k]!));
  return { event: ev.event, ctx: { ...ev.ctx, textVector: text, textDirection: direction } };
}

function reviewer(userId: string, topic: string, direction: Float32Array | null): ProfileState {
  const f = new EventFactory(userId, DIM);
  return replayProfile(
    userId,
    {},
    [0, 1, 2, 3].map((i) => review(f, topic, i, T0 + i * DAY, direction)),
    config,
  );
}

describe('textPullVector', () => {
  const vec = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 8, maxLength: 8 });
  it('removes the component along the common direction and keeps the rest', () => {
    fc.assert(
      fc.property(vec, vec, (t, c) => {
        const text = Float32Array.from(t, (x) => x / 1000);
        const common = Float32Array.from(c, (x) => x / 1000);
        const out = textPullVector(text, common);
        if (dot(common, common) === 0) {
          expect(out).toBe(text);
        } else if (out === null) {
          // Null only for a text with nothing besides the direction (zero, or parallel to it).
          expect(norm(text) === 0 || Math.abs(cosine(text, common)) > 0.9999).toBe(true);
        } else {
          expect(Math.abs(dot(out, common))).toBeLessThan(1e-4 * (1 + norm(text) * norm(common)));
          // What is left plus the removed projection is the text.
          const k = dot(text, common) / dot(common, common);
          for (let i = 0; i < 8; i++) expect(out[i]! + k * common[i]!).toBeCloseTo(text[i]!, 4);
        }
      }),
    );
  });

  it('leaves the text as it is without a direction or with one of another length; null for a text of only it', () => {
    const text = Float32Array.from([0.6, 0.8, 0]);
    expect(textPullVector(text, null)).toBe(text);
    expect(textPullVector(text, Float32Array.from([1, 0]))).toBe(text);
    expect(textPullVector(Float32Array.from([0.5, 0, 0]), Float32Array.from([2, 0, 0]))).toBeNull();
  });
});

describe('review text in the profile', () => {
  it('reviews on different topics keep profiles apart once the shared direction is removed', () => {
    const withDir = [reviewer('a', 'scifi', COMMON), reviewer('b', 'cookware', COMMON)];
    const without = [reviewer('a', 'scifi', null), reviewer('b', 'cookware', null)];
    // Without it, both profiles point along what every text shares.
    expect(cosine(without[0]!.long!.vec, without[1]!.long!.vec)).toBeGreaterThan(0.8);
    expect(cosine(withDir[0]!.long!.vec, withDir[1]!.long!.vec)).toBeLessThan(0.3);
    expect(cosine(withDir[0]!.long!.vec, topicAxis('scifi', DIM))).toBeGreaterThan(0.8);
    expect(cosine(withDir[1]!.long!.vec, topicAxis('cookware', DIM))).toBeGreaterThan(0.8);
  });

  it('a review whose text says only what every text says pulls like its item', () => {
    const f = new EventFactory('u1', DIM);
    const ev = f.on('documentary', 0, 'REVIEW', T0);
    const onlyCommon = { ...ev.ctx, textVector: COMMON.map((x) => 0.9 * x), textDirection: COMMON };
    const asItem = { ...ev.ctx, textVector: null };
    const a = applyBehavior(newProfile('u1', {}, config), ev.event, onlyCommon, config).state;
    const b = applyBehavior(newProfile('u1', {}, config), ev.event, asItem, config).state;
    expect(a.long!.vec).toEqual(b.long!.vec);
  });

  it('applied one by one or replayed in one go, the same bits', () => {
    const f = new EventFactory('u1', DIM);
    const evs = [0, 1, 2].map((i) => review(f, 'horror', i, T0 + i * DAY, COMMON));
    let state = newProfile('u1', {}, config);
    for (const e of evs) state = applyBehavior(state, e.event, e.ctx, config).state;
    expect(state).toEqual(replayProfile('u1', {}, evs, config));
  });
});
