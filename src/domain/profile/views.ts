// Read-side views of a profile, all decayed to a given `now` (epoch ms). Pure and deterministic.
import type { FacetWeight, InterestSignal, ProfileSignals } from '../types.js';
import { cosine, normalized, norm } from '../vector.js';
import type { ProfileConfig } from './config.js';
import { DAY_MS, decayFactor, stateClock } from './apply.js';
import { liveInterests, strongestInterest } from './interests.js';
import { aspectFacets, opinionClauses } from './opinion.js';
import { clusterFacetValues, interestFacetLabel, topItemIds } from './labels.js';
import type { ProfileState, Tally } from './state.js';
import { socialFacets, valueFacets, valueSummaryClauses } from './valueViews.js';

export const FACET_KINDS = [
  'category',
  'tag',
  'brand',
  'price_band',
  'behavior',
  'activity',
  'rating',
  'attribute',
  'value',
  'social',
  'aspect',
] as const;
export type FacetKind = (typeof FACET_KINDS)[number];

const WEEK_MS = 7 * DAY_MS;

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dtTo(state: ProfileState, now: number): number {
  const clock = stateClock(state);
  return clock === null ? 0 : Math.max(0, now - clock);
}

/** Decays a tally by `factor`, drops what is under `prune`, normalises to shares summing to 1, sorts. */
function shares(kind: string, t: Tally, factor: number, prune: number, prefix = ''): FacetWeight[] {
  const entries: Array<[string, number]> = [];
  let total = 0;
  for (const k of Object.keys(t)) {
    const v = t[k]! * factor;
    if (v >= prune && v > 0) {
      entries.push([k, v]);
      total += v;
    }
  }
  if (total <= 0) return [];
  return entries
    .map(([value, v]) => ({ kind, value: prefix + value, weight: v / total }))
    .sort((a, b) => b.weight - a.weight || cmpStr(a.value, b.value));
}

