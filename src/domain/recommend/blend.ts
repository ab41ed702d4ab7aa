// Blending: each source's scores normalised (config.normalization), weighted and summed per candidate.
import type { Reason } from '../types.js';
import type { RecommendConfig, SourceName } from './config.js';
import type { ScoredCandidate } from './source.js';

export interface Candidate {
  id: string;
  total: number;
  /** Weighted contribution per source. */
  parts: Map<SourceName, { contribution: number; reason: Reason }>;
}

/** Candidates by id, in the order they were first proposed (the order sums and ties depend on). */
export type CandidateMap = Map<string, Candidate>;

/**
 * Add one source's scores: the best config.candidates[source] (ties by id), each normalised and multiplied by
 * the source's weight (`weight`, default config.weights[source]). `absolute`: the scores are calibrated to
 * [0, 1] and kept as such under 'calibrated' normalisation; otherwise divided by the best score. Sorts `scored`.
 */
export function addSource(
  cands: CandidateMap,
  config: RecommendConfig,
  source: SourceName,
  scored: ScoredCandidate[],
  absolute = false,
  weightOverride?: number,
): void {
  for (const { s, contribution } of weighted(config, source, scored, absolute, weightOverride)) {
    let c = cands.get(s.id);
    if (!c) {
      c = { id: s.id, total: 0, parts: new Map() };
      cands.set(s.id, c);
    }
    c.total += contribution;
    c.parts.set(source, { contribution, reason: s.reason });
  }
}

/**
 * Merge a scoring source's scores (CandidateSource.scoreProposed) into candidates already in the blend, normalised,
 * limited and weighted as addSource does. It proposes nothing: ids not in `cands` are ignored, and so is a candidate
 * this source already contributed to (its own proposals), which must not count twice. Sorts `scored`.
 */
export function addScores(
  cands: CandidateMap,
  config: RecommendConfig,
  source: SourceName,
  scored: ScoredCandidate[],
  absolute = false,
  weightOverride?: number,
): void {
  for (const { s, contribution } of weighted(config, source, scored, absolute, weightOverride)) {
    const c = cands.get(s.id);
    if (!c || c.parts.has(source)) continue;
    c.total += contribution;
    c.parts.set(source, { contribution, reason: s.reason });
  }
}

/** The weighted, normalised contributions of one source's best config.candidates[source] scores. */
function weighted(
  config: RecommendConfig,
  source: SourceName,
  scored: ScoredCandidate[],
  absolute: boolean,
  weightOverride: number | undefined,
): Array<{ s: ScoredCandidate; contribution: number }> {
  if (scored.length === 0) return [];
  const weight = weightOverride ?? config.weights[source];
  if (!(weight > 0)) return [];
  // Ties by id: which candidates make the limit must not depend on the order the model's maps were filled in.
  scored.sort((a, b) => b.raw - a.raw || (a.id < b.id ? -1 : 1));
  const limit = Math.min(scored.length, config.candidates[source]);
  const max = scored[0]!.raw;
  if (!(max > 0)) return [];
  const out: Array<{ s: ScoredCandidate; contribution: number }> = [];
  for (let r = 0; r < limit; r++) {
    const s = scored[r]!;
    if (!(s.raw > 0)) break;
    const mode = config.normalization;
    const norm = mode === 'rank' ? 1 - r / limit : mode === 'calibrated' && absolute ? Math.min(1, s.raw) : s.raw / max;
    out.push({ s, contribution: weight * norm });
  }
  return out;
}

/**
 * Brand-new items (upserted after behaviour data existed, no event yet): impute part of the collaborative
 * blend from the content score, boost * content contribution / content weight, so they compete with
 * co-visited items.
 */
export function boostFreshItems(cands: CandidateMap, fresh: Set<string>, boost: number, contentWeight: number): void {
  for (const c of cands.values()) {
    const content = c.parts.get('content');
    if (content && fresh.has(c.id)) c.total += boost * (content.contribution / contentWeight);
  }
}

/** Best total first; ties by id. */
export function rankCandidates(cands: CandidateMap): Candidate[] {
  return [...cands.values()].sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1));
}
