// Opinion in the profile: what the user's own texts say. A text's polarity (read outside the domain, see
// src/inference/opinion) turns the event into a push when it pans the item, so a panned item pushes the profile away;
// the aspects people name ("price", "smell") are kept as decayed tallies and shown as `aspect` facets. Pure.
import type { FacetWeight, TextOpinion } from '../types.js';
import type { ProfileConfig } from './config.js';
import { decayTally, capTally, addTally } from './tallies.js';
import { tallyGet, tallySet, type Tally } from './state.js';

/**
 * Opinion tallies (facet half-life): per aspect, decayed mentions and the decayed sums of positive and of negative
 * opinion (|polarity|), so (positive - negative) / mentions is the mean opinion in [-1, 1]. `texts` and
 * `polaritySum` count every text with an opinion (not decayed): the user's overall tone.
 */
export interface OpinionState {
  mentions: Tally;
  positive: Tally;
  negative: Tally;
  texts: number;
  polaritySum: number;
  /** Keys (TextOpinion.key) of the newest texts, newest first, at most opinion.recentTexts. */
  recentTexts: string[];
}

export function emptyOpinion(): OpinionState {
  return { mentions: {}, positive: {}, negative: {}, texts: 0, polaritySum: 0, recentTexts: [] };
}

function copyTally(t: Tally): Tally {
  const out: Tally = {};
  for (const k of Object.keys(t)) tallySet(out, k, t[k]!);
  return out;
}

/** A deep copy; states stored before opinions existed have none, and get an empty one. */
export function cloneOpinion(o: OpinionState | undefined): OpinionState {
  if (!o) return emptyOpinion();
  return {
    mentions: copyTally(o.mentions),
    positive: copyTally(o.positive),
    negative: copyTally(o.negative),
    texts: o.texts,
    polaritySum: o.polaritySum,
    recentTexts: o.recentTexts.slice(),
  };
}

/** Decays the aspect tallies by `factor` (in place; the state is already a clone). */
export function decayOpinion(o: OpinionState, factor: number): void {
  o.mentions = decayTally(o.mentions, factor, 0);
  o.positive = decayTally(o.positive, factor, 0);
  o.negative = decayTally(o.negative, factor, 0);
}

/** Adds an event text's opinion (in place): its polarity to the overall tone, and its aspects. */
export function addOpinion(o: OpinionState, op: TextOpinion, config: ProfileConfig): void {
  o.texts += 1;
  o.polaritySum += op.polarity;
  addAspects(o, op, config);
}

/** Adds a text's aspects and remembers its key (in place); the onboarding text contributes only this. */
export function addAspects(o: OpinionState, op: TextOpinion, config: ProfileConfig): void {
  if (op.key && config.opinion.recentTexts > 0) {
    o.recentTexts = [op.key, ...o.recentTexts.filter((k) => k !== op.key)].slice(0, config.opinion.recentTexts);
  }
  for (const { aspect, polarity } of op.aspects) {
    if (!aspect || !Number.isFinite(polarity)) continue;
    addTally(o.mentions, aspect, 1);
    if (polarity > 0) addTally(o.positive, aspect, Math.min(1, polarity));
    else if (polarity < 0) addTally(o.negative, aspect, Math.min(1, -polarity));
  }
  if (Object.keys(o.mentions).length > config.opinion.maxAspects) {
    o.mentions = capTally(o.mentions, config.opinion.maxAspects);
    const keep = (t: Tally) => {
      const out: Tally = {};
      for (const k of Object.keys(t)) if (tallyGet(o.mentions, k) > 0) tallySet(out, k, t[k]!);
      return out;
    };
    o.positive = keep(o.positive);
    o.negative = keep(o.negative);
  }
}

/**
 * The pull of an event given the opinion of its text (`w` is the pull without it). A text at or under panThreshold
 * turns the event into a push, away from the item (fully at polarity <= -fullAt); any other text leaves the pull as it
 * is, a review's included: the user chose the item and did not pan it. (Scaling a review's pull by its warmth, so
 * that a neutral one did not move the profile, cost accuracy: eval/results/amazon-all-beauty.md.) The recommender
 * reads the stored polarity with the same threshold (likingEvidence, domain/behavior.ts).
 */
export function opinionPull(w: number, op: TextOpinion | null | undefined, config: ProfileConfig): number {
  const c = config.opinion;
  if (!c.enabled || !op || !Number.isFinite(op.polarity)) return w;
  const p = Math.max(-1, Math.min(1, op.polarity));
  const strength = Math.min(1, Math.abs(p) / c.fullAt);
  if (p <= c.panThreshold && w > 0) return -w * strength;
  return w;
}

/** `aspect` facets: the mean opinion per aspect in [-1, 1], strongest (|opinion|) first, then most mentioned. */
export function aspectFacets(o: OpinionState | undefined): FacetWeight[] {
  if (!o) return [];
  const out: Array<FacetWeight & { n: number }> = [];
  for (const a of Object.keys(o.mentions)) {
    const n = o.mentions[a]!;
    if (!(n > 0)) continue;
    const weight = Math.max(-1, Math.min(1, (tallyGet(o.positive, a) - tallyGet(o.negative, a)) / n));
    out.push({ kind: 'aspect', value: a, weight, n });
  }
  out.sort(
    (x, y) =>
      Math.abs(y.weight) - Math.abs(x.weight) || y.n - x.n || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0),
  );
  return out.map(({ kind, value, weight }) => ({ kind, value, weight }));
}

/** Summary clauses for strong opinions, e.g. "writes critical reviews", "likes the smell", "dislikes the price". */
export function opinionClauses(o: OpinionState | undefined, config: ProfileConfig): string[] {
  if (!o) return [];
  const c = config.opinion;
  const out: string[] = [];
  if (o.texts >= c.summaryMinMentions) {
    const tone = o.polaritySum / o.texts;
    if (tone <= -c.summaryMinStrength) out.push('writes critical reviews');
    else if (tone >= c.summaryMinStrength + 0.2) out.push('writes warm reviews');
  }
  const strong = aspectFacets(o).filter(
    (f) => Math.abs(f.weight) >= c.summaryMinStrength && tallyGet(o.mentions, f.value) >= c.summaryMinMentions,
  );
  const likes = strong
    .filter((f) => f.weight > 0)
    .slice(0, 3)
    .map((f) => f.value);
  const dislikes = strong
    .filter((f) => f.weight < 0)
    .slice(0, 3)
    .map((f) => f.value);
  const and = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)!}` : xs[0]!);
  if (likes.length) out.push(`likes the ${and(likes)}`);
  if (dislikes.length) out.push(`dislikes the ${and(dislikes)}`);
  return out;
}
