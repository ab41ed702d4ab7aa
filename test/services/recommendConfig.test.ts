import { describe, expect, it } from 'vitest';
import { RecommenderModel } from '../../src/domain/recommend/index.js';
import { loadConfig } from '../../src/config.js';
import { recommendConfigFrom } from '../../src/services/index.js';
import { ExactIndex } from '../../src/vectorindex/index.js';

describe('recommendConfigFrom', () => {
  it('passes RATING_MIN/RATING_MAX to the recommender: with RATING_MAX=10 a 3 is not a like', () => {
    const config = recommendConfigFrom(loadConfig({ RATING_MIN: '1', RATING_MAX: '10' }));
    expect(config.rating?.scale).toEqual({ min: 1, max: 10 });
    const model = new RecommenderModel({ dim: 4, index: new ExactIndex(4), config });
    expect(model.config.rating.neutralShare).toBe(0.375);
    expect(model.likingEvidence({ type: 'RATE', value: 3 })).toBeLessThan(0);
  });

  it('the default scale keeps the old neutral of 2.5', () => {
    const config = recommendConfigFrom(loadConfig({}));
    const model = new RecommenderModel({ dim: 4, index: new ExactIndex(4), config });
    expect(model.likingEvidence({ type: 'RATE', value: 3 })).toBe(0.2);
  });
});
