import { describe, expect, it } from 'vitest';
import { PopularitySource } from '../../../../src/domain/recommend/sources/popularity.js';
import { TrendingSource } from '../../../../src/domain/recommend/sources/trending.js';
import { item, observation, parts, request, T0, user, vec } from '../fixtures.js';

const DAY = 24 * 3_600_000;

function setup() {
  const p = parts();
  p.catalogue.upsertMany(
    ['burst', 'steady', 'once'].map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  const popularity = new PopularitySource(p.config, p.ids, p.stats);
  const trending = new TrendingSource(p.config, p.ids, p.stats, popularity);
  const feed = (id: string, t: number) => {
    const o = observation(p, user(), id, t);
    popularity.observe(o);
    trending.observe(o);
  };
  return { ...p, trending, feed };
}

describe('TrendingSource', () => {
  it('proposes items whose short-term rate is well above the long-term one, with at least two events', () => {
    const p = setup();
    for (let d = 0; d < 40; d += 2) p.feed('steady', T0 + d * DAY);
    for (let k = 0; k < 3; k++) p.feed('burst', T0 + 40 * DAY + k);
    p.feed('once', T0 + 40 * DAY);
    const out = p.trending.candidates(request(p, { now: T0 + 40 * DAY }));
    expect(out.map((c) => c.id)).toEqual(['burst']);
    expect(out[0]!.reason).toEqual({ kind: 'TRENDING', text: 'Trending now' });
  });

  it('respects the filter', () => {
    const p = setup();
    for (let k = 0; k < 3; k++) p.feed('burst', T0 + k);
    expect(p.trending.candidates(request(p, { now: T0, accept: () => false }))).toEqual([]);
  });
});
