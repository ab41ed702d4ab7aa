// Facet tallies (category, tag, brand, price band, interest facets): decay, pruning, capping, and what changed.
import type { ItemFeatures } from '../types.js';
import { tallyGet, tallySet, type ProfileState, type Tally } from './state.js';

/** How much one facet value moved in a change of the profile (signed). */
export interface FacetChange {
  kind: string;
  value: string;
  delta: number;
}

export function decayTally(t: Tally, factor: number, prune: number): Tally {
  if (factor === 1 && prune <= 0) return t;
  const out: Tally = {};
  for (const k of Object.keys(t)) {
    const v = t[k]! * factor;
    if (v >= prune && v > 0) tallySet(out, k, v);
  }
  return out;
}

/** decayTally on a tally the caller owns: same entries, same key order, no new object (ingest's allocation). */
export function decayTallyInPlace(t: Tally, factor: number, prune: number): void {
  if (factor === 1 && prune <= 0) return;
  for (const k of Object.keys(t)) {
    const v = t[k]! * factor;
    if (v >= prune && v > 0) tallySet(t, k, v);
    else delete t[k];
  }
}

/** Keeps the `limit` largest entries (ties by key), preserving the original key order of the survivors. */
export function capTally(t: Tally, limit: number): Tally {
  const keys = Object.keys(t);
  if (keys.length <= limit) return t;
  const keep = new Set(
    keys
      .slice()
      .sort((a, b) => t[b]! - t[a]! || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit),
  );
  const out: Tally = {};
  for (const k of keys) if (keep.has(k)) tallySet(out, k, t[k]!);
  return out;
}

/** Drops values under `ratio` times the largest value (relative pruning: invariant under uniform decay). */
export function pruneRelative(t: Tally, ratio: number): Tally {
  if (ratio <= 0) return t;
  let max = 0;
  for (const k of Object.keys(t)) if (t[k]! > max) max = t[k]!;
  const floor = max * ratio;
  let drop = false;
  for (const k of Object.keys(t)) if (t[k]! < floor) drop = true;
  if (!drop) return t;
  const out: Tally = {};
  for (const k of Object.keys(t)) if (t[k]! >= floor) tallySet(out, k, t[k]!);
  return out;
}

export function addTally(t: Tally, key: string, delta: number): void {
  const v = tallyGet(t, key) + delta;
  if (v > 0) tallySet(t, key, v);
  else delete t[key];
}

/** Facet keys of an item: `category:X`, `tag:Y`, `brand:Z`. */
export function itemFacetKeys(item: ItemFeatures | null): Array<[kind: 'category' | 'tag' | 'brand', value: string]> {
  if (!item) return [];
  const out: Array<['category' | 'tag' | 'brand', string]> = [];
  if (item.category) out.push(['category', item.category]);
  for (const tag of [...new Set(item.tags)]) if (tag) out.push(['tag', tag]);
  if (item.brand) out.push(['brand', item.brand]);
  return out;
}

/** Shares within each kind (category, tag, brand), keyed `kind\u0000value`. */
function facetShares(f: ProfileState['facets']): Map<string, number> {
  const out = new Map<string, number>();
  for (const kind of ['category', 'tag', 'brand'] as const) {
    const t = f[kind];
    let total = 0;
    for (const k of Object.keys(t)) total += t[k]!;
    if (total <= 0) continue;
    for (const k of Object.keys(t)) out.set(`${kind}\u0000${k}`, t[k]! / total);
  }
  return out;
}

export function diffFacets(
  before: ProfileState['facets'],
  after: ProfileState['facets'],
  limit: number,
): FacetChange[] {
  const a = facetShares(before);
  const b = facetShares(after);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const out: FacetChange[] = [];
  for (const key of keys) {
    const delta = (b.get(key) ?? 0) - (a.get(key) ?? 0);
    if (Math.abs(delta) < 1e-9) continue;
    const sep = key.indexOf('\u0000');
    out.push({ kind: key.slice(0, sep), value: key.slice(sep + 1), delta });
  }
  out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || cmpStr(x.kind, y.kind) || cmpStr(x.value, y.value));
  return out.slice(0, limit);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mergeTallies(a: Tally, b: Tally): Tally {
  const out: Tally = {};
  for (const k of Object.keys(a)) tallySet(out, k, a[k]!);
  for (const k of Object.keys(b)) tallySet(out, k, tallyGet(out, k) + b[k]!);
  return out;
}
