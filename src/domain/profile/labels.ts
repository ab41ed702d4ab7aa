// Human labels of interest clusters, from their strongest facets.
import type { InterestCluster } from './state.js';

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Facet keys of a cluster of one kind, strongest first. */
export function clusterFacetValues(c: InterestCluster, kind: string): Array<[string, number]> {
  const prefix = `${kind}:`;
  return Object.keys(c.facets)
    .filter((k) => k.startsWith(prefix))
    .map((k) => [k.slice(prefix.length), c.facets[k]!] as [string, number])
    .sort((a, b) => b[1] - a[1] || cmpStr(a[0], b[0]));
}

export function topItemIds(c: InterestCluster): string[] {
  return Object.keys(c.topItems)
    .filter((k) => c.topItems[k]! > 0)
    .sort((a, b) => c.topItems[b]! - c.topItems[a]! || cmpStr(a, b));
}

/**
 * A readable label from the cluster's strongest facets: the top categories (those with at least a third of the top
 * one's weight, at most two) joined by " / ", else tags, else brands; onboarding-only interests read
 * "Stated interests"; an interest with no facet data reads "Items like <top item id>".
 */
export function interestFacetLabel(c: InterestCluster): string {
  for (const kind of ['category', 'tag', 'brand']) {
    const vals = clusterFacetValues(c, kind);
    if (vals.length === 0) continue;
    const top = vals[0]![1];
    return vals
      .filter(([, w]) => w >= top / 3)
      .slice(0, 2)
      .map(([v]) => v)
      .join(' / ');
  }
  if (c.source === 'onboarding') return 'Stated interests';
  const items = topItemIds(c);
  return items.length > 0 ? `Items like ${items[0]}` : 'Mixed interests';
}
