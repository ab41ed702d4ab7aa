import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src/domain/recommend/blend.js';
import { Explainer } from '../../../src/domain/recommend/explanations.js';
import type { Reason } from '../../../src/domain/types.js';
import { emptySignals } from '../../helpers/syntheticCatalogue.js';
import { item, parts, vec } from './fixtures.js';

const GENERIC: Reason = { kind: 'SIMILAR_TO_RECENT', text: 'Similar to what you recently interacted with' };
const POPULAR: Reason = { kind: 'POPULAR', text: 'Popular with everyone lately' };

function setup() {
  const p = parts();
  const items = [item('a', 'Jazz', vec(1, 0)), item('seen', 'Jazz', vec(1, 0.1)), item('far', 'Rock', vec(0, 1))];
  p.catalogue.upsertMany(items, () => false);
  return { ...p, explainer: new Explainer(p.config, p.catalogue) };
}

const cand = (id: string, parts: Array<[string, number, Reason]>): Candidate => ({
  id,
  total: 1,
  parts: new Map(parts.map(([s, contribution, reason]) => [s as 'content', { contribution, reason }])),
});

describe('Explainer', () => {
  it('turns the generic recent-vector reason into the recent item it resembles, strongest source first', () => {
    const { explainer } = setup();
    const recent = [{ itemId: 'seen', type: 'PURCHASE' as const, weight: 1 }];
    const c = cand('a', [
      ['popularity', 0.1, POPULAR],
      ['content', 0.5, GENERIC],
    ]);
    expect(explainer.explain(c, emptySignals('u'), recent, false)).toEqual([
      { kind: 'SIMILAR_TO_RECENT', itemId: 'seen', text: 'Because you bought Title seen' },
      POPULAR,
    ]);
  });

  it('exploration first; a liked category is evidence; the generic reason stays when nothing is closer', () => {
    const { explainer } = setup();
    const signals = emptySignals('u', { facets: [{ kind: 'category', value: 'Rock', weight: 1 }] });
    const reasons = explainer.explain(cand('far', [['content', 0.5, GENERIC]]), signals, [], true);
    expect(reasons).toEqual([
      { kind: 'EXPLORATION', text: 'Something new we think you might like to try' },
      { kind: 'INTEREST', facet: 'category', value: 'Rock', text: 'You like Rock' },
    ]);
    const plain = explainer.explain(cand('far', [['content', 0.5, GENERIC]]), emptySignals('u'), [], false);
    expect(plain).toEqual([GENERIC]);
  });

  it('similar items: their sources reasons, strongest first', () => {
    const { explainer } = setup();
    const c = cand('a', [
      ['popularity', 0.1, POPULAR],
      ['content', 0.5, GENERIC],
    ]);
    expect(explainer.similarItemReasons(c)).toEqual([GENERIC, POPULAR]);
  });
});
