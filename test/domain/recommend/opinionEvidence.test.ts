// Opinion reaching the recommender: the polarity stored with a review's text (BehaviorEvent.opinion) decides whether
// the review is liking or rejecting evidence, so a panned item loses its co-visitation with what its reviewers liked.
import { describe, expect, it } from 'vitest';
import { likingEvidence, LIKING_EVIDENCE_WEIGHTS } from '../../../src/domain/behavior.js';
import { DEFAULT_RECOMMEND_CONFIG } from '../../../src/domain/recommend/config.js';
import { RecommenderModel } from '../../../src/domain/recommend/model.js';
import { positiveRecent } from '../../../src/domain/recommend/request.js';
import type { BehaviorEvent, BehaviorType, ProfileSignals } from '../../../src/domain/types.js';
import { ExactIndex } from '../../../src/vectorindex/index.js';
import { emptySignals } from '../../helpers/syntheticCatalogue.js';

const { rating, opinion } = DEFAULT_RECOMMEND_CONFIG;
const review = (p: number | null) => ({ type: 'REVIEW' as const, value: null, opinion: p });
const evidence = (e: Parameters<typeof likingEvidence>[0], o = opinion) =>
  likingEvidence(e, LIKING_EVIDENCE_WEIGHTS, rating, o);

describe('liking evidence with the opinion of the text', () => {
  it('a panned review rejects its item at least as strongly as a one-star rating; a strong pan like a DISLIKE', () => {
    const oneStar = evidence({ type: 'RATE', value: 1 });
    expect(oneStar).toBeLessThan(0);
    expect(evidence(review(opinion.panThreshold))).toBeCloseTo(oneStar, 10);
    expect(evidence(review(-0.9))).toBe(-1);
    expect(evidence({ type: 'PURCHASE', value: null, opinion: -0.9 })).toBe(-1);
  });

  it('a neutral or warm text, no text, or opinion switched off leaves the type evidence as it is', () => {
    expect(evidence(review(0.8))).toBe(LIKING_EVIDENCE_WEIGHTS.REVIEW);
    expect(evidence(review(-0.1))).toBe(LIKING_EVIDENCE_WEIGHTS.REVIEW);
    expect(evidence(review(null))).toBe(LIKING_EVIDENCE_WEIGHTS.REVIEW);
    expect(evidence({ type: 'REVIEW', value: null })).toBe(LIKING_EVIDENCE_WEIGHTS.REVIEW);
    expect(evidence(review(-0.9), { ...opinion, enabled: false })).toBe(LIKING_EVIDENCE_WEIGHTS.REVIEW);
    // Rejection stays rejection: a warm text does not turn a SKIP into a like.
    expect(evidence({ type: 'SKIP', value: null, opinion: 0.9 })).toBe(LIKING_EVIDENCE_WEIGHTS.SKIP);
  });
});

describe('a panned review in the recommender', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  let seq = 0;
  const event = (userId: string, itemId: string, type: BehaviorType, t: number, p: number | null = null) =>
    ({
      seq: ++seq,
      eventId: `e${seq}`,
      userId,
      itemId,
      type,
      value: null,
      text: null,
      opinion: p,
      occurredAt: t,
    }) as BehaviorEvent;

  /** Six users buy A then review B (with polarity `p`); three buy A then C. Ranks for a user who just bought A. */
  function ranksAfterA(p: number, config: ConstructorParameters<typeof RecommenderModel>[0]['config'] = {}) {
    const model = new RecommenderModel({ dim: 4, index: new ExactIndex(4), config });
    model.upsertItems(
      ['A', 'B', 'C', 'D'].map((id) => ({
        id,
        title: id,
        category: null,
        tags: [],
        brand: null,
        price: null,
        vector: null,
      })),
    );
    for (let u = 0; u < 6; u++) {
      model.observe(event(`r${u}`, 'A', 'PURCHASE', T0 + u * 10 * MIN));
      model.observe(event(`r${u}`, 'B', 'REVIEW', T0 + u * 10 * MIN + MIN, p));
    }
    for (let u = 0; u < 3; u++) {
      model.observe(event(`c${u}`, 'A', 'PURCHASE', T0 + u * 10 * MIN));
      model.observe(event(`c${u}`, 'C', 'PURCHASE', T0 + u * 10 * MIN + MIN));
    }
    const at = T0 + HOUR;
    const signals: ProfileSignals = {
      ...emptySignals('target'),
      recent: [{ itemId: 'A', type: 'PURCHASE', occurredAt: at, weight: 1 }],
      consumed: new Set(['A']),
    };
    const recs = model.recommend({ signals, first: 3, now: at + MIN, explore: 0 });
    const rank = (id: string) => {
      const i = recs.findIndex((r) => r.itemId === id);
      return i < 0 ? Infinity : i;
    };
    return { B: rank('B'), C: rank('C'), similarToA: model.similarItems('A', 3, at).map((r) => r.itemId) };
  }
  it("pushes its item below the reviewers' other co-visited items, and out of the item's neighbours", () => {
    const praised = ranksAfterA(0.8);
    const panned = ranksAfterA(-0.8);
    expect(praised.B).toBe(0);
    expect(praised.B).toBeLessThan(praised.C);
    expect(panned.C).toBe(0);
    expect(panned.B).toBeGreaterThan(panned.C);
    expect(praised.similarToA[0]).toBe('B');
    expect(panned.similarToA).not.toContain('B');
  });

  it('with opinion off a panned review counts as liking, as before', () => {
    const off = ranksAfterA(-0.8, { opinion: { enabled: false } });
    expect(off).toEqual(ranksAfterA(0.8));
  });
});

describe('seeds of the behaviour sources', () => {
  const at = Date.UTC(2026, 0, 1);
  // Newest first, as the profile keeps them; the rejections fell out of the bounded rejected list.
  const signals: ProfileSignals = {
    ...emptySignals('u'),
    recent: [
      { itemId: 'panned', type: 'REVIEW', occurredAt: at + 5, weight: -1.2 },
      { itemId: 'skipped', type: 'SKIP', occurredAt: at + 4, weight: -0.5 },
      { itemId: 'low', type: 'RATE', occurredAt: at + 3, weight: -0.4 },
      { itemId: 'disliked', type: 'DISLIKE', occurredAt: at + 2, weight: -2 },
      { itemId: 'bought', type: 'PURCHASE', occurredAt: at + 1, weight: 3 },
    ],
  };
  it("'interaction': an item whose review the profile read as panned still seeds, as a low rating does", () => {
    expect(positiveRecent(signals, 'interaction')).toEqual([
      { itemId: 'panned', type: 'REVIEW', weight: 1 },
      { itemId: 'low', type: 'RATE', weight: 1 },
      { itemId: 'bought', type: 'PURCHASE', weight: 3 },
    ]);
  });
  it("'liking': only what the profile read as liking", () => {
    expect(positiveRecent(signals, 'liking')).toEqual([{ itemId: 'bought', type: 'PURCHASE', weight: 3 }]);
  });
});
