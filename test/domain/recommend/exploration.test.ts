import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src/domain/recommend/blend.js';
import { explorationSlots, pickExploration, placeExploration } from '../../../src/domain/recommend/exploration.js';
import { mulberry32 } from '../../../src/domain/recommend/random.js';
import { item, parts, vec } from './fixtures.js';

const cand = (id: string, total = 1): Candidate => ({ id, total, parts: new Map() });

describe('exploration', () => {
  it('explorationSlots: the whole part, plus one with the fractional probability, at most first', () => {
    expect(explorationSlots(10, 0.2, () => 0.99)).toBe(2);
    expect(explorationSlots(10, 0.25, () => 0.4)).toBe(3);
    expect(explorationSlots(10, 0.25, () => 0.6)).toBe(2);
    expect(explorationSlots(3, 1, () => 0)).toBe(3);
  });

  it('placeExploration never takes the first slot when there is a main item, and keeps every item once', () => {
    for (let seed = 0; seed < 50; seed++) {
      const placed = placeExploration([cand('m1'), cand('m2'), cand('m3')], [cand('e1'), cand('e2')], mulberry32(seed));
      expect(placed[0]).toMatchObject({ exploration: false });
      expect(placed.map((p) => p.c.id).sort()).toEqual(['e1', 'e2', 'm1', 'm2', 'm3']);
      expect(placed.filter((p) => p.c.id.startsWith('m')).map((p) => p.c.id)).toEqual(['m1', 'm2', 'm3']);
    }
  });

  it('pickExploration: low-exposure, accepted, unchosen items only; the same seed gives the same picks', () => {
    const p = parts();
    p.catalogue.upsertMany(
      Array.from({ length: 20 }, (_, i) => item(`i${i}`, `c${i % 4}`, vec(1, i))),
      () => false,
    );
    const seen = p.ids.id('i0');
    p.stats.ensure(seen);
    p.stats.events[seen] = 1000; // heavily exposed: never explored
    const ctx = { config: p.config.explore, catalogue: p.catalogue, ids: p.ids, stats: p.stats };
    const accept = (id: string) => id !== 'i3';
    const pick = (seed: number) =>
      pickExploration(ctx, [cand('i0'), cand('i1')], new Set(['i2']), accept, 3, 10, new Map(), mulberry32(seed)).map(
        (c) => c.id,
      );
    const a = pick(7);
    expect(a).toHaveLength(3);
    for (const id of ['i0', 'i2', 'i3']) expect(a).not.toContain(id);
    expect(pick(7)).toEqual(a);
  });
});
