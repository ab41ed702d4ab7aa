// Read-side views of the value tendency (price sensitivity, brand loyalty, novelty) and social ties (issue #16).
// Pure: everything here is a function of the state (replayable) except novelty, which takes the recommender's
// item counts as an argument and is computed at read time (popularity is not in the event log).
import type { FacetWeight } from '../types.js';
import type { ProfileState, Tally } from './state.js';

/** Price bands in ascending order (priceBand in apply.ts). */
export const PRICE_BANDS = ['<10', '10-50', '50-200', '200-1000', '1000+'] as const;

/** Fewest bought events (PURCHASE, ADD_TO_CART) before price sensitivity is reported. */
export const MIN_PRICE_EVIDENCE = 2;
/** Fewest liking events on branded items before brand loyalty is reported. */
export const MIN_LOYALTY_EVIDENCE = 3;
/** Fewest consumed items with known counts before novelty is reported. */
export const MIN_NOVELTY_EVIDENCE = 3;

/** Weighted mean band index (0 = "<10" ... 4 = "1000+") of a price tally; null when empty. */
function meanBand(t: Tally): number | null {
  let sum = 0;
  let total = 0;
  for (const k of Object.keys(t)) {
    const i = (PRICE_BANDS as readonly string[]).indexOf(k);
    if (i < 0 || !(t[k]! > 0)) continue;
    sum += i * t[k]!;
    total += t[k]!;
  }
  return total > 0 ? sum / total : null;
}

export interface ValueTendency {
  /** clamp(browsed mean band - bought mean band, 0, 1): 1 = buys a full band below where they browse. */
  priceSensitivity: number | null;
  /** Bought mean band / 4, in [0, 1]: where the user buys. */
  priceLevel: number | null;
  /** Share of liking events on branded items whose brand was liked before, in [0, 1]. */
  brandLoyalty: number | null;
  /** The brand liked most (decayed), when brand loyalty is reported. */
  topBrand: string | null;
}

export function valueTendency(state: ProfileState): ValueTendency {
  const bought = (state.stats.counts.PURCHASE ?? 0) + (state.stats.counts.ADD_TO_CART ?? 0);
  const b = meanBand(state.price.bought);
  const r = meanBand(state.price.browsed);
  const enough = bought >= MIN_PRICE_EVIDENCE && b !== null;
  const priceSensitivity = enough && r !== null ? Math.max(0, Math.min(1, r - b)) : null;
  const priceLevel = enough ? b / (PRICE_BANDS.length - 1) : null;
  const v = state.value;
  const loyal = v.count >= MIN_LOYALTY_EVIDENCE && v.positive > 0;
  let topBrand: string | null = null;
  if (loyal) {
    for (const k of Object.keys(v.brands).sort())
      if (topBrand === null || v.brands[k]! > v.brands[topBrand]!) topBrand = k;
  }
  return { priceSensitivity, priceLevel, brandLoyalty: loyal ? v.repeat / v.positive : null, topBrand };
}

/** kind `value`: price_sensitivity, price_level, brand_loyalty (each only with enough evidence). */
export function valueFacets(state: ProfileState): FacetWeight[] {
  const t = valueTendency(state);
  const out: FacetWeight[] = [];
  if (t.priceSensitivity !== null) out.push({ kind: 'value', value: 'price_sensitivity', weight: t.priceSensitivity });
  if (t.priceLevel !== null) out.push({ kind: 'value', value: 'price_level', weight: t.priceLevel });
  if (t.brandLoyalty !== null) out.push({ kind: 'value', value: 'brand_loyalty', weight: t.brandLoyalty });
  return out;
}

/**
 * Novelty seeking at read time: the mean, over the consumed items the recommender has counts for, of
 * 1 - log(1 + events) / log(1 + most events of any item), in [0, 1]: 1 = only niche or brand-new items, 0 = only
 * the most popular one. Null with too little evidence.
 */
export function noveltyFacet(consumed: readonly string[], eventsOf: (itemId: string) => number, maxEvents: number) {
  if (maxEvents <= 0) return null;
  const denom = Math.log1p(maxEvents);
  let sum = 0;
  let n = 0;
  for (const id of consumed.slice(-100)) {
    const e = Math.max(0, Math.min(maxEvents, eventsOf(id)));
    sum += 1 - Math.log1p(e) / denom;
    n++;
  }
  if (n < MIN_NOVELTY_EVIDENCE) return null;
  return { kind: 'value', value: 'novelty', weight: sum / n } satisfies FacetWeight;
}

/** kind `social`: following and blocked counts from the state (followers is added at read time from the log). */
export function socialFacets(state: ProfileState): FacetWeight[] {
  const s = state.social;
  if (s.relations === 0) return [];
  return [
    { kind: 'social', value: 'following', weight: s.following.length },
    { kind: 'social', value: 'blocked', weight: s.blocked.length },
  ];
}

/** Summary clauses of the value tendency and social ties ("price-sensitive", "loyal to Acme", "follows 3 people"). */
export function valueSummaryClauses(state: ProfileState): string[] {
  const t = valueTendency(state);
  const out: string[] = [];
  if (t.priceSensitivity !== null && t.priceSensitivity >= 0.5) out.push('price-sensitive');
  if (t.brandLoyalty !== null && t.topBrand !== null) {
    if (t.brandLoyalty >= 0.5) out.push(`loyal to ${t.topBrand}`);
    else if (t.brandLoyalty <= 0.2) out.push('tries many brands');
  }
  const f = state.social.following.length;
  if (f > 0) out.push(`follows ${f} ${f === 1 ? 'person' : 'people'}`);
  return out;
}
