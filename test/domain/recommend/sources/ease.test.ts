import { describe, expect, it } from 'vitest';
import { EaseSource } from '../../../../src/domain/recommend/sources/ease.js';
import { emptySignals } from '../../../helpers/syntheticCatalogue.js';
import { item, observation, parts, request, T0, user, vec } from '../fixtures.js';

const seeds = [{ itemId: 'a', weight: 1 }];
const recentPositive = [{ itemId: 'a', type: 'PURCHASE' as const, weight: 1 }];

describe('EaseSource', () => {
  it('scores through a plugged-in item-item scorer, filtered, with the seed as the reason', () => {
    const p = parts();
    p.catalogue.upsertMany(
      ['a', 'b', 'c'].map((id) => item(id, 'x', vec(1))),
      () => false,
    );
    const source = new EaseSource(p.config, p.ids, p.catalogue);
    expect(source.candidates(request(p, { seeds, recentPositive }))).toEqual([]);
    source.setScorer({
      score: (s, limit) => {
        expect(s).toEqual([{ itemId: 'a', weight: 1 }]);
        expect(limit).toBe(p.config.candidates.ease * 2);
        return [
          { itemId: 'b', score: 0.7, seedItemId: 'a' },
          { itemId: 'c', score: 0.2, seedItemId: 'a' },
        ];
      },
    });
    const out = source.candidates(request(p, { seeds, recentPositive, accept: (id) => id !== 'c' }));
    const text = 'People who liked Title a also liked this';
    expect(out).toEqual([{ id: 'b', raw: 0.7, reason: { kind: 'ALSO_LIKED', itemId: 'a', text } }]);
    expect(source.candidates(request(p, { recentPositive }))).toEqual([]); // no seeds
  });

  it('with ease.enabled, keeps positive histories and fits once on the first request', () => {
    const p = parts({ ease: { enabled: true, lambda: 1, neighbours: 5 } });
    p.catalogue.upsertMany(
      ['a', 'b', 'c', 'd'].map((id) => item(id, 'x', vec(1))),
      () => false,
    );
    const source = new EaseSource(p.config, p.ids, p.catalogue);
    for (let u = 0; u < 6; u++) {
      for (const id of u % 2 ? ['a', 'b'] : ['c', 'd']) source.observe(observation(p, user(), id, T0, 1, `u${u}`));
    }
    const signals = emptySignals('x', { consumed: new Set(['a']) });
    const out = source.candidates(request(p, { signals, seeds, recentPositive }));
    expect(out[0]!.id).toBe('b');
    source.clear();
    expect(source.candidates(request(p, { signals, seeds, recentPositive }))).toEqual([]);
  });
});
