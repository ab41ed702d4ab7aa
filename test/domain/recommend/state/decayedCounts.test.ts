import { describe, expect, it } from 'vitest';
import { DecayedCounts } from '../../../../src/domain/recommend/state/decayedCounts.js';

describe('DecayedCounts', () => {
  it('keeps the decayed value exact across a clock rebase (the rescale happens before the value is read)', () => {
    const column = new Float64Array(4);
    const counts = new DecayedCounts(1000, 10, () => column);
    counts.add(1, 1, 0);
    // 401 half-lives later the forward-decay exponent is past its bound: the clock rebases and rescales everything.
    const later = 401 * 1000;
    counts.add(1, 1, later);
    expect(counts.clock.t0).toBe(later);
    expect(counts.clock.valueAt(column[1]!, later)).toBeCloseTo(1 + 2 ** -401, 12);
    expect(counts.top.get(1)).toBe(column[1]);
  });

  it('rescales the state registered on its clock', () => {
    const column = new Float64Array(4);
    const counts = new DecayedCounts(1000, 10, () => column);
    const other = { value: 8 };
    counts.onRescale((m) => (other.value *= m));
    counts.add(0, 1, 0);
    counts.add(0, 1, 401 * 1000);
    expect(other.value / (8 * 2 ** -401)).toBeCloseTo(1, 12);
  });
});
