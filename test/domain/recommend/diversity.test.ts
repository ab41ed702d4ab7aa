import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src/domain/recommend/blend.js';
import { categoryCap, mmr, selectPool } from '../../../src/domain/recommend/diversity.js';
import { item, parts, vec } from './fixtures.js';

const cand = (id: string, total: number): Candidate => ({ id, total, parts: new Map() });

function setup() {
  const p = parts();
  const items = [
    item('x1', 'x', vec(1, 0)),
    item('x2', 'x', vec(1, 0.01)),
    item('x3', 'x', vec(1, 0.02)),
    item('y1', 'y', vec(0, 1)),
    item('n1', null, null),
  ];
  p.catalogue.upsertMany(items, () => false);
  const ranked = [cand('x1', 1), cand('x2', 0.99), cand('x3', 0.98), cand('y1', 0.5), cand('n1', 0.4)];
  return { ...p, ranked };
}

describe('diversity', () => {
  it('categoryCap: maxShare of the slots, at least one', () => {
    expect(categoryCap(10, 0.8)).toBe(8);
    expect(categoryCap(10, 0.3)).toBe(3);
    expect(categoryCap(2, 0.1)).toBe(1);
  });

  it('selectPool keeps the best, at most perCategory + first per category', () => {
    const { catalogue, config, ranked } = setup();
    const pool = selectPool(ranked, 1, 1, { ...config.diversity, minPool: 10 }, catalogue);
    expect(pool.map((c) => c.id)).toEqual(['x1', 'x2', 'y1', 'n1']);
  });

  it('mmr with pure relevance follows the ranking under the cap, relaxed only when nothing else is left', () => {
    const { catalogue, ranked } = setup();
    const catCount = new Map<string, number>();
    expect(mmr(ranked, 4, 1, 2, catCount, catalogue).map((c) => c.id)).toEqual(['x1', 'x2', 'y1', 'n1']);
    expect(catCount).toEqual(
      new Map([
        ['x', 2],
        ['y', 1],
      ]),
    );
    expect(mmr(ranked.slice(0, 3), 3, 1, 1, new Map(), catalogue).map((c) => c.id)).toEqual(['x1', 'x2', 'x3']);
  });

  it('mmr with a low lambda prefers an item unlike the chosen ones', () => {
    const { catalogue, ranked } = setup();
    const picks = mmr(ranked.slice(0, 4), 2, 0.3, 10, new Map(), catalogue).map((c) => c.id);
    expect(picks).toEqual(['x1', 'y1']);
  });
});
