// What every source of one request shares: the filter and the user's recent positive items and seeds.
import { REJECTION_TYPES } from '../behavior.js';
import type { ProfileSignals, RecommendationFilter } from '../types.js';
import type { Catalogue, ModelItem } from './catalogue.js';
import type { RecentPositive } from './source.js';
import type { Interner } from './state/interner.js';

/** The request's filter on a catalogue item: not consumed or rejected, and the filter's ids, categories, prices. */
export type ItemFilter = (id: string, item: ModelItem) => boolean;

export function makeItemFilter(signals: ProfileSignals, filter: RecommendationFilter | undefined): ItemFilter {
  const cats = filter?.categories?.length ? new Set(filter.categories) : null;
  const excludeCats = filter?.excludeCategories?.length ? new Set(filter.excludeCategories) : null;
  const excludeIds = filter?.excludeItemIds?.length ? new Set(filter.excludeItemIds) : null;
  const priceMin = filter?.priceMin ?? null;
  const priceMax = filter?.priceMax ?? null;
  const { consumed, rejected } = signals;
  return (id, item) => {
    if (consumed.has(id) || rejected.has(id)) return false;
    if (excludeIds?.has(id)) return false;
    if (cats && (item.category === null || !cats.has(item.category))) return false;
    if (excludeCats && item.category !== null && excludeCats.has(item.category)) return false;
    if (priceMin !== null && (item.price === null || item.price < priceMin)) return false;
    if (priceMax !== null && (item.price === null || item.price > priceMax)) return false;
    return true;
  };
}

/** The request's filter on an item id: in the catalogue, and passing `passes`. */
export function makeAccept(catalogue: Catalogue, passes: ItemFilter): (id: string) => boolean {
  return (id: string) => {
    const item = catalogue.get(id);
    return item !== undefined && passes(id, item);
  };
}

/**
 * The request's filter on interned item ids, each item decided once per request: the behaviour sources meet the
 * same items many times (every seed's neighbour list, every similar user's items). The catalogue entry of each
 * interned id is kept between requests (a lookup in a map of the whole catalogue, with its cache misses, cost a
 * quarter of a request at 100k items) and forgotten when the catalogue changes that item (`forget`). One per model,
 * reused by each request (requests run one at a time: recommend is synchronous).
 */
export class InternedAccept {
  /** The catalogue entry per interned id: undefined not looked up (or changed since), null not in the catalogue. */
  private readonly itemAt: Array<ModelItem | null | undefined> = [];
  /** The request that decided each item (0: none yet), and its verdict. */
  private decidedBy = new Uint32Array(0);
  private verdict = new Uint8Array(0);
  private request = 0;

  constructor(
    private readonly ids: Interner,
    private readonly catalogue: Catalogue,
  ) {}

  /** The catalogue changed (upserted or removed) this item. */
  forget(id: string): void {
    const n = this.ids.get(id);
    if (n !== undefined && n < this.itemAt.length) this.itemAt[n] = undefined;
  }

  /** `passes` on interned ids of catalogue items (the previous request's function must not be called after this). */
  begin(passes: ItemFilter): (item: number) => boolean {
    const n = this.ids.size;
    if (this.decidedBy.length < n || this.request === 0xffffffff) {
      this.decidedBy = new Uint32Array(Math.max(n, this.decidedBy.length * 2));
      this.verdict = new Uint8Array(this.decidedBy.length);
      this.request = 0;
    }
    const request = ++this.request;
    const { decidedBy, verdict, itemAt, catalogue } = this;
    const names = this.ids.names;
    const decide = (i: number) => {
      const id = names[i]!;
      let item = itemAt[i];
      if (item === undefined) {
        item = catalogue.get(id) ?? null;
        while (itemAt.length < i) itemAt.push(undefined);
        itemAt[i] = item;
      }
      return item !== null && passes(id, item);
    };
    return (i: number) => {
      if (i >= decidedBy.length) return decide(i);
      if (decidedBy[i] === request) return verdict[i] === 1;
      const ok = decide(i);
      decidedBy[i] = request;
      verdict[i] = ok ? 1 : 0;
      return ok;
    };
  }
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
