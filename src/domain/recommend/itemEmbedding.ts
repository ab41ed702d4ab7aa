// Behaviour item vectors, closed form: a truncated SVD of the positive PMI of item co-occurrence (Levy & Goldberg
// 2014: the implicit factorisation of skip-gram), plus a ridge map from text vectors into that space for items
// with no behaviour yet. Pure; O(nnz * dim) per power iteration, O(textDim^3) for the ridge solve.
import { mulberry32 } from './random.js';

/** Sparse rows of an n x n co-occurrence matrix: fn(j, count) for each stored neighbour j of item i. */
export type CooccurrenceRows = (i: number, fn: (j: number, count: number) => void) => void;

export interface PpmiSvdOptions {
  dim: number;
  /** Power iterations of the randomized range finder (2-4 are plenty for a fast-decaying spectrum). */
  iterations?: number;
  /** Context-distribution smoothing exponent of PMI (0.75 in word2vec). */
  smoothing?: number;
  seed?: number;
}

interface Csr {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** The PPMI matrix of the co-occurrence rows (CSR, positive entries only). */
function ppmi(n: number, rows: CooccurrenceRows, smoothing: number): Csr {
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(n);
  for (let i = 0; i < n; i++)
    rows(i, (j, c) => {
      if (!(c > 0) || j >= n) return;
      rowSum[i]! += c;
      colSum[j]! += c;
    });
  let ctxTotal = 0;
  const ctx = new Float64Array(n);
  for (let j = 0; j < n; j++) ctxTotal += ctx[j] = Math.pow(colSum[j]!, smoothing);
  const ptr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    rows(i, (j, c) => {
      if (!(c > 0) || j >= n || j === i) return;
      const pmi = Math.log(c / rowSum[i]! / (ctx[j]! / ctxTotal));
      if (pmi > 0) {
        cols.push(j);
        vals.push(pmi);
      }
    });
    ptr[i + 1] = cols.length;
  }
  return { ptr, col: Int32Array.from(cols), val: Float64Array.from(vals) };
}

/** out (n x l) = A (n x n) * X (n x l); transpose: A^T * X. */
function spmm(a: Csr, n: number, x: Float64Array, l: number, transpose: boolean): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let p = a.ptr[i]!; p < a.ptr[i + 1]!; p++) {
      const j = a.col[p]!;
      const v = a.val[p]!;
      const [dst, src] = transpose ? [j, i] : [i, j];
      for (let c = 0; c < l; c++) out[dst * l + c]! += v * x[src * l + c]!;
    }
  }
  return out;
}

/** Orthonormalise the l columns of x (n x l, row-major) in place: modified Gram-Schmidt. */
function orthonormalise(x: Float64Array, n: number, l: number): void {
  for (let c = 0; c < l; c++) {
    for (let p = 0; p < c; p++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += x[i * l + c]! * x[i * l + p]!;
      for (let i = 0; i < n; i++) x[i * l + c]! -= d * x[i * l + p]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += x[i * l + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) x[i * l + c] = norm > 1e-12 ? x[i * l + c]! / norm : 0;
  }
}

/** Eigen-decomposition of a symmetric l x l matrix (cyclic Jacobi): eigenvalues and column eigenvectors. */
function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < l; p++) for (let q = p + 1; q < l; q++) off += a[p * l + q]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-15) continue;
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq);
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
  const values = new Float64Array(l);
  for (let i = 0; i < l; i++) values[i] = a[i * l + i]!;
  return { values, vectors: v };
}

/**
 * Item vectors (n x dim, row-major) U_dim * sqrt(S_dim) of the truncated SVD of PPMI(rows), by a randomized range
 * finder with power iterations. Items with no positive PMI get a zero row (see ridgeMap for those).
 */
