import { describe, expect, it } from 'vitest';
import { forEachSliced } from '../../src/services/slices.js';

describe('forEachSliced', () => {
  it('applies every item in order, ending each slice before a turn of the event loop where others run', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const log: string[] = [];
    // Something waiting behind the run (a read): it gets its turn between slices, not after the whole run.
    setImmediate(() => log.push('read'));
    const seen: number[] = [];
    const ends: number[] = [];
    await forEachSliced(
      items,
      (i) => {
        seen.push(i);
        log.push(`item ${i}`);
      },
      (end) => ends.push(end),
      0,
    );
    expect(seen).toEqual(items);
    // A slice of 0 ms still does a block of items between two reads of the clock.
    expect(ends).toEqual([16, 32, 48, 64, 80, 96, 100]);
    expect(log.indexOf('read')).toBe(16);
  });

  it('does a short run in one slice, without yielding', async () => {
    const ends: number[] = [];
    let yielded = false;
    setImmediate(() => (yielded = true));
    await forEachSliced(
      [1, 2, 3],
      () => {},
      (end) => ends.push(end),
    );
    expect(ends).toEqual([3]);
    expect(yielded).toBe(false);
  });
});
