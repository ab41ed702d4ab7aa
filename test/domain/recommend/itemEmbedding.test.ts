import { describe, expect, it } from 'vitest';
import { ppmiSvd, ridgeMap } from '../../../src/domain/recommend/itemEmbedding.js';
import { ev, makeCatalogue, makeModel, mulberry32, signalsFrom } from '../../helpers/syntheticCatalogue.js';

function cosine(m: Float32Array, d: number, i: number, j: number): number {
  let s = 0;
  let a = 0;
  let b = 0;
  for (let c = 0; c < d; c++) {
    s += m[i * d + c]! * m[j * d + c]!;
    a += m[i * d + c]! ** 2;
    b += m[j * d + c]! ** 2;
  }
  return s / Math.sqrt(a * b);
}

describe('behaviour item vectors (PPMI + truncated SVD)', () => {
  it('puts items that co-occur close together and groups that never meet apart', () => {
    // Three groups of 6 items; items co-occur (with varying counts) only within their group; rank 3 = one axis each.
    const n = 18;
    const rand = mulberry32(7);
    const counts = new Map<number, Map<number, number>>();
    for (let i = 0; i < n; i++) {
      const row = new Map<number, number>();
      for (let j = 0; j < n; j++)
        if (i !== j && Math.floor(i / 6) === Math.floor(j / 6)) row.set(j, 1 + Math.floor(rand() * 5));
      counts.set(i, row);
    }
    const m = ppmiSvd(n, (i, fn) => counts.get(i)!.forEach((c, j) => fn(j, c)), { dim: 3, seed: 1 });
    for (const [i, same, other] of [
      [0, 3, 9],
      [7, 10, 15],
      [13, 17, 2],
    ] as const) {
      expect(cosine(m, 3, i, same)).toBeGreaterThan(0.5);
      expect(Math.abs(cosine(m, 3, i, other))).toBeLessThan(0.2);
    }
  });

  it('ridgeMap recovers a linear map from text to behaviour vectors', () => {
    const rand = mulberry32(3);
    const rows = 50;
    const xDim = 4;
    const yDim = 2;
    const w0 = [1, -2, 0.5, 3, 0, 1, -1, 2]; // xDim x yDim
    const x = Float32Array.from({ length: rows * xDim }, () => rand() - 0.5);
    const y = new Float32Array(rows * yDim);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < yDim; c++)
        for (let p = 0; p < xDim; p++) y[r * yDim + c]! += x[r * xDim + p]! * w0[p * yDim + c]!;
    const w = ridgeMap(
      x,
      xDim,
      y,
      yDim,
      Array.from({ length: rows }, (_, i) => i),
      1e-6,
    );
    for (let k = 0; k < w0.length; k++) expect(w[k]).toBeCloseTo(w0[k]!, 3);
  });

  it('is an optional model source: a user is offered what co-occurs with their recent items', () => {
    const cat = makeCatalogue({ topics: 4, perTopic: 10, dim: 16, seed: 5 });
    const T0 = Date.UTC(2026, 0, 1);
    const rand = mulberry32(11);
    const events = [];
    // Users take items from basket c1-i0..i4 or basket c2-i0..i4 (cross-topic to content), a few each.
    for (let u = 0; u < 60; u++) {
      const basket = u % 2 === 0 ? ['c0-i1', 'c1-i2', 'c2-i3', 'c3-i4', 'c0-i5'] : ['c0-i6', 'c1-i7', 'c2-i8', 'c3-i9'];
      for (let k = 0; k < 3; k++)
        events.push(ev(`u${u}`, basket[Math.floor(rand() * basket.length)]!, T0 + u * 3_600_000 + k * 60_000));
    }
    // ridgeLambda 0: no text map, so items nobody chose (the rest of topic c0) get no behaviour vector.
    const model = makeModel(cat, { embedding: { enabled: true, dim: 2, ridgeLambda: 0 }, weights: { embedding: 1 } });
    for (const e of events) model.observe(e);
    const signals = signalsFrom(cat, 'me', [{ itemId: 'c0-i1', at: T0 + 100 * 3_600_000 }]);
    const only = {
      content: false,
      collaborative: false,
      sequential: false,
      popularity: false,
      trending: false,
      similarUsers: false,
    };
    const recs = model.recommend({ signals, first: 3, now: T0 + 101 * 3_600_000, explore: 0, sources: only });
    expect(recs.length).toBe(3);
    for (const r of recs) expect(['c1-i2', 'c2-i3', 'c3-i4', 'c0-i5']).toContain(r.itemId);
    expect(recs[0]!.reasons).toContainEqual(expect.objectContaining({ kind: 'SIMILAR_TO_RECENT', itemId: 'c0-i1' }));
    // Off by default: the same model without the flag proposes nothing from this source.
    const off = makeModel(cat);
    for (const e of events) off.observe(e);
    expect(off.recommend({ signals, first: 3, now: T0 + 101 * 3_600_000, explore: 0, sources: only })).toEqual([]);
  });
});
