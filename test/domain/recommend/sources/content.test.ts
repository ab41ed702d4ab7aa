import { describe, expect, it } from 'vitest';
import { ContentSource } from '../../../../src/domain/recommend/sources/content.js';
import { emptySignals } from '../../../helpers/syntheticCatalogue.js';
import { item, parts, request, vec } from '../fixtures.js';

function setup() {
  const p = parts();
  const items = [item('a', 'x', vec(1, 0)), item('b', 'x', vec(0.8, 0.6)), item('c', 'y', vec(0, 1))];
  p.catalogue.upsertMany(items, () => false);
  return { ...p, source: new ContentSource(p.config, p.catalogue) };
}

describe('ContentSource', () => {
  it('scores items by cosine to the short-term vector, with the generic recent reason', () => {
    const p = setup();
    const { source } = p;
    const signals = emptySignals('u', { shortTerm: vec(1, 0), eventCount: 20 });
    const out = source.candidates(request(p, { signals })).sort((x, y) => y.raw - x.raw);
    expect(out.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(out[0]!.raw).toBeCloseTo(1, 5);
    expect(out[1]!.raw).toBeCloseTo(0.8, 5);
    expect(out[0]!.reason).toMatchObject({ kind: 'SIMILAR_TO_RECENT' });
    expect(out[0]!.reason.itemId).toBeUndefined();
  });

  it('respects the request filter and says nothing without vectors to query', () => {
    const p = setup();
    const { source } = p;
    const signals = emptySignals('u', { shortTerm: vec(1, 0) });
    const out = source.candidates(request(p, { signals, accept: (id) => id !== 'a' }));
    expect(out.map((c) => c.id).sort()).toEqual(['b', 'c']);
    expect(source.candidates(request(p))).toEqual([]);
  });

  it('weighs cold users up: coldStartContentWeight at 0 events, weights.content from coldStartEvents on', () => {
    const p = setup();
    const { config, source } = p;
    const w = (eventCount: number) => source.weight(request(p, { signals: emptySignals('u', { eventCount }) }));
    expect(w(0)).toBe(config.content.coldStartContentWeight);
    expect(w(config.content.coldStartEvents)).toBe(config.weights.content);
  });

  it('searches the strongest interests only, fewer as the content weight falls from cold start to warm', () => {
    const p = setup();
    // The defaults search one interest whatever the weight (config.ts); a deployment can widen the search.
    expect(new ContentSource(p.config, p.catalogue).interestsSearched(request(p))).toBe(1);
    const config = { ...p.config, content: { ...p.config.content, maxInterests: 5, warmInterests: 2 } };
    const source = new ContentSource(config, p.catalogue);
    const interests = [1, 0.9, 0.8, 0.7, 0.6].map((weight, i) => ({
      label: `i${i}`,
      weight,
      vector: i === 0 ? vec(1, 0) : vec(0, 1),
      topItemIds: [],
    }));
    const at = (eventCount: number) => request(p, { signals: emptySignals('u', { interests, eventCount }) });
    const { maxInterests, warmInterests, coldStartEvents } = config.content;
    expect(source.interestsSearched(at(0))).toBe(maxInterests);
    expect(source.interestsSearched(at(coldStartEvents))).toBe(warmInterests);
    expect(source.interestsSearched(at(coldStartEvents / 2))).toBe(Math.round((maxInterests + warmInterests) / 2));
    // A warm user's weaker interests are not searched: only the strongest one's neighbours here (warmInterests 1).
    const one = new ContentSource({ ...config, content: { ...config.content, warmInterests: 1 } }, p.catalogue);
    const out = one.candidates(at(coldStartEvents + 5)).sort((x, y) => y.raw - x.raw);
    expect(out[0]).toMatchObject({ id: 'a', reason: { kind: 'INTEREST', value: 'i0' } });
    expect(out.every((c) => c.reason.kind === 'INTEREST' && c.reason.value === 'i0')).toBe(true);
  });

  it('asks for fewer candidates as the content weight falls: candidates.content cold, warmCandidates warm', () => {
    const p = setup();
    const { config, source } = p;
    const at = (eventCount: number) => request(p, { signals: emptySignals('u', { eventCount }) });
    expect(source.candidateBudget(at(0))).toBe(config.candidates.content);
    expect(source.candidateBudget(at(config.content.coldStartEvents))).toBe(config.content.warmCandidates);
    expect(config.content.warmCandidates).toBeLessThan(config.candidates.content);
  });

  it('similarTo: content neighbours of an item with a SIMILAR_ITEM reason', () => {
    const p = setup();
    const { source } = p;
    const a = p.catalogue.get('a')!;
    const out = source.similarTo(a, 2, (id) => id !== 'a');
    expect(out.map((c) => c.id)).toEqual(['b', 'c']);
    expect(out[0]!.reason).toEqual({ kind: 'SIMILAR_ITEM', itemId: 'a', text: 'Similar to Title a' });
  });
});
