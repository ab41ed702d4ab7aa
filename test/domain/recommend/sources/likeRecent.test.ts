import { describe, expect, it } from 'vitest';
import type { DeepPartial, RecommendConfig, SourceName } from '../../../../src/domain/recommend/config.js';
import type { RecentPositive } from '../../../../src/domain/recommend/source.js';
import { LikeRecentSource } from '../../../../src/domain/recommend/sources/likeRecent.js';
import type { BehaviorType } from '../../../../src/domain/types.js';
import { ev, makeCatalogue, makeModel, signalsFrom } from '../../../helpers/syntheticCatalogue.js';
import { item, parts, request, T0, vec } from '../fixtures.js';

function setup(over?: DeepPartial<RecommendConfig>) {
  const p = parts(over);
  const items = [
    // The user's recent items, newest first: r0, r1, r2 (three orthogonal directions); 'blank' has no vector.
    item('r0', 'x', vec(1, 0, 0)),
    item('r1', 'x', vec(0, 1, 0)),
    item('r2', 'x', vec(0, 0, 1)),
    item('blank', 'x', null),
    // Candidates: the same direction as one recent item each, and one between r0 and r1.
    item('x', 'y', vec(1, 0, 0)),
    item('y', 'y', vec(0, 1, 0)),
    item('z', 'y', vec(0, 0, 1)),
    item('v', 'y', vec(0.3, 1, 0)),
    item('far', 'y', vec(0, 0, 0, 1)),
  ];
  p.catalogue.upsertMany(items, () => false);
  return { ...p, source: new LikeRecentSource(p.config, p.catalogue) };
}

const recent = (...ids: Array<string | [string, BehaviorType]>): RecentPositive[] =>
  ids.map((r) =>
    typeof r === 'string' ? { itemId: r, type: 'PURCHASE', weight: 1 } : { itemId: r[0], type: r[1], weight: 1 },
  );

const notRecent = (id: string) => !id.startsWith('r') && id !== 'blank';

describe('LikeRecentSource', () => {
  it('scores only the ids it is given, and proposes nothing of its own by default (searchK 0)', () => {
    const p = setup();
    const req = request(p, { recentPositive: recent('r0', 'r1', 'r2'), accept: notRecent });
    expect(p.source.candidates(req)).toEqual([]);
    const out = p.source.scoreProposed(['y', 'x'], req);
    expect(out.map((c) => c.id)).toEqual(['y', 'x']);
    // An item unlike every recent one (cosine 0) gets no score; nothing without recent items.
    expect(p.source.scoreProposed(['far'], req)).toEqual([]);
    expect(p.source.scoreProposed(['x'], request(p))).toEqual([]);
  });

  it('weighs recent items 1, 0.7, 0.49... by recency, over the latest recentItems only', () => {
    const p = setup();
    const req = request(p, { recentPositive: recent('r0', 'r1', 'r2') });
    const raw = Object.fromEntries(p.source.scoreProposed(['x', 'y', 'z'], req).map((c) => [c.id, c.raw]));
    expect(raw.x).toBeCloseTo(1, 5);
    expect(raw.y).toBeCloseTo(0.7, 5);
    expect(raw.z).toBeCloseTo(0.49, 5);
    // A recent item without a vector still takes its step: r0 second counts 0.7.
    const shifted = p.source.scoreProposed(['x'], request(p, { recentPositive: recent('blank', 'r0') }));
    expect(shifted[0]!.raw).toBeCloseTo(0.7, 5);
    p.config.likeRecent.recentItems = 2;
    expect(p.source.scoreProposed(['x', 'y', 'z'], req).map((c) => c.id)).toEqual(['x', 'y']);
  });

  it('takes the best weighted match, which may be an older recent item, and names it with its verb', () => {
    const p = setup();
    const req = request(p, { recentPositive: recent('r0', ['r1', 'FAVORITE']) });
    const [v] = p.source.scoreProposed(['v'], req);
    // v = (0.3, 1) / |.|: cosine 0.287 to r0 (weight 1), 0.958 to r1 (weight 0.7): r1 wins at 0.67.
    expect(v!.raw).toBeCloseTo((0.7 * 1) / Math.hypot(0.3, 1), 5);
    expect(v!.reason).toEqual({ kind: 'SIMILAR_TO_RECENT', itemId: 'r1', text: 'Because you liked Title r1' });
  });

  it('with searchK > 0 proposes the nearest accepted items to each recent item', () => {
    const p = setup({ likeRecent: { searchK: 1 } });
    const req = request(p, { recentPositive: recent('r0', 'r1', 'r2'), accept: notRecent });
    const out = p.source.candidates(req).sort((a, b) => b.raw - a.raw);
    expect(out.map((c) => c.id)).toEqual(['x', 'y', 'z']);
    expect(out[2]!.raw).toBeCloseTo(0.49, 5);
  });
});

describe('likeRecent in the model', () => {
  // Eight equally popular items in two categories; the user's latest item is in cat1.
  const cat = makeCatalogue({ topics: 2, perTopic: 5, dim: 16, seed: 5 });
  const others = ['c0-i1', 'c0-i2', 'c0-i3', 'c0-i4', 'c1-i1', 'c1-i2', 'c1-i3', 'c1-i4'];
  const signals = signalsFrom(cat, 'me', [{ itemId: 'c1-i0', at: T0 + 10 }]);
  const only = { content: false, collaborative: false, sequential: false, segment: false, similarUsers: false };
  const run = (config: DeepPartial<RecommendConfig>, sources: Partial<Record<SourceName, boolean>> = only) => {
    const model = makeModel(cat, config);
    others.forEach((id, u) => model.observe(ev(`u${u}`, id, T0)));
    const diversity = { lambda: 1, maxCategoryShare: 1 };
    return model.recommend({ signals, first: 4, now: T0 + 20, explore: 0, sources, diversity });
  };

  it('when on, moves the proposed items like the latest one up, and explains them by it', () => {
    const recs = run({ weights: { likeRecent: 0.75 } });
    expect(recs.map((r) => r.itemId).sort()).toEqual(['c1-i1', 'c1-i2', 'c1-i3', 'c1-i4']);
    expect(recs[0]!.reasons[0]).toEqual({
      kind: 'SIMILAR_TO_RECENT',
      itemId: 'c1-i0',
      text: 'Because you bought Item 0 of cat1',
    });
    // Score-only: on its own it recommends nothing.
    expect(run({ weights: { likeRecent: 0.75 } }, { ...only, popularity: false })).toEqual([]);
  });

  it('at weight 0 changes nothing: the same list as with the source switched off', () => {
    const zero = run({ weights: { likeRecent: 0 } });
    expect(zero).toEqual(run({ weights: { likeRecent: 0.75 } }, { ...only, likeRecent: false }));
    // Without it equal popularity ties by id: cat0 first.
    expect(zero.map((r) => r.itemId)).toEqual(['c0-i1', 'c0-i2', 'c0-i3', 'c0-i4']);
  });
});
