import { describe, expect, it } from 'vitest';
import { SequentialSource } from '../../../../src/domain/recommend/sources/sequential.js';
import { HOUR, item, observation, parts, request, T0, user, vec } from '../fixtures.js';

function setup() {
  const p = parts();
  p.catalogue.upsertMany(
    ['a', 'b', 'c'].map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  return { ...p, source: new SequentialSource(p.config, p.ids, p.catalogue) };
}

describe('SequentialSource', () => {
  it('learns the transition from the latest buffered item and proposes it after that item', () => {
    const p = setup();
    const a = p.ids.id('a');
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'b', T0 + HOUR));
    const recentPositive = [{ itemId: 'a', type: 'PURCHASE' as const, weight: 1 }];
    const out = p.source.candidates(request(p, { recentPositive, now: T0 + HOUR }));
    expect(out.map((c) => c.id)).toEqual(['b']);
    expect(out[0]!.raw).toBeCloseTo(1 / 3, 4); // one transition out of a, shrinkage 2
    expect(out[0]!.reason).toEqual({ kind: 'NEXT_IN_SEQUENCE', itemId: 'a', text: 'Often chosen next after Title a' });
  });

  it('ignores gaps beyond maxGapMs and repeats; nothing without recent positive items', () => {
    const p = setup();
    const a = p.ids.id('a');
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'b', T0 + p.config.sequential.maxGapMs + 1));
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'a', T0 + HOUR));
    expect(p.source.transitions.entryCount).toBe(0);
    expect(p.source.candidates(request(p))).toEqual([]);
  });

  it('skip transitions: with skipWindow 2 the item before the latest also learns the new one, at skipDecay', () => {
    const p = setup();
    p.config.sequential.skipWindow = 2;
    p.config.sequential.skipDecay = 0.5;
    const a = p.ids.id('a');
    const b = p.ids.id('b');
    const buf = user([
      { item: a, t: T0, w: 1 },
      { item: b, t: T0 + HOUR, w: 1 },
    ]);
    p.source.observe(observation(p, buf, 'c', T0 + 2 * HOUR));
    const from = (id: string) =>
      p.source.candidates(
        request(p, {
          recentPositive: [{ itemId: id, type: 'PURCHASE' as const, weight: 1 }],
          now: T0 + 2 * HOUR,
        }),
      );
    expect(from('b')[0]!.raw).toBeCloseTo(1 / 3, 4); // b -> c at weight 1, shrinkage 2
    expect(from('a')[0]!.raw).toBeCloseTo(0.5 / 2.5, 4); // a -> c at weight 1/2
  });

  it('seedDecay sets the weight of older seeds', () => {
    const p = setup();
    p.config.sequential.seedDecay = 1;
    const a = p.ids.id('a');
    p.source.observe(observation(p, user([{ item: a, t: T0, w: 1 }]), 'c', T0 + HOUR));
    const recentPositive = [
      { itemId: 'b', type: 'PURCHASE' as const, weight: 1 },
      { itemId: 'a', type: 'PURCHASE' as const, weight: 1 },
    ];
    const out = p.source.candidates(request(p, { recentPositive, now: T0 + HOUR }));
    expect(out[0]!.raw).toBeCloseTo(1 / 3, 4); // a is the second seed but undiscounted
  });
});
