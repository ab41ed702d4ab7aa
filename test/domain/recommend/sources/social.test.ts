import { describe, expect, it } from 'vitest';
import { SegmentSource } from '../../../../src/domain/recommend/sources/segments.js';
import { PopularitySource } from '../../../../src/domain/recommend/sources/popularity.js';
import { SocialSource } from '../../../../src/domain/recommend/sources/social.js';
import { emptySignals } from '../../../helpers/syntheticCatalogue.js';
import { HOUR, T0, item, parts, request, vec } from '../fixtures.js';

function setup() {
  const p = parts();
  for (const id of ['a', 'b', 'c', 'd']) p.catalogue.upsert(item(id, 'X', vec(1)), () => false);
  const buffer = (...xs: Array<[string, number]>) => xs.map(([id, t]) => ({ item: p.ids.id(id), t, w: 1 }));
  const bob = p.users.touch('bob');
  bob.buffer = buffer(['a', T0 - HOUR], ['b', T0 - 2 * HOUR]);
  bob.attributesRef = { shareActivity: true, displayName: 'Bob' };
  const carol = p.users.touch('carol');
  carol.buffer = buffer(['c', T0 - HOUR]);
  carol.attributesRef = { shareActivity: false };
  const mallory = p.users.touch('mallory');
  mallory.buffer = buffer(['d', T0 - HOUR]);
  return { p, source: new SocialSource(p.config, p.ids, p.users) };
}

describe('SocialSource', () => {
  it('proposes what followed users liked, naming only those who share their activity', () => {
    const { p, source } = setup();
    const signals = emptySignals('u', { following: ['bob', 'carol'] });
    const out = source.candidates(request(p, { signals }));
    const byId = Object.fromEntries(out.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(['a', 'b', 'c']);
    expect(byId.a!.reason).toEqual({ kind: 'FOLLOWING', text: 'Bob, whom you follow, liked this', value: 'bob' });
    expect(byId.c!.reason).toEqual({ kind: 'FOLLOWING', text: 'Someone you follow liked this' });
    expect(byId.a!.raw).toBeGreaterThan(byId.b!.raw);
    for (const c of out) expect(c.raw).toBeLessThanOrEqual(1);
  });

  it('blocked users never contribute; unfollowed users and filtered items neither', () => {
    const { p, source } = setup();
    const signals = emptySignals('u', { following: ['bob', 'mallory'], blocked: ['mallory'] });
    const out = source.candidates(request(p, { signals, accept: (id) => id !== 'b' }));
    expect(out.map((c) => c.id)).toEqual(['a']);
    expect(source.candidates(request(p, { signals: emptySignals('u') }))).toEqual([]);
  });
});

describe('sharing attributes', () => {
  it('are not taste segments', () => {
    const p = parts();
    const segments = new SegmentSource(p.config, p.ids, p.users, new PopularitySource(p.config, p.ids, p.stats));
    expect(segments.keysOf({ shareActivity: true, displayName: 'Bob', country: 'fr' })).toEqual(['country=fr']);
  });
});
