// Long synchronous runs of per-event work (the log follower feeding the recommender, a replay of the log) are cut
// into slices of a few milliseconds with a turn of the event loop between them, so the requests waiting behind
// them (recommendation reads above all) are answered in between instead of after the whole run.

/** Longest synchronous run between two turns of the event loop, in ms. */
export const SLICE_MS = 4;
/** The clock is read once per this many items (reading it per item would cost more than small items do). */
const CLOCK_EVERY = 16;

/** Resolves after the I/O and timers already waiting have run (setImmediate: after the poll phase). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Applies `fn` to every item in order, yielding to the event loop after every slice of about `sliceMs`;
 * `afterSlice(end)` runs at the end of each slice (items before `end` are done), before the yield.
 */
export async function forEachSliced<T>(
  items: readonly T[],
  fn: (item: T) => void,
  afterSlice: (end: number) => void = () => {},
  sliceMs = SLICE_MS,
): Promise<void> {
  let i = 0;
  while (i < items.length) {
    const started = performance.now();
    do {
      const stop = Math.min(items.length, i + CLOCK_EVERY);
      for (; i < stop; i++) fn(items[i]!);
    } while (i < items.length && performance.now() - started < sliceMs);
    afterSlice(i);
    if (i < items.length) await nextTurn();
  }
}
