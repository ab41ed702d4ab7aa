// Small dense/sparse linear algebra (no native BLAS here), pure: CSR sparse matrices, row-major dense Float64Array
// matrices, shifted Cholesky-QR, Jacobi eigen-decomposition, randomized SVD. Used by the catalogue encoder fit
// (src/inference/fit.ts) and the behaviour item vectors (recommend/itemEmbedding.ts).

export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Y (rows x l) = A (rows x cols) * X (cols x l), dense row-major. */
export function spmm(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const v = a.values[p]!;
      const xo = a.indices[p]! * l;
      for (let c = 0; c < l; c++) y[yo + c]! += v * x[xo + c]!;
    }
  }
  return y;
}

export function transposeCsr(a: Csr): Csr {
  const counts = new Int32Array(a.cols + 1);
  for (let p = 0; p < a.indices.length; p++) counts[a.indices[p]! + 1]!++;
  for (let j = 0; j < a.cols; j++) counts[j + 1]! += counts[j]!;
  const indptr = counts.slice();
  const next = counts.slice(0, a.cols);
  const indices = new Int32Array(a.indices.length);
  const values = new Float32Array(a.values.length);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const j = a.indices[p]!;
      const q = next[j]!++;
      indices[q] = i;
      values[q] = a.values[p]!;
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/** G = Y^T Y (l x l) for row-major Y (n x l). */
function gram(y: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const ya = y[o + a]!;
      if (ya === 0) continue;
      const ga = a * l;
      for (let b = a; b < l; b++) g[ga + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a]!;
  return g;
}

/** Upper Cholesky factor R (G = R^T R), with a diagonal shift; null if not positive definite. */
function cholesky(g: Float64Array, l: number, shift: number): Float64Array | null {
  const r = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = i; j < l; j++) {
      let s = g[i * l + j]! + (i === j ? shift : 0);
      for (let k = 0; k < i; k++) s -= r[k * l + i]! * r[k * l + j]!;
      if (i === j) {
        if (!(s > 0)) return null;
        r[i * l + i] = Math.sqrt(s);
      } else r[i * l + j] = s / r[i * l + i]!;
    }
  }
  return r;
}

/** In place: Y <- Y R^{-1} (row by row, forward substitution on R^T). */
function solveRight(y: Float64Array, n: number, l: number, r: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let j = 0; j < l; j++) {
      let s = y[o + j]!;
      for (let k = 0; k < j; k++) s -= y[o + k]! * r[k * l + j]!;
      y[o + j] = s / r[j * l + j]!;
    }
  }
}

/** Orthonormalises the columns of row-major Y (n x l) in place: shifted Cholesky-QR, then a clean pass. */
export function orthonormalize(y: Float64Array, n: number, l: number, passes = 2): void {
  for (let pass = 0; pass < passes; pass++) {
    const g = gram(y, n, l);
    let tr = 0;
    for (let a = 0; a < l; a++) tr += g[a * l + a]!;
    let shift = pass === 0 ? 1e-10 * tr + 1e-300 : 0;
    let r = cholesky(g, l, shift);
    while (!r) {
      shift = Math.max(shift * 10, 1e-12 * tr + 1e-300);
      r = cholesky(g, l, shift);
    }
    solveRight(y, n, l, r);
  }
}

/** Eigen-decomposition of a symmetric l x l matrix (cyclic Jacobi). Returns eigenvalues desc and vectors as columns. */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = m.slice();
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += a[p * l + p]! ** 2;
      for (let q = p + 1; q < l; q++) off += a[p * l + q]! ** 2;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * l + p]!;
        const aqq = a[q * l + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p]!;
          const akq = a[k * l + q]!;
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k]!;
          const aqk = a[q * l + k]!;
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p]!;
          const vkq = v[k * l + q]!;
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((i, j) => a[j * l + j]! - a[i * l + i]!);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = a[src * l + src]!;
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src]!;
  });
  return { values, vectors };
}

/** Deterministic PRNG (mulberry32) and standard normals (Box-Muller). */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
}

/**
 * Randomized truncated SVD (Halko, Martinsson, Tropp 2011) with subspace (power) iterations:
 * returns the top-k left singular vectors U (rows x k, row-major) and singular values S.
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  opts: {
    oversample?: number;
    powerIters?: number;
    seed?: number;
    onStep?: (done: number, total: number) => void;
  } = {},
): { u: Float64Array; s: Float64Array; k: number } {
  const at = transposeCsr(a);
  const l = Math.min(k + (opts.oversample ?? 10), a.rows, a.cols);
  k = Math.min(k, l);
  const q = opts.powerIters ?? 3;
  const total = 2 * q + 4;
  let step = 0;
  const tick = () => opts.onStep?.(++step, total);
  const rnd = gaussian(opts.seed ?? 42);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rnd();
  // Intermediate bases need only one (shifted) Cholesky-QR pass; the final one gets two.
  let y = spmm(a, omega, l);
  orthonormalize(y, a.rows, l, q === 0 ? 2 : 1);
  tick();
  for (let it = 0; it < q; it++) {
    const z = spmm(at, y, l);
    orthonormalize(z, a.cols, l, 1);
    tick();
    y = spmm(a, z, l);
    orthonormalize(y, a.rows, l, it === q - 1 ? 2 : 1);
    tick();
  }
  // B = Q^T A, so B B^T = W^T W with W = A^T Q (cols x l).
  const w = spmm(at, y, l);
  tick();
  const bbt = gram(w, a.cols, l);
  const { values, vectors } = symmetricEigen(bbt, l);
  tick();
  const u = new Float64Array(a.rows * k);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < l; t++) s += y[yo + t]! * vectors[t * l + c]!;
      u[i * k + c] = s;
    }
  }
  const s = new Float64Array(k);
  for (let c = 0; c < k; c++) s[c] = Math.sqrt(Math.max(0, values[c]!));
  tick();
  return { u, s, k };
}
