// Diversity: the MMR pool (best candidates, per-category bounded), greedy MMR and the per-category cap.
import type { Candidate } from './blend.js';
import type { Catalogue } from './catalogue.js';
import type { RecommendConfig } from './config.js';
import { dotF } from './vectors.js';

/** At most this many of `first` slots from one category (maxShare of them, at least 1). */
export function categoryCap(first: number, maxShare: number): number {
  return Math.max(1, Math.floor(maxShare * first + 1e-9));
}

/**
 * MMR pool: the best max(first * poolFactor, minPool) candidates, but no category beyond perCategory + first
 * entries, so the cap can be met from the pool whenever other categories have candidates.
 */
export function selectPool(
  ranked: Candidate[],
  first: number,
  perCategory: number,
  config: RecommendConfig['diversity'],
  catalogue: Catalogue,
): Candidate[] {
  const poolSize = Math.max(first * config.poolFactor, config.minPool);
  const pool: Candidate[] = [];
  const poolCat = new Map<string, number>();
  const poolCatLimit = perCategory + first;
  for (const c of ranked) {
    if (pool.length >= poolSize) break;
    const cat = catalogue.get(c.id)?.category ?? null;
    if (cat !== null) {
      const n = poolCat.get(cat) ?? 0;
      if (n >= poolCatLimit) continue;
      poolCat.set(cat, n + 1);
    }
    pool.push(c);
  }
  return pool;
}

/**
 * Greedy MMR over `pool` with a per-category cap (relaxed only when no other category remains). `catCount`
 * counts the chosen items per category and is updated (exploration continues from it).
 */
export function mmr(
  pool: Candidate[],
  n: number,
  lambda: number,
  perCategory: number,
  catCount: Map<string, number>,
  catalogue: Catalogue,
): Candidate[] {
  const chosen: Candidate[] = [];
  if (n <= 0 || pool.length === 0) return chosen;
  const maxTotal = pool[0]!.total || 1;
  const remaining = pool.slice();
  const maxSim = new Float64Array(remaining.length); // max similarity to the chosen items, per remaining slot
  const vecs = remaining.map((c) => catalogue.get(c.id)?.vector ?? null);
  const cats = remaining.map((c) => catalogue.get(c.id)?.category ?? null);
  const alive = new Uint8Array(remaining.length).fill(1);
  while (chosen.length < n) {
    let bestI = -1;
    let bestScore = -Infinity;
    let relaxedI = -1;
    let relaxedScore = -Infinity;
    for (let i = 0; i < remaining.length; i++) {
      if (!alive[i]) continue;
      const rel = remaining[i]!.total / maxTotal;
      const score = lambda >= 1 ? rel : lambda * rel - (1 - lambda) * maxSim[i]!;
      const cat = cats[i] ?? null;
      const capped = cat !== null && (catCount.get(cat) ?? 0) >= perCategory;
      if (capped) {
        if (score > relaxedScore) {
          relaxedScore = score;
          relaxedI = i;
        }
      } else if (score > bestScore) {
        bestScore = score;
        bestI = i;
      }
    }
    const pick = bestI >= 0 ? bestI : relaxedI;
    if (pick < 0) break;
    alive[pick] = 0;
    const c = remaining[pick]!;
    chosen.push(c);
    const cat = cats[pick] ?? null;
    if (cat !== null) catCount.set(cat, (catCount.get(cat) ?? 0) + 1);
    if (lambda >= 1) continue; // pure relevance: similarities are not needed
    const pv = vecs[pick];
    for (let i = 0; i < remaining.length; i++) {
      if (!alive[i]) continue;
      let sim = 0;
      const v = vecs[i];
      if (pv && v) sim = dotF(pv, v);
      else if (cat !== null && cats[i] === cat) sim = 0.5;
      if (sim > maxSim[i]!) maxSim[i] = sim;
    }
  }
  return chosen;
}
