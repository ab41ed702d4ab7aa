// What every ranked method (baseline or Tastegraph) implements, and the loop that evaluates one.
import type { LoadedDataset } from './datasets/types.js';
import { MetricAccumulator, type Metrics } from './metrics.js';
import { Progress } from './progress.js';
import { historyEnd, LeakGuard, type Phase, type SplitPlan, targetOf, trainingEnd } from './protocol.js';

export interface PhaseData {
  ds: LoadedDataset;
  plan: SplitPlan;
  phase: Phase;
  guard: LeakGuard;
  /** Item vectors of the run's encoder, row-major nItems x dim, unit length. */
  vectors: Float32Array;
  dim: number;
  /** Length of the ranked list each method returns (MRR is truncated there). */
  depth: number;
  /** Tuning passes: only the top 10 is needed (NDCG@10 / HR@10 select the setting). */
  quick?: boolean;
  /**
   * Protocol A (default, true): the user's history items are excluded from the ranking and dropped from a
   * method's list before scoring. Protocol B (false): nothing is excluded; a history item in the list takes a slot
   * (RecBole's sequential full-sort evaluation, used by the Amazon/UniSRec-family published figures).
   */
  excludeHistory?: boolean;
}

/** One phase's data with a fresh leak guard, top-20 lists (`quick`: only the top 10 is scored, as tuning does). */
export function phaseData(
  ds: LoadedDataset,
  plan: SplitPlan,
  phase: Phase,
  vectors: { matrix: Float32Array; dim: number },
  quick = true,
): PhaseData {
  return {
    ds,
    plan,
    phase,
    guard: new LeakGuard(ds, phase),
    vectors: vectors.matrix,
    dim: vectors.dim,
    depth: 20,
    quick,
  };
}

/** The mask topK should exclude: the history under protocol A, nothing under protocol B. */
export function exclusion(p: Pick<PhaseData, 'excludeHistory'>, historyMask: Uint8Array): Uint8Array | null {
  return p.excludeHistory === false ? null : historyMask;
}

/**
 * A method's answer for one user. A plain array is one ranking used for every cutoff (score-based baselines).
 * Tastegraph answers like the API does: separate calls with first = 10, 20 and depth, because diversity
 * re-ranking and the per-category cap depend on `first`, so the top 10 of a longer list is not what
 * User.recommendations(first: 10) serves.
 */
export type RankOutput = Int32Array | { top10: Int32Array; top20?: Int32Array; deep?: Int32Array };

export interface Method {
  name: string;
  group: 'baseline' | 'tastegraph' | 'ablation' | 'experiment';
  description: string;
  prepare(p: PhaseData): Promise<void> | void;
  /** The top p.depth items for a user, best first, never an item of the user's history. */
  rank(userIndex: number, p: PhaseData): Promise<RankOutput> | RankOutput;
  release?(): void;
}

export interface MethodResult {
  name: string;
  group: Method['group'];
  description: string;
  phase: Phase;
  metrics: Metrics;
  seconds: number;
  /** Items of the user's history returned by the method (should be 0; they are dropped before scoring). */
  historyItemsReturned: number;
}

/** Training events of a phase for shared models: every user's prefix before the phase's held-out items, in global time order. */
export function trainingEvents(
  p: Pick<PhaseData, 'ds' | 'plan' | 'phase' | 'guard'>,
): Array<{ user: number; pos: number; time: number }> {
  const out: Array<{ user: number; pos: number; time: number }> = [];
  const included = new Set<number>();
  // every user with enough interactions is training data, including users left out by --users sampling
  p.ds.users.forEach((u, ui) => {
    if (u.items.length >= p.plan.minInteractions) included.add(ui);
  });
  for (const ui of included) {
    const u = p.ds.users[ui]!;
    const end = trainingEnd(u, p.phase);
    for (let k = 0; k < end; k++) {
      p.guard.model(ui, k);
      out.push({ user: ui, pos: k, time: u.times[k]! });
    }
  }
  out.sort((a, b) => a.time - b.time || a.user - b.user || a.pos - b.pos);
  return out;
}

export async function evaluateMethod(
  method: Method,
  p: PhaseData,
  opts: { quiet?: boolean } = {},
): Promise<MethodResult> {
  const t0 = performance.now();
  const progress = opts.quiet ? null : new Progress(`${p.phase} ${method.name}`, p.plan.users.length + 1);
  await method.prepare(p);
  progress?.tick();
  const acc = new MetricAccumulator(p.ds.items.length, p.vectors, p.dim);
  let historyItemsReturned = 0;
  let only10 = false;
  const seen = new Uint8Array(p.ds.items.length);
  for (const ui of p.plan.users) {
    const u = p.ds.users[ui]!;
    const end = historyEnd(u, p.phase);
    const out = await method.rank(ui, p);
    for (let k = 0; k < end; k++) seen[u.items[k]!] = 1;
    const clean = (list: Int32Array): Int32Array => {
      if (p.excludeHistory === false) return list;
      let bad = 0;
      for (const it of list) bad += seen[it]!;
      if (!bad) return list;
      historyItemsReturned += bad;
      return list.filter((it) => !seen[it]);
    };
    if (out instanceof Int32Array) {
      const ranked = clean(out.length > p.depth ? out.subarray(0, p.depth) : out);
      acc.add(ranked, ranked, ranked, targetOf(u, p.phase));
    } else {
      const top10 = clean(out.top10);
      if (!out.top20) only10 = true;
      const top20 = out.top20 ? clean(out.top20) : top10;
      const deep = out.deep ? clean(out.deep) : top20;
      acc.add(top10, top20, deep, targetOf(u, p.phase));
    }
    for (let k = 0; k < end; k++) seen[u.items[k]!] = 0;
    progress?.tick();
  }
  progress?.done();
  method.release?.();
  const metrics = acc.result();
  if (only10) {
    // Only the first-10 list was asked for: @20 and MRR@depth are not measured (NaN -> null in JSON, "–" in tables).
    metrics['HR@20'] = Number.NaN;
    metrics['NDCG@20'] = Number.NaN;
    metrics.MRR = Number.NaN;
  }
  return {
    name: method.name,
    group: method.group,
    description: method.description,
    phase: p.phase,
    metrics,
    seconds: (performance.now() - t0) / 1000,
    historyItemsReturned,
  };
}
