// Exploration: a seeded share of the slots goes to low-exposure items picked by Thompson sampling on their
// observed feedback, placed at seeded positions (never first when there is a main item).
import type { Candidate } from './blend.js';
import type { Catalogue } from './catalogue.js';
import type { RecommendConfig } from './config.js';
import { sampleBeta } from './random.js';
import type { Interner } from './state/interner.js';
import type { StatsTable } from './state/statsTable.js';

/** How many of `first` slots explore: first * share, the fraction rounded up with that probability. */
export function explorationSlots(first: number, share: number, rand: () => number): number {
  const exact = first * share;
  let n = Math.floor(exact);
  if (rand() < exact - n) n++;
  return Math.min(n, first);
}

export interface ExplorationContext {
  config: RecommendConfig['explore'];
  catalogue: Catalogue;
  ids: Interner;
  stats: StatsTable;
}

/**
 * Up to `n` exploration picks: relevant-but-unchosen low-exposure candidates plus seeded random catalogue
 * items, ranked by a Beta(priorAlpha + pos, priorBeta + neg) draw each, within the category cap (`catCount`
 * is updated).
 */
export function pickExploration(
  ctx: ExplorationContext,
  ranked: Candidate[],
  chosen: Set<string>,
  accept: (id: string) => boolean,
  n: number,
  perCategory: number,
  catCount: Map<string, number>,
  rand: () => number,
): Candidate[] {
  const { config: ec, catalogue, ids, stats } = ctx;
  const pool = new Map<string, Candidate>();
  const statOf = (id: string, arr: Float64Array) => {
    const n = ids.get(id);
    return n === undefined || n >= arr.length ? 0 : arr[n]!;
  };
  const lowExposure = (id: string) => statOf(id, stats.events) <= ec.maxExposure;
  // Relevant-but-unranked low-exposure candidates first...
  for (const c of ranked) {
    if (pool.size >= 4 * ec.randomPool) break;
    if (!chosen.has(c.id) && lowExposure(c.id)) pool.set(c.id, c);
  }
  // ...plus random catalogue items (seeded), so unseen items get a chance.
  const itemIds = catalogue.ids;
  const m = itemIds.length;
  for (let tries = 0; tries < ec.randomPool * 3 && m > 0; tries++) {
    const id = itemIds[Math.floor(rand() * m)]!;
    if (pool.has(id) || chosen.has(id) || !lowExposure(id) || !accept(id)) continue;
    pool.set(id, { id, total: 0, parts: new Map() });
  }
  // Thompson sampling on observed feedback. Iterate in a stable order so the same seed gives the same picks.
  const sampled = [...pool.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => {
      const pos = statOf(c.id, stats.pos);
      const neg = statOf(c.id, stats.neg);
      return { c, s: sampleBeta(ec.priorAlpha + pos, ec.priorBeta + neg, rand) };
    })
    .sort((a, b) => b.s - a.s || (a.c.id < b.c.id ? -1 : 1));
  const out: Candidate[] = [];
  for (const { c } of sampled) {
    if (out.length >= n) break;
    const cat = catalogue.get(c.id)?.category ?? null;
    if (cat !== null && (catCount.get(cat) ?? 0) >= perCategory) continue;
    if (cat !== null) catCount.set(cat, (catCount.get(cat) ?? 0) + 1);
    out.push(c);
  }
  return out;
}

/** The final order: exploration picks at seeded positions among the main ones. */
export function placeExploration(
  main: Candidate[],
  explored: Candidate[],
  rand: () => number,
): Array<{ c: Candidate; exploration: boolean }> {
  const total = main.length + explored.length;
  const positions = new Set<number>();
  const free = Array.from({ length: total }, (_, i) => i);
  for (let e = 0; e < explored.length; e++) {
    // Never the very first slot when there is a main item to put there.
    const lo = main.length > 0 ? 1 : 0;
    const choices = free.filter((p) => p >= lo && !positions.has(p));
    positions.add(choices[Math.floor(rand() * choices.length)] ?? total - 1 - e);
  }
  const out: Array<{ c: Candidate; exploration: boolean }> = [];
  let mi = 0;
  let ei = 0;
  for (let p = 0; p < total; p++) {
    if (positions.has(p) && ei < explored.length) out.push({ c: explored[ei++]!, exploration: true });
    else if (mi < main.length) out.push({ c: main[mi++]!, exploration: false });
    else if (ei < explored.length) out.push({ c: explored[ei++]!, exploration: true });
  }
  return out;
}