export function ppmiSvd(n: number, rows: CooccurrenceRows, opts: PpmiSvdOptions): Float32Array {
  const dim = Math.max(1, Math.min(opts.dim, n));
  const out = new Float32Array(n * dim);
  if (n === 0) return out;
  const a = ppmi(n, rows, opts.smoothing ?? 0.75);
  if (a.val.length === 0) return out;
  const l = Math.min(n, dim + 10);
  const rand = mulberry32(opts.seed ?? 0x5eed);
  let y: Float64Array = new Float64Array(n * l);
  for (let i = 0; i < y.length; i++) y[i] = rand() - 0.5;
  y = spmm(a, n, y, l, false);
  orthonormalise(y, n, l);
  for (let it = 0; it < (opts.iterations ?? 3); it++) {
    const z = spmm(a, n, y, l, true);
    orthonormalise(z, n, l);
    y = spmm(a, n, z, l, false);
    orthonormalise(y, n, l);
  }
  // B = Q^T A (l x n), held as its transpose A^T Q (n x l); then B B^T = V diag(s^2) V^T and U = Q V.
  const bt = spmm(a, n, y, l, true);
  const bbt = new Float64Array(l * l);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < l; p++) {
      const x = bt[i * l + p]!;
      if (x === 0) continue;
      for (let q = 0; q < l; q++) bbt[p * l + q]! += x * bt[i * l + q]!;
    }
  const { values, vectors } = symmetricEigen(bbt, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((p, q) => values[q]! - values[p]!);
  for (let c = 0; c < dim; c++) {
    const e = order[c]!;
    const scale = Math.sqrt(Math.sqrt(Math.max(0, values[e]!)));
    for (let i = 0; i < n; i++) {
      let u = 0;
      for (let p = 0; p < l; p++) u += y[i * l + p]! * vectors[p * l + e]!;
      out[i * dim + c] = u * scale;
    }
  }
  return out;
}

/**
 * Ridge regression W (xDim x yDim) = (X^T X + lambda I)^-1 X^T Y over the rows listed in `rows`; X and Y are
 * row-major with xDim / yDim columns. Solved by Cholesky (X^T X + lambda I is symmetric positive definite).
 */
export function ridgeMap(
  x: Float32Array,
  xDim: number,
  y: Float32Array,
  yDim: number,
  rows: ArrayLike<number>,
  lambda: number,
): Float64Array {
  const g = new Float64Array(xDim * xDim);
  const xty = new Float64Array(xDim * yDim);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const xo = i * xDim;
    const yo = i * yDim;
    for (let p = 0; p < xDim; p++) {
      const xp = x[xo + p]!;
      if (xp === 0) continue;
      for (let q = p; q < xDim; q++) g[p * xDim + q]! += xp * x[xo + q]!;
      for (let c = 0; c < yDim; c++) xty[p * yDim + c]! += xp * y[yo + c]!;
    }
  }
  for (let p = 0; p < xDim; p++) {
    g[p * xDim + p]! += lambda;
    for (let q = 0; q < p; q++) g[p * xDim + q] = g[q * xDim + p]!;
  }
  // Cholesky: G = L L^T (L in the lower triangle of g).
  for (let j = 0; j < xDim; j++) {
    let d = g[j * xDim + j]!;
    for (let k = 0; k < j; k++) d -= g[j * xDim + k]! ** 2;
    const ljj = Math.sqrt(Math.max(d, 1e-12));
    g[j * xDim + j] = ljj;
    for (let i = j + 1; i < xDim; i++) {
      let s = g[i * xDim + j]!;
      for (let k = 0; k < j; k++) s -= g[i * xDim + k]! * g[j * xDim + k]!;
      g[i * xDim + j] = s / ljj;
    }
  }
  // Solve L Z = X^T Y, then L^T W = Z, column block at once.
  const w = xty;
  for (let i = 0; i < xDim; i++) {
    for (let k = 0; k < i; k++) {
      const lik = g[i * xDim + k]!;
      if (lik === 0) continue;
      for (let c = 0; c < yDim; c++) w[i * yDim + c]! -= lik * w[k * yDim + c]!;
    }
    const lii = g[i * xDim + i]!;
    for (let c = 0; c < yDim; c++) w[i * yDim + c]! /= lii;
  }
  for (let i = xDim - 1; i >= 0; i--) {
    for (let k = i + 1; k < xDim; k++) {
      const lki = g[k * xDim + i]!;
      if (lki === 0) continue;
      for (let c = 0; c < yDim; c++) w[i * yDim + c]! -= lki * w[k * yDim + c]!;
    }
    const lii = g[i * xDim + i]!;
    for (let c = 0; c < yDim; c++) w[i * yDim + c]! /= lii;
  }
  return w;
}
