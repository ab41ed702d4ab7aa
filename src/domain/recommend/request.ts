// What every source of one request shares: the filter and the user's recent positive items and seeds.
import { REJECTION_TYPES } from '../behavior.js';
import type { ProfileSignals, RecommendationFilter } from '../types.js';
import type { Catalogue } from './catalogue.js';
import type { RecentPositive } from './source.js';

/** The request's filter: in the catalogue, not consumed or rejected, and the filter's ids, categories, prices. */
export function makeAccept(
  catalogue: Catalogue,
  signals: ProfileSignals,
  filter: RecommendationFilter | undefined,
): (id: string) => boolean {
  const cats = filter?.categories?.length ? new Set(filter.categories) : null;
  const excludeCats = filter?.excludeCategories?.length ? new Set(filter.excludeCategories) : null;
  const excludeIds = filter?.excludeItemIds?.length ? new Set(filter.excludeItemIds) : null;
  const priceMin = filter?.priceMin ?? null;
  const priceMax = filter?.priceMax ?? null;
  const { consumed, rejected } = signals;
  return (id: string) => {
    const item = catalogue.get(id);
    if (!item) return false;
    if (consumed.has(id) || rejected.has(id)) return false;
    if (excludeIds?.has(id)) return false;
    if (cats && (item.category === null || !cats.has(item.category))) return false;
    if (excludeCats && item.category !== null && excludeCats.has(item.category)) return false;
    if (priceMin !== null && (item.price === null || item.price < priceMin)) return false;
    if (priceMax !== null && (item.price === null || item.price > priceMax)) return false;
    return true;
  };
}

/**
 * Recent positive interactions, newest first, one per item, rejected items left out. recentRatings 'interaction':
 * every rated item counts (weight 1), also one the profile read as below the user's mean (RecommendConfig), and so
 * does an item whose text the profile read as panned (a negative pull on a type that is not a rejection): the push
 * keeps the profile's vectors away from it, but what follows an item in the log follows it whatever the review said.
 */
export function positiveRecent(
  signals: ProfileSignals,
  recentRatings: 'liking' | 'interaction' = 'liking',
): RecentPositive[] {
  const seen = new Set<string>();
  const out: RecentPositive[] = [];
  for (const r of signals.recent) {
    const rated =
      recentRatings === 'interaction' && (r.type === 'RATE' || (r.weight < 0 && !REJECTION_TYPES.has(r.type)));
    if ((r.weight <= 0 && !rated) || seen.has(r.itemId) || signals.rejected.has(r.itemId)) continue;
    seen.add(r.itemId);
    out.push({ itemId: r.itemId, type: r.type, weight: rated ? 1 : r.weight });
  }
  return out;
}

/** The first `n` recent positive items as seeds, weights damped by rank: w / (1 + 0.3 rank). */
export function seedItems(recentPositive: RecentPositive[], n: number): Array<{ itemId: string; weight: number }> {
  return recentPositive.slice(0, n).map((r, rank) => ({ itemId: r.itemId, weight: r.weight / (1 + 0.3 * rank) }));
}
