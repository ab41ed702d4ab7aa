// Small, allocation-light helpers over Float32Array embeddings. Pure; no I/O.

/** Dot product over the common length of a and b (accumulated in float64). */
export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euclidean norm (float64 accumulation). */
export function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero or the lengths differ. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 || bb === 0) return 0;
  const c = ab / Math.sqrt(aa * bb);
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** A unit-length copy of a (a zero copy when a is zero). */
export function normalized(a: Float32Array): Float32Array {
  const n = norm(a);
  const out = new Float32Array(a.length);
  if (n === 0) return out;
  for (let i = 0; i < a.length; i++) out[i] = a[i]! / n;
  return out;
}

/** out = a * sa + b * sb (new array). */
export function combine(a: Float32Array, sa: number, b: Float32Array, sb: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * sa + b[i]! * sb;
  return out;
}

/** Weighted mean of vectors (weights may be any sign); null when the inputs are empty or all weights are zero. */
export function weightedMean(vectors: Float32Array[], weights: number[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const dim = vectors[0]!.length;
  const acc = new Float64Array(dim);
  let total = 0;
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k]!;
    const w = weights[k] ?? 0;
    if (w === 0 || v.length !== dim) continue;
    total += Math.abs(w);
    for (let i = 0; i < dim; i++) acc[i]! += w * v[i]!;
  }
  if (total === 0) return null;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = acc[i]! / total;
  return out;
}
