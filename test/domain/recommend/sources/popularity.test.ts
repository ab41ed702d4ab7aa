import { describe, expect, it } from 'vitest';
import { PopularitySource } from '../../../../src/domain/recommend/sources/popularity.js';
import { item, MIN, observation, parts, request, T0, user, vec } from '../fixtures.js';

function setup(over = {}) {
  const p = parts(over);
  p.catalogue.upsertMany(
    ['a', 'b', 'c'].map((id) => item(id, 'x', vec(1))),
    () => false,
  );
  return { ...p, source: new PopularitySource(p.config, p.ids, p.stats) };
}

describe('PopularitySource', () => {
  it('ranks by decayed positive evidence, filtered, with the shared POPULAR reason', () => {
    const p = setup();
    for (const [id, w] of [
      ['a', 0.3],
      ['b', 1],
      ['b', 1],
      ['c', 0.5],
    ] as const) {
      p.source.observe(observation(p, user(), id, T0, w));
    }
    const out = p.source.candidates(request(p, { accept: (id) => id !== 'c' }));
    expect(out.map((c) => [c.id, c.raw])).toEqual([
      ['b', 2],
      ['a', 0.3],
    ]);
    expect(out[0]!.reason).toEqual({ kind: 'POPULAR', text: 'Popular with everyone lately' });
  });

  it('rescales everything on its clock when it rebases (registered state included); order is kept', () => {
    const p = setup({ popularity: { halfLifeMs: MIN } });
    let rescaled = 1;
    p.source.onRescale((m) => (rescaled *= m));
    p.source.observe(observation(p, user(), 'a', T0, 1));
    p.source.observe(observation(p, user(), 'b', T0 + 401 * MIN, 1));
    expect(rescaled).toBeLessThan(1);
    expect(p.source.clock.t0).toBe(T0 + 401 * MIN);
    expect(p.source.candidates(request(p)).map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('clears', () => {
    const p = setup();
    p.source.observe(observation(p, user(), 'a', T0, 1));
    expect(p.source.candidates(request(p)).map((c) => c.id)).toEqual(['a']);
    p.source.clear();
    expect(p.source.candidates(request(p))).toEqual([]);
    expect(p.source.clock.t0).toBeNull();
  });
});
