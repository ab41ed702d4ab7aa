// Behaviour item vectors, closed form: a truncated SVD of the positive PMI of item co-occurrence (Levy & Goldberg
// 2014: the implicit factorisation of skip-gram), plus a ridge map from text vectors into that space for items
// with no behaviour yet. Pure; O(nnz * dim) per power iteration, O(textDim^3) for the ridge solve.
import { randomizedSvd, type Csr } from '../linalg.js';

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
  const indptr = new Int32Array(n + 1);
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
    indptr[i + 1] = cols.length;
  }
  return { rows: n, cols: n, indptr, indices: Int32Array.from(cols), values: Float32Array.from(vals) };
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
  if (a.values.length === 0) return out;
  const { u, s, k } = randomizedSvd(a, dim, { powerIters: opts.iterations ?? 3, seed: opts.seed ?? 0x5eed });
  // U_dim * sqrt(S_dim): the symmetric split of the factorisation (Levy & Goldberg).
  for (let c = 0; c < k; c++) {
    const scale = Math.sqrt(s[c]!);
    for (let i = 0; i < n; i++) out[i * dim + c] = u[i * k + c]! * scale;
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
