import { describe, expect, it } from 'vitest';
import {
  BEHAVIOR_TYPES,
  LIKING_EVIDENCE_WEIGHTS,
  likingEvidence,
  PROFILE_PULL_WEIGHTS,
  type RatingEvidence,
} from '../../src/domain/behavior.js';
import { DEFAULT_PROFILE_CONFIG } from '../../src/domain/profile/config.js';
import { DEFAULT_RECOMMEND_CONFIG } from '../../src/domain/recommend/config.js';
import { RecommenderModel } from '../../src/domain/recommend/model.js';
import { ExactIndex } from '../../src/vectorindex/index.js';
import { emptySignals } from '../helpers/syntheticCatalogue.js';

const rate = (value: number | null) => ({ type: 'RATE' as const, value });
const scale = (min: number, max: number): RatingEvidence => ({ scale: { min, max }, neutralShare: 0.375 });

describe('behaviour vocabulary', () => {
  it('names both default tables, one weight per behaviour type, and the configs start from them', () => {
    for (const t of BEHAVIOR_TYPES) {
      expect(typeof PROFILE_PULL_WEIGHTS[t]).toBe('number');
      expect(Math.abs(LIKING_EVIDENCE_WEIGHTS[t])).toBeLessThanOrEqual(1);
    }
    expect(DEFAULT_PROFILE_CONFIG.weights).toEqual(PROFILE_PULL_WEIGHTS);
    expect(DEFAULT_RECOMMEND_CONFIG.eventWeights).toEqual(LIKING_EVIDENCE_WEIGHTS);
  });

  it('likingEvidence: the default rating neutral is exactly 2.5 on 1..5', () => {
    const r = DEFAULT_RECOMMEND_CONFIG.rating;
    expect(likingEvidence(rate(2.5), LIKING_EVIDENCE_WEIGHTS, r)).toBe(0);
    expect(likingEvidence(rate(5), LIKING_EVIDENCE_WEIGHTS, r)).toBe(1);
    expect(likingEvidence(rate(3), LIKING_EVIDENCE_WEIGHTS, r)).toBe((3 - 2.5) / (5 - 2.5));
    expect(likingEvidence(rate(1), LIKING_EVIDENCE_WEIGHTS, r)).toBe((1 - 2.5) / (5 - 2.5));
    expect(likingEvidence(rate(null), LIKING_EVIDENCE_WEIGHTS, r)).toBe(0);
    expect(likingEvidence({ type: 'DISLIKE', value: null }, LIKING_EVIDENCE_WEIGHTS, r)).toBe(-1);
  });

  it('likingEvidence reads ratings on the configured scale: a 3 of 10 rejects, a 4 of 5 likes', () => {
    expect(likingEvidence(rate(3), LIKING_EVIDENCE_WEIGHTS, scale(1, 10))).toBeLessThan(0);
    expect(likingEvidence(rate(4), LIKING_EVIDENCE_WEIGHTS, scale(1, 5))).toBeGreaterThan(0);
    expect(likingEvidence(rate(10), LIKING_EVIDENCE_WEIGHTS, scale(1, 10))).toBe(1);
    expect(likingEvidence(rate(3), LIKING_EVIDENCE_WEIGHTS, scale(1, 5))).toBeGreaterThan(0);
  });
});

describe('RecommenderModel rating scale', () => {
  function modelWithRating(min: number, max: number, value: number) {
    const config = { rating: { scale: { min, max } } };
    const model = new RecommenderModel({ dim: 4, index: new ExactIndex(4), config });
    model.upsertItems([{ id: 'a', title: 'A', category: null, tags: [], brand: null, price: null, vector: null }]);
    model.observe({ seq: 1, eventId: 'e1', userId: 'u', itemId: 'a', type: 'RATE', value, text: null, occurredAt: 1 });
    const popular = model.recommend({ signals: emptySignals('v'), first: 5, now: 2, explore: 0 });
    return { model, popular: popular.map((r) => r.itemId) };
  }

  it('on 1..10 a RATE of 3 is negative evidence, not a like (the item does not become popular)', () => {
    const { model, popular } = modelWithRating(1, 10, 3);
    expect(model.likingEvidence({ type: 'RATE', value: 3 })).toBeLessThan(0);
    expect(popular).toEqual([]);
  });

  it('on 1..5 a RATE of 4 is a like', () => {
    const { model, popular } = modelWithRating(1, 5, 4);
    expect(model.likingEvidence({ type: 'RATE', value: 4 })).toBeGreaterThan(0);
    expect(popular).toEqual(['a']);
  });
});
