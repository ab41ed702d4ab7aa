// Small Float32 vector helpers shared by the catalogue, the content source, diversity and explanations.

/** Dot product with four accumulators (the order of additions is part of the model's exact output). */
export function dotF(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** `v` scaled to unit length (itself when already unit); null when absent, of the wrong dim, zero or not finite. */
export function unitOrNull(v: Float32Array | null, dim: number): Float32Array | null {
  if (!v || v.length !== dim) return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  if (n === 0 || !Number.isFinite(n)) return null;
  if (Math.abs(n - 1) < 1e-4) return v;
  const s = 1 / Math.sqrt(n);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}
