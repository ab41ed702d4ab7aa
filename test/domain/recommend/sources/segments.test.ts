import { describe, expect, it } from 'vitest';
import { PopularitySource } from '../../../../src/domain/recommend/sources/popularity.js';
import { SegmentSource } from '../../../../src/domain/recommend/sources/segments.js';
import { emptySignals } from '../../../helpers/syntheticCatalogue.js';
import { item, observation, parts, request, T0, vec } from '../fixtures.js';

function setup() {
  const p = parts();
  p.catalogue.upsertMany(
    ['a', 'b', 'c'].map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  const popularity = new PopularitySource(p.config, p.ids, p.stats);
  return { ...p, source: new SegmentSource(p.config, p.ids, p.users, popularity) };
}

describe('SegmentSource', () => {
  it('derives segment keys: strings trimmed, numbers bucketed, booleans, arrays', () => {
    const { source } = setup();
    expect(source.keysOf({ country: ' fr ', age: 34, vip: true, tags: ['a', 'b'], nested: { x: 1 } })).toEqual([
      'country=fr',
      'age=30',
      'vip=true',
      'tags=a',
      'tags=b',
    ]);
    expect(source.keysOf(undefined)).toBeNull();
  });

  it('proposes what users of the same segment liked, relative to the segment best, naming the segment', () => {
    const p = setup();
    const fr = p.users.touch('u1');
    fr.segments = p.source.keysOf({ country: 'fr' });
    p.source.observe(observation(p, fr, 'a', T0, 1, 'u1'));
    p.source.observe(observation(p, fr, 'b', T0, 0.5, 'u1'));
    const signals = emptySignals('u2', { attributes: { country: 'fr' } });
    const out = p.source.candidates(request(p, { signals }));
    expect(out.map((c) => [c.id, c.raw])).toEqual([
      ['a', 1],
      ['b', 0.5],
    ]);
    expect(out[0]!.reason).toEqual({
      kind: 'SIMILAR_USERS',
      facet: 'country',
      value: 'fr',
      text: 'Popular with users like you (country: fr)',
    });
    // Without attributes in the request, the user's remembered segments are used.
    expect(p.source.candidates(request(p, { signals: emptySignals('u1') })).length).toBe(2);
    expect(p.source.candidates(request(p, { signals: emptySignals('u3') }))).toEqual([]);
  });
});
