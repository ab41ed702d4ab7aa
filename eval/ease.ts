// EASE (Steck, WWW 2019), a closed-form linear item-item model, fitted on the same training events. A baseline in
// every run (catalogues up to EASE_MAX_ITEMS items: the fit is O(n^3) time, O(n^2) memory) and, through
// RecommenderModel.setItemItemScorer, the product's optional `ease` source (--ease <lambda> experiment).
import type { ItemItemScorer } from '../src/domain/recommend/index.js';
import type { LoadedDataset } from './datasets/types.js';
import { exclusion, trainingEvents, type Method, type PhaseData } from './method.js';
import { topK } from './metrics.js';
import { historyEnd, historyMask, LeakGuard, type Phase, type SplitPlan } from './protocol.js';
import { invertSpd } from '../src/domain/recommend/ease.js';

export { invertSpd };

/** B = I - P diagMat(1 / diag(P)) with P = (X^T X + lambda I)^-1; B_ii = 0. Returned as Float32 row-major (row i = weights from item i). */
export function fitEase(ds: LoadedDataset, plan: SplitPlan, phase: Phase, lambda: number): Float32Array {
  const n = ds.items.length;
  const g = new Float64Array(n * n);
  const perUser = new Map<number, Set<number>>();
  for (const e of trainingEvents({ ds, plan, phase, guard: new LeakGuard(ds, phase) })) {
    let s = perUser.get(e.user);
    if (!s) perUser.set(e.user, (s = new Set()));
    s.add(ds.users[e.user]!.items[e.pos]!);
  }
  for (const s of perUser.values()) {
    const list = Int32Array.from(s);
    for (let a = 0; a < list.length; a++) {
      const row = list[a]! * n;
      for (let b = 0; b < list.length; b++) g[row + list[b]!]! += 1;
    }
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  invertSpd(g, n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -g[i * n + j]! / g[j * n + j]!;
  }
  return b;
}

const cache = new Map<string, Float32Array>();
export function easeMatrix(ds: LoadedDataset, plan: SplitPlan, phase: Phase, lambda: number): Float32Array {
  const key = `${ds.name}|${phase}|${lambda}|${plan.minInteractions}`;
  let b = cache.get(key);
  if (!b) {
    const t0 = performance.now();
    b = fitEase(ds, plan, phase, lambda);
    process.stderr.write(
      `EASE fitted (${phase}, lambda ${lambda}, ${ds.items.length} items) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    if (cache.size >= 2) cache.delete(cache.keys().next().value as string);
    cache.set(key, b);
  }
  return b;
}

/** The product's ItemItemScorer hook over an EASE matrix: sum of the seed items' rows. */
export function easeScorer(ds: LoadedDataset, b: Float32Array): ItemItemScorer {
  const n = ds.items.length;
  const index = new Map(ds.items.map((it, i) => [it.id, i]));
  const scores = new Float32Array(n);
  return {
    score(seeds, limit) {
      scores.fill(0);
      const mask = new Uint8Array(n);
      const best = new Int32Array(n).fill(-1);
      const bestW = new Float32Array(n);
      for (const s of seeds) {
        const i = index.get(s.itemId);
        if (i === undefined) continue;
        mask[i] = 1;
        const row = i * n;
        for (let j = 0; j < n; j++) {
          const c = s.weight * b[row + j]!;
          scores[j]! += c;
          if (c > bestW[j]!) {
            bestW[j] = c;
            best[j] = i;
          }
        }
      }
      const top = topK(scores, limit, mask);
      const out: Array<{ itemId: string; score: number; seedItemId: string }> = [];
      for (const j of top)
        if (scores[j]! > 0 && best[j]! >= 0)
          out.push({ itemId: ds.items[j]!.id, score: scores[j]!, seedItemId: ds.items[best[j]!]!.id });
      return out;
    },
  };
}

/** Default L2 regularisation of the EASE baseline when no validation grid is run (the product config's default). */
export const EASE_DEFAULT_LAMBDA = 250;
/** Validation grid for lambda, used when the catalogue is small enough for several fits to be cheap. */
export const EASE_LAMBDA_GRID = [50, 250, 1000];
/** Catalogues up to this many items get a lambda grid; larger ones use EASE_DEFAULT_LAMBDA (one fit per phase). */
export const EASE_GRID_MAX_ITEMS = 2000;
/** Size guard: no EASE baseline above this many items (a dense n x n float64 inverse: 8 n^2 bytes, O(n^3) time). */
export const EASE_MAX_ITEMS = 6000;

/** EASE as a baseline: scores = history row-sum of B, history excluded (protocol A). */
export class EaseBaseline implements Method {
  readonly name: string;
  readonly group: 'baseline' | 'experiment';
  readonly description: string;
  private b: Float32Array = new Float32Array(0);
  private mask = new Uint8Array(0);
  private scores = new Float32Array(0);

  constructor(
    readonly lambda: number,
    group: 'baseline' | 'experiment' = 'baseline',
  ) {
    this.group = group;
    this.name = `EASE (lambda ${lambda})`;
    this.description = 'Closed-form linear item-item model (Steck 2019) on the training events; score = history x B.';
  }

  prepare(p: PhaseData): void {
    this.b = easeMatrix(p.ds, p.plan, p.phase, this.lambda);
    this.mask = new Uint8Array(p.ds.items.length);
    this.scores = new Float32Array(p.ds.items.length);
  }

  rank(ui: number, p: PhaseData): Int32Array {
    const n = p.ds.items.length;
    const u = p.ds.users[ui]!;
    const mask = historyMask(u, historyEnd(u, p.phase), n, this.mask);
    const scores = this.scores.fill(0);
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) scores[j]! += this.b[row + j]!;
    }
    return topK(scores, p.depth, exclusion(p, mask));
  }
}
