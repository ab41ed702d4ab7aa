// Value re-ranking (issue #16): a price-sensitive user sees cheaper alternatives first among comparable
// candidates. Comparable = the same category among the blended candidates; within it each priced candidate's
// total is scaled by 1 + strength * sensitivity * clamp((median - price) / median, -1, 1), so cheaper than the
// category's median rises and dearer sinks, by at most `strength` of its score: near ties swap, clear preferences
// stay. Off (the ranking is returned as it is) when the user's price_sensitivity facet is missing or under
// `minSensitivity`, or `strength` is 0.
import type { ProfileSignals } from '../types.js';
import { rankCandidates, type Candidate } from './blend.js';
import type { Catalogue } from './catalogue.js';
import type { RecommendConfig } from './config.js';

/** The user's price sensitivity when it is strong enough to re-rank by, else null. */
export function rerankSensitivity(signals: ProfileSignals, config: RecommendConfig['value']): number | null {
  const f = signals.facets.find((x) => x.kind === 'value' && x.value === 'price_sensitivity');
  if (!f || !(config.priceStrength > 0) || !(f.weight >= config.minSensitivity)) return null;
  return f.weight;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function valueRerank(
  ranked: Candidate[],
  signals: ProfileSignals,
  catalogue: Catalogue,
  config: RecommendConfig['value'],
): Candidate[] {
  const sensitivity = rerankSensitivity(signals, config);
  if (sensitivity === null) return ranked;
  const prices = new Map<string, number[]>();
  for (const c of ranked) {
    const item = catalogue.get(c.id);
    if (!item || item.price === null || !Number.isFinite(item.price) || item.price < 0) continue;
    const key = item.category ?? '';
    prices.set(key, [...(prices.get(key) ?? []), item.price]);
  }
  const medians = new Map<string, number>();
  for (const [key, ps] of prices) if (ps.length >= 2) medians.set(key, median(ps));
  if (medians.size === 0) return ranked;
  const k = config.priceStrength * sensitivity;
  const out = new Map<string, Candidate>();
  for (const c of ranked) {
    const item = catalogue.get(c.id);
    const m = item ? medians.get(item.category ?? '') : undefined;
    const price = item?.price;
    if (m === undefined || !(m > 0) || price === null || price === undefined || !Number.isFinite(price)) {
      out.set(c.id, c);
      continue;
    }
    const rel = Math.max(-1, Math.min(1, (m - price) / m));
    out.set(c.id, { ...c, total: c.total * (1 + k * rel) });
  }
  return rankCandidates(out);
}
