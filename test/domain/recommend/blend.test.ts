import { describe, expect, it } from 'vitest';
import {
  addScores,
  addSource,
  boostFreshItems,
  rankCandidates,
  type CandidateMap,
} from '../../../src/domain/recommend/blend.js';
import { mergeRecommendConfig } from '../../../src/domain/recommend/config.js';
import type { Reason } from '../../../src/domain/types.js';

const R: Reason = { kind: 'POPULAR', text: 'p' };
const scored = (...xs: Array<[string, number]>) => xs.map(([id, raw]) => ({ id, raw, reason: R }));

describe('addSource', () => {
  it('calibrated: absolute sources keep their [0, 1] score, relative ones are divided by the best', () => {
    const config = mergeRecommendConfig({ weights: { collaborative: 2, popularity: 0.5 } });
    const cands: CandidateMap = new Map();
    addSource(cands, config, 'collaborative', scored(['a', 0.5], ['b', 0.25]), true);
    addSource(cands, config, 'popularity', scored(['b', 8], ['c', 4]));
    expect([...cands.values()].map((c) => [c.id, c.total])).toEqual([
      ['a', 1],
      ['b', 0.5 + 0.5],
      ['c', 0.25],
    ]);
    expect(cands.get('b')!.parts.get('popularity')).toEqual({ contribution: 0.5, reason: R });
  });

  it('keeps the best config.candidates[source], ties broken by id, and skips non-positive scores', () => {
    const config = mergeRecommendConfig({ candidates: { popularity: 2 } });
    const cands: CandidateMap = new Map();
    addSource(cands, config, 'popularity', scored(['z', 1], ['y', 1], ['x', 1]));
    expect([...cands.keys()]).toEqual(['x', 'y']);
    const none: CandidateMap = new Map();
    addSource(none, config, 'popularity', scored(['a', 0], ['b', -1]));
    expect(none.size).toBe(0);
  });

  it("'rank' normalises by rank; a zero weight or an override changes the contribution", () => {
    const cands: CandidateMap = new Map();
    addSource(cands, mergeRecommendConfig({ normalization: 'rank' }), 'segment', scored(['a', 9], ['b', 1]));
    expect([...cands.values()].map((c) => c.total)).toEqual([0.5, 0.25]);
    const zero: CandidateMap = new Map();
    addSource(zero, mergeRecommendConfig({ weights: { trending: 0 } }), 'trending', scored(['a', 1]));
    expect(zero.size).toBe(0);
    const over: CandidateMap = new Map();
    addSource(over, mergeRecommendConfig({}), 'content', scored(['a', 0.5]), true, 4);
    expect(over.get('a')!.total).toBe(2);
  });
});

describe('addScores', () => {
  const S: Reason = { kind: 'SIMILAR_TO_RECENT', itemId: 'r', text: 's' };
  const rated = (...xs: Array<[string, number]>) => xs.map(([id, raw]) => ({ id, raw, reason: S }));

  it('adds to candidates already proposed only, normalised as addSource normalises that scale', () => {
    const config = mergeRecommendConfig({ weights: { popularity: 1, likeRecent: 2 } });
    const cands: CandidateMap = new Map();
    addSource(cands, config, 'popularity', scored(['a', 4], ['b', 2]));
    addScores(cands, config, 'likeRecent', rated(['b', 0.5], ['new', 0.9]), true);
    expect([...cands.keys()]).toEqual(['a', 'b']);
    expect(cands.get('b')!.total).toBe(0.5 + 2 * 0.5);
    expect(cands.get('b')!.parts.get('likeRecent')).toEqual({ contribution: 1, reason: S });
    expect(cands.get('a')!.parts.has('likeRecent')).toBe(false);
    // 'max' divides by the best score it was given (0.9 for 'new', though 'new' itself is not blended).
    const max: CandidateMap = new Map();
    const maxConfig = mergeRecommendConfig({ normalization: 'max', weights: { popularity: 1, likeRecent: 2 } });
    addSource(max, maxConfig, 'popularity', scored(['b', 1]));
    addScores(max, maxConfig, 'likeRecent', rated(['b', 0.45], ['new', 0.9]), true);
    expect(max.get('b')!.total).toBeCloseTo(1 + 2 * 0.5, 12);
  });

  it('never counts a source twice on a candidate it proposed itself; weight 0 adds nothing', () => {
    const config = mergeRecommendConfig({ weights: { likeRecent: 1 } });
    const cands: CandidateMap = new Map();
    addSource(cands, config, 'likeRecent', rated(['a', 0.5]), true);
    addScores(cands, config, 'likeRecent', rated(['a', 0.9]), true);
    expect(cands.get('a')!.total).toBe(0.5);
    const zero = mergeRecommendConfig({ weights: { popularity: 1, likeRecent: 0 } });
    const before: CandidateMap = new Map();
    addSource(before, zero, 'popularity', scored(['a', 1]));
    addScores(before, zero, 'likeRecent', rated(['a', 1]), true);
    expect(before.get('a')!.total).toBe(1);
    expect(before.get('a')!.parts.has('likeRecent')).toBe(false);
  });
});

describe('boostFreshItems and rankCandidates', () => {
  it('credits fresh items with part of their content score, then ranks by total with ties by id', () => {
    const config = mergeRecommendConfig({ weights: { content: 1 } });
    const cands: CandidateMap = new Map();
    addSource(cands, config, 'content', scored(['new', 0.5], ['old', 0.5], ['b', 0.5]), true);
    boostFreshItems(cands, new Set(['new']), 2, 1);
    expect(cands.get('new')!.total).toBe(1.5);
    expect(rankCandidates(cands).map((c) => c.id)).toEqual(['new', 'b', 'old']);
  });
});
