import { describe, expect, it } from 'vitest';
import { CoVisitationSource } from '../../../../src/domain/recommend/sources/coVisitation.js';
import { HOUR, item, MIN, observation, parts, request, T0, user, vec } from '../fixtures.js';

function setup() {
  const p = parts();
  p.catalogue.upsertMany(
    ['a', 'b', 'c'].map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  return { ...p, source: new CoVisitationSource(p.config, p.ids, p.catalogue) };
}

describe('CoVisitationSource', () => {
  it('pairs a new positive item with the buffered ones: shrunk cosine, reason naming the seed', () => {
    const p = setup();
    const a = p.ids.id('a');
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'b', T0 + MIN));
    const out = p.source.candidates(request(p, { seeds: [{ itemId: 'a', weight: 1 }], now: T0 + MIN }));
    expect(out.map((c) => c.id)).toEqual(['b']);
    // co 1, n_a = n_b = 1, shrinkage 2 (on the stored scale: a hair above 2 a minute later).
    expect(out[0]!.raw).toBeCloseTo(1 / 3, 4);
    const text = 'People who liked Title a also liked this';
    expect(out[0]!.reason).toEqual({ kind: 'ALSO_LIKED', itemId: 'a', text });
  });

  it('adds nothing for repeats, for items outside the time window, or without seeds', () => {
    const p = setup();
    const a = p.ids.id('a');
    const b = p.ids.id('b');
    p.source.observe(
      observation(
        p,
        user([
          { item: a, t: T0, w: 1 },
          { item: b, t: T0, w: 1 },
        ]),
        'b',
        T0 + MIN,
      ),
    );
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'c', T0 + 8 * 24 * HOUR));
    expect(p.source.store.entryCount).toBe(0);
    expect(p.source.candidates(request(p))).toEqual([]);
  });

  it('clears', () => {
    const p = setup();
    const a = p.ids.id('a');
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'b', T0 + MIN));
    expect(p.source.store.entryCount).toBeGreaterThan(0);
    p.source.clear();
    expect(p.source.store.entryCount).toBe(0);
  });
});
