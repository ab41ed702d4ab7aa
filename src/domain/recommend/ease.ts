// EASE (Steck 2019): closed-form item-item model B = I - P / diag(P), P = (X^T X + lambda I)^-1, over the
// most frequent items. Pure; fitted from the same interaction log as the rest of the model.

export interface EaseOptions {
  /** L2 regularisation added to the Gram diagonal. Default 250. */
  lambda?: number;
  /** Only the most frequent items take part (the fit is O(n^3) time, O(n^2) memory). Default 3000. */
  maxItems?: number;
  /** Strongest neighbours kept per item after fitting (bounds memory and scoring cost). Default 100. */
  neighbours?: number;
}

/** A fitted EASE model: sparse top neighbours per item. Implements the model's ItemItemScorer. */
export class EaseScorer {
  private readonly index = new Map<string, number>();

  constructor(
    readonly itemIds: string[],
    /** Row i holds the neighbours of item i: cols[i*k + r], weights[i*k + r]. */
    private readonly cols: Int32Array,
    private readonly weights: Float32Array,
    readonly k: number,
  ) {
    itemIds.forEach((id, i) => this.index.set(id, i));
  }

  get itemCount(): number {
    return this.itemIds.length;
  }

  /** Scores of unseen items for a user whose history is `seeds` (x . B restricted to kept neighbours). */
  score(
    seeds: Array<{ itemId: string; weight: number }>,
    limit: number,
  ): Array<{ itemId: string; score: number; seedItemId: string }> {
    const acc = new Map<number, { s: number; best: number; seed: number }>();
    const seen = new Set<number>();
    for (const seed of seeds) {
      const i = this.index.get(seed.itemId);
      if (i === undefined || seen.has(i)) continue;
      seen.add(i);
      const w = seed.weight;
      for (let r = 0; r < this.k; r++) {
        const j = this.cols[i * this.k + r]!;
        if (j < 0) break;
        const c = w * this.weights[i * this.k + r]!;
        const a = acc.get(j);
        if (!a) acc.set(j, { s: c, best: c, seed: i });
        else {
          a.s += c;
          if (c > a.best) {
            a.best = c;
            a.seed = i;
          }
        }
      }
    }
    const out: Array<{ itemId: string; score: number; seedItemId: string }> = [];
    for (const [j, a] of acc)
      if (!seen.has(j) && a.s > 0)
        out.push({ itemId: this.itemIds[j]!, score: a.s, seedItemId: this.itemIds[a.seed]! });
    out.sort((x, y) => y.score - x.score);
    return out.slice(0, limit);
  }
}

/** In-place Gauss-Jordan inverse of a symmetric positive definite n x n matrix (row-major). */
export function invertSpd(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    const p = a[rk + k]!;
    if (!(Math.abs(p) > 1e-12)) throw new Error(`invertSpd: singular pivot at ${k}`);
    a[rk + k] = 1;
    const inv = 1 / p;
    for (let j = 0; j < n; j++) a[rk + j]! *= inv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = i * n;
      const f = a[ri + k]!;
      if (f === 0) continue;
      a[ri + k] = 0;
      for (let j = 0; j < n; j++) a[ri + j]! -= f * a[rk + j]!;
    }
  }
}

/**
 * Fit EASE from user -> interacted items (binary). `histories` yields each user's distinct item ids.
 * Time: sum of squared history lengths for the Gram matrix plus n^3 for the inversion (n <= maxItems).
 */
export function fitEase(histories: Iterable<Iterable<string>>, options: EaseOptions = {}): EaseScorer {
  const lambda = options.lambda ?? 250;
  const maxItems = options.maxItems ?? 3000;
  const keep = options.neighbours ?? 100;

  const users: string[][] = [];
  const counts = new Map<string, number>();
  for (const h of histories) {
    const items = [...new Set(h)];
    if (items.length === 0) continue;
    users.push(items);
    for (const id of items) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const itemIds = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxItems)
    .map(([id]) => id);
  const n = itemIds.length;
  const col = new Map(itemIds.map((id, i) => [id, i]));
  const k = Math.min(keep, Math.max(0, n - 1));
  if (n === 0) return new EaseScorer([], new Int32Array(0), new Float32Array(0), 0);

  // Gram matrix G = X^T X + lambda I (row-major, float64).
  const G = new Float64Array(n * n);
  const idx = new Int32Array(n);
  for (const items of users) {
    let m = 0;
    for (const id of items) {
      const c = col.get(id);
      if (c !== undefined) idx[m++] = c;
    }
    for (let a = 0; a < m; a++) {
      const row = idx[a]! * n;
      for (let b = 0; b < m; b++) G[row + idx[b]!]! += 1;
    }
  }
  for (let i = 0; i < n; i++) G[i * n + i]! += lambda;

  invertSpd(G, n);

  // B[i][j] = -P[i][j] / P[j][j] (i != j); keep the k largest per row i.
  const cols = new Int32Array(n * Math.max(k, 1)).fill(-1);
  const weights = new Float32Array(n * Math.max(k, 1));
  const candJ = new Int32Array(n);
  const candW = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const b = -G[i * n + j]! / G[j * n + j]!;
      if (b > 0) {
        candJ[m] = j;
        candW[m] = b;
        m++;
      }
    }
    const order = Array.from({ length: m }, (_, r) => r).sort((x, y) => candW[y]! - candW[x]!);
    const take = Math.min(k, m);
    for (let r = 0; r < take; r++) {
      cols[i * k + r] = candJ[order[r]!]!;
      weights[i * k + r] = candW[order[r]!]!;
    }
  }
  return new EaseScorer(itemIds, cols, weights, k);
}
