// Bounding a decayed-weight row (segment popularity) to its best entries.

/** Keep the `cap` largest values of `row` (ties at the threshold may keep a few more). Reuses one scratch buffer. */
let scratch = new Float64Array(256);
export function pruneRow<K>(row: Map<K, number>, cap: number): void {
  if (row.size <= cap) return;
  if (scratch.length < row.size) scratch = new Float64Array(row.size * 2);
  let n = 0;
  for (const v of row.values()) scratch[n++] = v;
  const sorted = scratch.subarray(0, n).sort();
  const threshold = sorted[n - cap]!;
  let keptAtThreshold = 0;
  const allowedAtThreshold = n - (n - cap) - countAbove(sorted, threshold);
  for (const [k, v] of row) {
    if (v > threshold) continue;
    if (v === threshold && keptAtThreshold < allowedAtThreshold) {
      keptAtThreshold++;
      continue;
    }
    row.delete(k);
  }
}

function countAbove(sorted: Float64Array, threshold: number): number {
  let c = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i]! > threshold; i--) c++;
  return c;
}
