import { describe, expect, it } from 'vitest';
import { fitEase } from '../../../src/domain/recommend/ease.js';
import { ev, makeCatalogue, makeModel, mulberry32, signalsFrom } from '../../helpers/syntheticCatalogue.js';

describe('EASE', () => {
  it('learns item-item structure: items bought together score highest, self excluded', () => {
    // Users buy from one of 4 baskets of 5 items (plus noise); EASE should map a basket item to its basket.
    const rand = mulberry32(4);
    const histories: string[][] = [];
    for (let u = 0; u < 400; u++) {
      const basket = u % 4;
      const h = new Set<string>();
      for (let k = 0; k < 4; k++) h.add(`b${basket}-${Math.floor(rand() * 5)}`);
      if (rand() < 0.3) h.add(`b${Math.floor(rand() * 4)}-${Math.floor(rand() * 5)}`);
      histories.push([...h]);
    }
    const ease = fitEase(histories, { lambda: 10, neighbours: 10 });
    expect(ease.itemCount).toBe(20);
    const out = ease.score(
      [
        { itemId: 'b2-0', weight: 1 },
        { itemId: 'b2-1', weight: 1 },
      ],
      5,
    );
    expect(
      out
        .map((o) => o.itemId)
        .slice(0, 3)
        .every((id) => id.startsWith('b2-')),
    ).toBe(true);
    expect(out.some((o) => o.itemId === 'b2-0' || o.itemId === 'b2-1')).toBe(false);
    for (const o of out) expect(['b2-0', 'b2-1']).toContain(o.seedItemId);
  });

  it('is an optional model source fitted from observed events, with ALSO_LIKED evidence', () => {
    const cat = makeCatalogue({ topics: 4, perTopic: 20, dim: 16, seed: 2 });
    const T0 = Date.UTC(2026, 0, 1);
    const A = 'c0-i1';
    const B = 'c3-i7';
    const events = [];
    for (let u = 0; u < 40; u++) {
      events.push(ev(`e${u}`, A, T0 + u * 1000));
      events.push(ev(`e${u}`, B, T0 + u * 1000 + 10 * 86_400_000)); // far apart: outside a 7-day co-visitation window
    }
    const week = 7 * 86_400_000;
    const windows = { coVisitation: { windowMs: week }, sequential: { maxGapMs: week } };
    const withEase = makeModel(cat, { ...windows, ease: { enabled: true, lambda: 5 } });
    const without = makeModel(cat, windows);
    for (const e of events) {
      withEase.observe(e);
      without.observe(e);
    }
    const signals = signalsFrom(cat, 'me', [{ itemId: A, at: T0 + 20 * 86_400_000 }]);
    const req = { signals, first: 10, now: T0 + 21 * 86_400_000, explore: 0, sources: { content: false } };
    const got = withEase.recommend(req).find((r) => r.itemId === B);
    expect(got?.reasons).toContainEqual(expect.objectContaining({ kind: 'ALSO_LIKED', itemId: A }));
    expect(
      without
        .recommend(req)
        .find((r) => r.itemId === B)
        ?.reasons.some((x) => x.kind === 'ALSO_LIKED') ?? false,
    ).toBe(false);
  });
});
