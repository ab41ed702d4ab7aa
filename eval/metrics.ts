// Ranking metrics for one held-out target per user, plus list-level coverage and diversity.

export const CUTOFFS = [10, 20] as const;

/** Position (0-based) of `target` in `ranked`, or -1 when absent. */
export function positionOf(ranked: ArrayLike<number>, target: number): number {
  for (let i = 0; i < ranked.length; i++) if (ranked[i] === target) return i;
  return -1;
}

/** HR@k: 1 when the target is in the top k. With one relevant item this equals Recall@k. */
export function hitAt(pos: number, k: number): number {
  return pos >= 0 && pos < k ? 1 : 0;
}

/** NDCG@k with one relevant item: 1 / log2(pos + 2) inside the top k (ideal DCG is 1). */
export function ndcgAt(pos: number, k: number): number {
  return pos >= 0 && pos < k ? 1 / Math.log2(pos + 2) : 0;
}

/** Reciprocal rank; 0 when the target is beyond the ranked depth. */
export function reciprocalRank(pos: number): number {
  return pos >= 0 ? 1 / (pos + 1) : 0;
}

/** 1 - mean pairwise cosine of the listed items' vectors (vectors are unit length; zero vectors count as cosine 0). */
export function intraListDiversity(list: ArrayLike<number>, vectors: Float32Array, dim: number): number {
  const n = list.length;
  if (n < 2) return 0;
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    const oa = list[a]! * dim;
    for (let b = a + 1; b < n; b++) {
      const ob = list[b]! * dim;
      let d = 0;
      for (let k = 0; k < dim; k++) d += vectors[oa + k]! * vectors[ob + k]!;
      sum += d;
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

export interface Metrics {
  users: number;
  'HR@10': number;
  'NDCG@10': number;
  MRR: number;
  'HR@20': number;
  'NDCG@20': number;
  'coverage@10': number;
  'diversity@10': number;
}

export const METRIC_KEYS = ['HR@10', 'NDCG@10', 'MRR', 'HR@20', 'NDCG@20', 'coverage@10', 'diversity@10'] as const;

/** Accumulates per-user results into the reported means. */
export class MetricAccumulator {
  private n = 0;
  private hr10 = 0;
  private ndcg10 = 0;
  private hr20 = 0;
  private ndcg20 = 0;
  private mrr = 0;
  private div = 0;
  private divN = 0;
  private readonly covered: Uint8Array;
  /** Per-user NDCG@10, in add() order (for paired comparisons). */
  readonly perUserNdcg10: number[] = [];

  constructor(
    readonly nItems: number,
    private readonly vectors: Float32Array | null,
    private readonly dim: number,
  ) {
    this.covered = new Uint8Array(nItems);
  }

  /**
   * One user's answer: `top10` gives the @10 metrics, coverage and diversity; `top20` the @20 metrics; `deep` the
   * reciprocal rank. Pass the same list three times for a single ranking. Returns the target's position in top10.
   */
  add(top10: ArrayLike<number>, top20: ArrayLike<number>, deep: ArrayLike<number>, target: number): number {
    const ranked = top10;
    const pos = positionOf(top10, target);
    const pos20 = positionOf(top20, target);
    this.n++;
    this.hr10 += hitAt(pos, 10);
    const n10 = ndcgAt(pos, 10);
    this.ndcg10 += n10;
    this.perUserNdcg10.push(n10);
    this.hr20 += hitAt(pos20, 20);
    this.ndcg20 += ndcgAt(pos20, 20);
    this.mrr += reciprocalRank(positionOf(deep, target));
    const top = Math.min(10, ranked.length);
    for (let i = 0; i < top; i++) this.covered[ranked[i]!] = 1;
    if (this.vectors && top >= 2) {
      const head = Array.from({ length: top }, (_, i) => ranked[i]!);
      this.div += intraListDiversity(head, this.vectors, this.dim);
      this.divN++;
    }
    return pos;
  }

  result(): Metrics {
    const n = Math.max(1, this.n);
    let cov = 0;
    for (const c of this.covered) cov += c;
    return {
      users: this.n,
      'HR@10': this.hr10 / n,
      'NDCG@10': this.ndcg10 / n,
      MRR: this.mrr / n,
      'HR@20': this.hr20 / n,
      'NDCG@20': this.ndcg20 / n,
      'coverage@10': cov / this.nItems,
      'diversity@10': this.divN ? this.div / this.divN : 0,
    };
  }
}

/**
 * Top `depth` item indices by descending score, skipping masked items; ties broken by the lower item index
 * (deterministic). O(n log depth) with a bounded binary heap.
 */
export function topK(scores: Float32Array | Float64Array, depth: number, exclude: Uint8Array | null): Int32Array {
  const heapIdx = new Int32Array(depth);
  const heapScore = new Float64Array(depth);
  let size = 0;
  // min-heap on (score asc, index desc): the root is the worst kept item
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heapScore[l]!, heapIdx[l]!, heapScore[m]!, heapIdx[m]!)) m = l;
      if (r < size && worse(heapScore[r]!, heapIdx[r]!, heapScore[m]!, heapIdx[m]!)) m = r;
      if (m === i) return;
      const ts = heapScore[i]!;
      const ti = heapIdx[i]!;
      heapScore[i] = heapScore[m]!;
      heapIdx[i] = heapIdx[m]!;
      heapScore[m] = ts;
      heapIdx[m] = ti;
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (exclude && exclude[i]) continue;
    const s = scores[i]!;
    if (size < depth) {
      let c = size++;
      heapScore[c] = s;
      heapIdx[c] = i;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heapScore[c]!, heapIdx[c]!, heapScore[p]!, heapIdx[p]!)) break;
        const ts = heapScore[c]!;
        const ti = heapIdx[c]!;
        heapScore[c] = heapScore[p]!;
        heapIdx[c] = heapIdx[p]!;
        heapScore[p] = ts;
        heapIdx[p] = ti;
        c = p;
      }
    } else if (worse(heapScore[0]!, heapIdx[0]!, s, i)) {
      heapScore[0] = s;
      heapIdx[0] = i;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, k) => k).sort(
    (a, b) => heapScore[b]! - heapScore[a]! || heapIdx[a]! - heapIdx[b]!,
  );
  const out = new Int32Array(size);
  order.forEach((k, j) => (out[j] = heapIdx[k]!));
  return out;
}