function attributeValue(v: unknown): string {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * Facets of the profile decayed to `now`, grouped by kind in a fixed order (or only `kind`), each kind sorted by
 * weight (descending, then value).
 * - category, tag, brand: decayed shares within the kind (sum to 1; uniform decay does not change shares, so they
 *   survive inactivity; values under facetPruneRatio of the strongest are dropped at events).
 * - price_band: `bought:<band>` and `browsed:<band>` shares (each group sums to 1): the value tendency.
 * - behavior: share of events by type (sums to 1).
 * - activity (raw numbers): active_days, active_days_per_week, events_per_week, days_since_last.
 * - rating (raw numbers): mean, count, generosity (mean relative to the scale midpoint, in [-1, 1]).
 * - attribute: `key=value` with weight 1, from upsertUser.
 * - value: price_sensitivity, price_level, brand_loyalty in [0, 1] (valueViews.ts; novelty is added at read time).
 * - social (raw numbers): following, blocked (followers is added at read time).
 * - aspect: aspects the user's texts name ("price", "smell"), weight = mean opinion in [-1, 1] (signed, not a share).
 */
export function profileFacets(state: ProfileState, now: number, config: ProfileConfig, kind?: string): FacetWeight[] {
  // The stored tallies are decayed to the state's clock; decaying them further to `now` is uniform within a kind,
  // so shares are computed from the stored values (exactly time-invariant).
  const want = (k: FacetKind) => kind === undefined || kind === k;
  const out: FacetWeight[] = [];
  if (want('category')) out.push(...shares('category', state.facets.category, 1, 0));
  if (want('tag')) out.push(...shares('tag', state.facets.tag, 1, 0));
  if (want('brand')) out.push(...shares('brand', state.facets.brand, 1, 0));
  if (want('price_band')) {
    out.push(...shares('price_band', state.price.bought, 1, 0, 'bought:'));
    out.push(...shares('price_band', state.price.browsed, 1, 0, 'browsed:'));
  }
  if (want('behavior') && state.eventCount > 0) {
    const counts = state.stats.counts;
    let total = 0;
    for (const v of Object.values(counts)) total += v ?? 0;
    const list: FacetWeight[] = [];
    for (const [type, n] of Object.entries(counts))
      if (n) list.push({ kind: 'behavior', value: type, weight: n / total });
    list.sort((a, b) => b.weight - a.weight || cmpStr(a.value, b.value));
    out.push(...list);
  }
  if (want('activity') && state.eventCount > 0) {
    const a = activity(state, now);
    out.push(
      { kind: 'activity', value: 'active_days', weight: state.stats.activeDays },
      { kind: 'activity', value: 'active_days_per_week', weight: a.activeDaysPerWeek },
      { kind: 'activity', value: 'events_per_week', weight: a.eventsPerWeek },
      { kind: 'activity', value: 'days_since_last', weight: a.daysSinceLast },
    );
  }
  if (want('rating') && state.stats.ratingCount > 0) {
    const r = rating(state, config)!;
    out.push(
      { kind: 'rating', value: 'mean', weight: r.mean },
      { kind: 'rating', value: 'count', weight: state.stats.ratingCount },
      { kind: 'rating', value: 'generosity', weight: r.generosity },
    );
  }
  if (want('attribute')) {
    const keys = Object.keys(state.attributes).sort(cmpStr);
    for (const k of keys) {
      const v = state.attributes[k];
      if (v === undefined) continue;
      out.push({ kind: 'attribute', value: `${k}=${attributeValue(v)}`, weight: 1 });
    }
  }
  if (want('value')) out.push(...valueFacets(state));
  if (want('social')) out.push(...socialFacets(state));
  if (want('aspect')) out.push(...aspectFacets(state.opinion));
  return out;
}

function activity(
  state: ProfileState,
  now: number,
): { activeDaysPerWeek: number; eventsPerWeek: number; daysSinceLast: number } {
  const first = state.stats.firstAt ?? now;
  const last = state.stats.lastAt ?? now;
  const weeks = Math.max(1, (last - first) / WEEK_MS);
  return {
    activeDaysPerWeek: state.stats.activeDays / weeks,
    eventsPerWeek: state.eventCount / weeks,
    daysSinceLast: Math.max(0, (now - last) / DAY_MS),
  };
}

function rating(state: ProfileState, config: ProfileConfig): { mean: number; generosity: number } | null {
  if (state.stats.ratingCount === 0) return null;
  const mean = state.stats.ratingSum / state.stats.ratingCount;
  const { min, max } = config.ratingScale;
  const generosity = Math.max(-1, Math.min(1, (mean - (min + max) / 2) / ((max - min) / 2)));
  return { mean, generosity };
}

/** Nearest vocabulary label by cosine (zero-shot labelling); null when the vocabulary has no vector of that dim. */
export function nearestLabel(
  vector: Float32Array,
  vocabulary: ReadonlyArray<{ label: string; vector: Float32Array }>,
): string | null {
  let best: string | null = null;
  let bestSim = -Infinity;
  for (const v of vocabulary) {
    if (v.vector.length !== vector.length || norm(v.vector) === 0) continue;
    const sim = cosine(vector, v.vector);
    if (sim > bestSim) {
      bestSim = sim;
      best = v.label;
    }
  }
  return best;
}

/**
 * Interests decayed to `now` (faded ones left out, except the strongest, which is always shown), strongest first; weight is the share of the total (sums to 1);
 * vector is the unit-length centroid. Labels come from the strongest facets, or, when a vocabulary is given, from
 * the nearest vocabulary label. Duplicate labels are disambiguated with the next facet.
 */
export function profileInterests(
  state: ProfileState,
  now: number,
  config: ProfileConfig,
  vocabulary?: ReadonlyArray<{ label: string; vector: Float32Array }>,
): InterestSignal[] {
  const d = decayFactor(dtTo(state, now), config.longHalfLifeDays);
  const live = liveInterests(state.interests, d, config.forgetWeight)
    .map((c) => ({ c, w: c.weight * d }))
    .sort((a, b) => b.w - a.w || a.c.id - b.c.id);
  const total = live.reduce((s, x) => s + x.w, 0);
  const used = new Set<string>();
  return live.map(({ c, w }) => {
    let label =
      (vocabulary && vocabulary.length > 0 ? nearestLabel(c.centroid, vocabulary) : null) ?? interestFacetLabel(c);
    if (used.has(label)) {
      const extra = [...clusterFacetValues(c, 'tag'), ...clusterFacetValues(c, 'category')]
        .map(([v]) => v)
        .find((v) => !label.includes(v));
      label = extra ? `${label} (${extra})` : label;
    }
    used.add(label);
    return { label, weight: total > 0 ? w / total : 0, vector: normalized(c.centroid), topItemIds: topItemIds(c) };
  });
}

/** Everything recommendation scoring needs, decayed to `now`. Vectors are unit length (fresh copies). */
export function profileSignals(
  state: ProfileState,
  now: number,
  config: ProfileConfig,
  vocabulary?: ReadonlyArray<{ label: string; vector: Float32Array }>,
): ProfileSignals {
  const dt = dtTo(state, now);
  // The long-term direction is kept however old it is (the best knowledge of a returning user); the short-term
  // vector is absent once its decayed weight is under forgetWeight (no recent activity).
  const vec = (dv: ProfileState['long'], halfLife: number | null): Float32Array | null => {
    if (!dv || norm(dv.vec) === 0) return null;
    if (halfLife !== null && dv.weight * decayFactor(dt, halfLife) < config.forgetWeight) return null;
    return normalized(dv.vec);
  };
  return {
    userId: state.userId,
    longTerm: vec(state.long, null),
    shortTerm: vec(state.short, config.shortHalfLifeDays),
    interests: profileInterests(state, now, config, vocabulary),
    facets: profileFacets(state, now, config),
    recent: state.recent.map((r) => ({ ...r })),
    consumed: new Set(state.consumed),
    rejected: new Set(state.rejected),
    attributes: JSON.parse(JSON.stringify(state.attributes)) as Record<string, unknown>,
    onboarding: state.onboarding ? state.onboarding.slice() : null,
    eventCount: state.eventCount,
    following: state.social.following.slice(),
    blocked: state.social.blocked.slice(),
  };
}

function joinAnd(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/**
 * A short template summary, e.g. "Mostly Sci-Fi and Thriller, lately drifting to Documentary; rates generously;
 * active weekly." Deterministic for a given (state, now, config).
 */
export function summarizeProfile(state: ProfileState, now: number, config: ProfileConfig): string {
  if (state.eventCount === 0) {
    const social = valueSummaryClauses(state);
    if (social.length) return `New user: no activity yet; ${social.join('; ')}.`;
    return state.onboarding
      ? 'New user: no activity yet; recommendations start from the onboarding interests.'
      : 'New user: no activity yet.';
  }
  const dt = dtTo(state, now);
  const cats = shares('category', state.facets.category, 1, 0);
  // Only the strongest interest's label is used (profileInterests' first), and only without categories: made then
  // and only for that one interest (the summary is made per written event; labelling every interest was a fifth of
  // ingest's CPU).
  let strongestLabel: string | undefined | null = null;
  const topInterest = () => {
    if (strongestLabel !== null) return strongestLabel;
    const strongest = strongestInterest(state.interests, decayFactor(dt, config.longHalfLifeDays));
    return (strongestLabel = strongest ? interestFacetLabel(strongest) : undefined);
  };
  const n = state.eventCount;
  const lately = shares(
    'category',
    state.recentCategories,
    decayFactor(dt, config.shortHalfLifeDays),
    config.facetPruneWeight,
  );
  // "Lately drifting to X": the short-term leader holds at least 40% of recent weight and is not the long-term leader.
  const drifting =
    n >= 3 && lately[0] && lately[0].weight >= 0.4 && cats[0] && lately[0].value !== cats[0].value
      ? lately[0].value
      : null;
  let head: string;
  if (n < 3) {
    const where = cats[0]?.value ?? topInterest();
    head = `New user with ${n} interaction${n === 1 ? '' : 's'}${where ? `, so far in ${where}` : ''}`;
  } else if (cats.length > 0) {
    const top = cats
      .filter((c) => c.value !== drifting)
      .filter((c, i) => i === 0 || c.weight >= 0.15)
      .slice(0, 2)
      .map((c) => c.value);
    head = `Mostly ${joinAnd(top)}`;
  } else if (topInterest() !== undefined) {
    head = `Mostly ${topInterest()}`;
  } else {
    head = `${n} interactions, no clear favourite yet`;
  }
  if (drifting) head += `, lately drifting to ${drifting}`;
  const clauses = [head];
  const r = rating(state, config);
  if (r && state.stats.ratingCount >= 3) {
    clauses.push(
      r.generosity >= 0.4 ? 'rates generously' : r.generosity <= -0.1 ? 'rates critically' : 'rates moderately',
    );
  }
  clauses.push(...valueSummaryClauses(state));
  clauses.push(...opinionClauses(state.opinion, config));
  if (n >= 3) {
    const a = activity(state, now);
    if (a.daysSinceLast > 730) clauses.push(`inactive for ${Math.floor(a.daysSinceLast / 365)} years`);
    else if (a.daysSinceLast > 60) clauses.push(`inactive for ${Math.round(a.daysSinceLast / 30)} months`);
    else if (a.activeDaysPerWeek >= 3) clauses.push('active almost daily');
    else if (a.activeDaysPerWeek >= 0.75) clauses.push('active weekly');
    else if (a.activeDaysPerWeek >= 0.2) clauses.push('active monthly');
    else clauses.push('active occasionally');
  }
  return `${clauses.join('; ')}.`;
}
