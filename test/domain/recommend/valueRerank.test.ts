import { describe, expect, it } from 'vitest';
import { addSource, rankCandidates, type CandidateMap } from '../../../src/domain/recommend/blend.js';
import { valueRerank } from '../../../src/domain/recommend/valueRerank.js';
import type { FacetWeight } from '../../../src/domain/types.js';
import { emptySignals } from '../../helpers/syntheticCatalogue.js';
import { item, parts, vec } from './fixtures.js';

function setup(sensitivity: number | null) {
  const p = parts();
  p.catalogue.upsert(item('dear', 'Kitchen', vec(1), 90), () => false);
  p.catalogue.upsert(item('mid', 'Kitchen', vec(1, 1), 50), () => false);
  p.catalogue.upsert(item('cheap', 'Kitchen', vec(0, 1), 20), () => false);
  p.catalogue.upsert(item('book', 'Books', vec(0, 0, 1), 500), () => false);
  const cands: CandidateMap = new Map();
  const R = { kind: 'POPULAR' as const, text: 'p' };
  // Near ties in Kitchen, a clear winner in Books.
  addSource(
    cands,
    p.config,
    'popularity',
    [
      { id: 'book', raw: 2, reason: R },
      { id: 'dear', raw: 1.02, reason: R },
      { id: 'mid', raw: 1.01, reason: R },
      { id: 'cheap', raw: 1, reason: R },
    ],
    false,
    1,
  );
  const facets: FacetWeight[] =
    sensitivity === null ? [] : [{ kind: 'value', value: 'price_sensitivity', weight: sensitivity }];
  const signals = { ...emptySignals('u'), facets };
  return { ranked: rankCandidates(cands), signals, p };
}

describe('valueRerank', () => {
  it('a price-sensitive user sees the cheaper comparable candidates first', () => {
    const { ranked, signals, p } = setup(1);
    expect(ranked.map((c) => c.id)).toEqual(['book', 'dear', 'mid', 'cheap']);
    const out = valueRerank(ranked, signals, p.catalogue, p.config.value);
    // Kitchen reordered by price; the Books item (alone in its category, so not comparable) keeps its lead.
    expect(out.map((c) => c.id)).toEqual(['book', 'cheap', 'mid', 'dear']);
  });

  it('is off when the facet is missing or weak, or the strength is 0', () => {
    for (const s of [null, 0.3]) {
      const { ranked, signals, p } = setup(s);
      expect(valueRerank(ranked, signals, p.catalogue, p.config.value)).toBe(ranked);
    }
    const { ranked, signals, p } = setup(1);
    expect(valueRerank(ranked, signals, p.catalogue, { ...p.config.value, priceStrength: 0 })).toBe(ranked);
  });

  it('only swaps near ties: a clearly better dear candidate stays ahead', () => {
    const { signals, p } = setup(1);
    const cands: CandidateMap = new Map();
    const R = { kind: 'POPULAR' as const, text: 'p' };
    addSource(
      cands,
      p.config,
      'popularity',
      [
        { id: 'dear', raw: 2, reason: R },
        { id: 'cheap', raw: 1, reason: R },
      ],
      false,
      1,
    );
    const out = valueRerank(rankCandidates(cands), signals, p.catalogue, p.config.value);
    expect(out.map((c) => c.id)).toEqual(['dear', 'cheap']);
  });
});
