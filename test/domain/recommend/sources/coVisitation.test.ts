import { describe, expect, it } from 'vitest';
import { CoVisitationSource } from '../../../../src/domain/recommend/sources/coVisitation.js';
import { HOUR, item, MIN, observation, parts, request, T0, user, vec } from '../fixtures.js';

function setup(overrides?: Parameters<typeof parts>[0]) {
  const p = parts(overrides);
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

  it('adds nothing for repeats, for items outside a configured time window, or without seeds', () => {
    // The default has no time window (config.ts); a deployment can set one.
    const p = setup({ coVisitation: { windowMs: 7 * 24 * HOUR } });
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

  it('by default pairs purchases months apart, and an old pair counts as much as a new one', () => {
    // Shop logs space a user's purchases weeks to months apart; a week's window or a month's half-life left the
    // graph nearly empty there (config.ts, eval/results/variants/item-graph-decay.md).
    const p = setup();
    const a = p.ids.id('a');
    const DAY = 24 * HOUR;
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'b', T0 + 90 * DAY));
    p.source.observe(observation(p, user([{ item: a, t: T0 + 400 * DAY, w: 1 }]), 'c', T0 + 401 * DAY));
    const out = p.source.candidates(request(p, { seeds: [{ itemId: 'a', weight: 1 }], now: T0 + 402 * DAY }));
    expect(out.map((c) => c.id).sort()).toEqual(['b', 'c']);
    // Within 1% (a century's half-life over 400 days); a month's half-life would make them 10^4 apart.
    expect(Math.abs(out[0]!.raw - out[1]!.raw) / out[0]!.raw).toBeLessThan(0.01);
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
