import { describe, expect, it } from 'vitest';
import type { BehaviorEvent } from '../../../../src/domain/types.js';
import { ev, makeCatalogue, makeModel, signalsFrom } from '../../../helpers/syntheticCatalogue.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const ONLY = { content: false, collaborative: false, sequential: false, popularity: false, trending: false };

describe('similar-users source (session kNN)', () => {
  it("offers what the users who share the user's recent items chose, the closest neighbours counting most", () => {
    const cat = makeCatalogue({ topics: 3, perTopic: 10, dim: 16, seed: 9 });
    const events: BehaviorEvent[] = [];
    // 5 users chose A, B and then X; 5 chose only A and then Y; 1 user chose B and Z.
    for (let u = 0; u < 5; u++)
      ['c0-i1', 'c1-i1', 'c2-i5'].forEach((it, k) => events.push(ev(`ab${u}`, it, T0 + u * HOUR + k)));
    for (let u = 0; u < 5; u++) ['c0-i1', 'c2-i6'].forEach((it, k) => events.push(ev(`a${u}`, it, T0 + u * HOUR + k)));
    ['c1-i1', 'c2-i7'].forEach((it, k) => events.push(ev('b0', it, T0 + k)));
    const model = makeModel(cat, { weights: { similarUsers: 1 } });
    for (const e of events) model.observe(e);
    const signals = signalsFrom(cat, 'me', [
      { itemId: 'c0-i1', at: T0 + 10 * HOUR },
      { itemId: 'c1-i1', at: T0 + 11 * HOUR },
    ]);
    const recs = model.recommend({ signals, first: 3, now: T0 + 12 * HOUR, explore: 0, sources: ONLY });
    expect(recs.map((r) => r.itemId)).toEqual(['c2-i5', 'c2-i6', 'c2-i7']);
    expect(recs[0]!.reasons).toContainEqual(expect.objectContaining({ kind: 'SIMILAR_USERS', itemId: 'c1-i1' }));
  });

  it('can be switched off and never counts the user as their own neighbour', () => {
    const cat = makeCatalogue({ topics: 2, perTopic: 5, dim: 16, seed: 3 });
    const events = ['c0-i1', 'c1-i2'].map((it, k) => ev('me', it, T0 + k));
    const signals = signalsFrom(cat, 'me', [{ itemId: 'c0-i1', at: T0 + 2 }]);
    const req = { signals, first: 3, now: T0 + HOUR, explore: 0, sources: ONLY };
    const off = makeModel(cat, { similarUsers: { enabled: false } });
    const on = makeModel(cat);
    for (const e of events) {
      off.observe(e);
      on.observe(e);
    }
    expect(off.recommend(req)).toEqual([]);
    expect(on.recommend(req)).toEqual([]);
  });

  it('never takes a neighbour the user blocked', () => {
    const cat = makeCatalogue({ topics: 2, perTopic: 5, dim: 16, seed: 4 });
    const events = [
      ...['c0-i1', 'c1-i3'].map((it, k) => ev('troll', it, T0 + k)),
      ...['c0-i1', 'c1-i4'].map((it, k) => ev('friend', it, T0 + 10 + k)),
    ];
    const model = makeModel(cat, { weights: { similarUsers: 1 } });
    for (const e of events) model.observe(e);
    const history = [{ itemId: 'c0-i1', at: T0 + HOUR }];
    const req = (blocked: string[]) => ({
      signals: { ...signalsFrom(cat, 'me', history), blocked },
      first: 5,
      now: T0 + 2 * HOUR,
      explore: 0,
      sources: ONLY,
    });
    const ids = (blocked: string[]) => model.recommend(req(blocked)).map((r) => r.itemId);
    expect(ids([])).toEqual(expect.arrayContaining(['c1-i3', 'c1-i4']));
    expect(ids(['troll'])).toEqual(['c1-i4']);
  });
});
