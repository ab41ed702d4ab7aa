/**
 * Length bucketing: sort items by token count, run chunks of similar length (each padded only to its own
 * longest item), and put results back in input order. Items with no tokens get a zero vector.
 */
export async function runBucketed(
  lengths: number[],
  dim: number,
  chunkSize: number,
  runChunk: (indices: number[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const out = new Array<Float32Array>(lengths.length);
  const order: number[] = [];
  for (let i = 0; i < lengths.length; i++) {
    if (lengths[i]! > 0) order.push(i);
    else out[i] = new Float32Array(dim);
  }
  order.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  for (let s = 0; s < order.length; s += chunkSize) {
    const idx = order.slice(s, s + chunkSize);
    const vecs = await runChunk(idx);
    for (let k = 0; k < idx.length; k++) out[idx[k]!] = vecs[k]!;
  }
  return out;
}

/** In-place L2 normalisation; an all-zero vector stays zero. */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}
