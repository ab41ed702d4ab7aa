// The sequence-aware and learned baselines on tiny data whose answers can be worked out by hand.
import { describe, expect, it } from 'vitest';
import { EaseBaseline, fitEase } from '../../eval/ease.js';
import { evaluateMethod, type PhaseData } from '../../eval/method.js';
import { LeakGuard, planSplit } from '../../eval/protocol.js';
import { Sknn, Transition } from '../../eval/seqBaselines.js';
import { toyDataset, user } from './fixtures.js';

// Test phase: every user's positions 0..3 are training, position 4 the target.
// Transitions: u0 0>1 1>2 2>3; u1 0>1 1>5 5>6; u2 1>5 5>8 8>9; u3 6>7 7>8 8>1.
// Popularity over training positions: 1:4, 0/5/6/8:2, 2/3/7/9:1, 4:0.
const ds = toyDataset(
  [user('u0', [0, 1, 2, 3, 4]), user('u1', [0, 1, 5, 6, 7]), user('u2', [1, 5, 8, 9, 2]), user('u3', [6, 7, 8, 1, 2])],
  10,
);
const phase = (excludeHistory = true): PhaseData => ({
  ds,
  plan: planSplit(ds),
  phase: 'test',
  guard: new LeakGuard(ds, 'test'),
  vectors: new Float32Array(10),
  dim: 1,
  depth: 6,
  excludeHistory,
});

describe('first-order transition baseline', () => {
  it("ranks what followed the user's last item, then popularity", () => {
    const p = phase();
    const t = new Transition();
    t.prepare(p);
    // u3's last history item is 1: followed by 5 twice, by 2 once; then 0 (pop 2), 3 and 9 (pop 1, index order), 4
    expect([...t.rank(3, p)]).toEqual([5, 2, 0, 3, 9, 4]);
  });

  it('protocol B keeps history items in the ranking', () => {
    const p = phase(false);
    const t = new Transition();
    t.prepare(p);
    // 5 (2 + 0.4), 2 (1 + 0.2), then the most popular item 1 (0.8) although u3 has seen it
    expect([...t.rank(3, p)].slice(0, 3)).toEqual([5, 2, 1]);
  });

  it('scores under the harness without returning history items', async () => {
    const r = await evaluateMethod(new Transition(), phase(), { quiet: true });
    expect(r.historyItemsReturned).toBe(0);
    expect(r.metrics.users).toBe(4);
  });
});

describe('V-SKNN baseline', () => {
  it('weights recent items linearly and lets the nearest sequences vote', () => {
    const p = phase();
    const s = new Sknn({ k: 1, recent: 2 });
    s.prepare(p);
    // u3's recent items: 1 (weight 1), 8 (weight 1/2). Neighbours: u0 1/sqrt(4), u1 1/sqrt(4), u2 1.5/sqrt(4).
    // k = 1 keeps u2 = {1, 5, 8, 9}; 1 and 8 are history, so 5 and 9 lead, then unscored items by index.
    expect([...s.rank(3, p)]).toEqual([5, 9, 0, 2, 3, 4]);
  });

  it('with more neighbours, items shared by several neighbours win', () => {
    const p = phase();
    const s = new Sknn({ k: 3, recent: 2 });
    s.prepare(p);
    // 5: u1 0.5 + u2 0.75 = 1.25; 9: 0.75; 0: u0 0.5 + u1 0.5 = 1; 2, 3: 0.5 (u0)
    expect([...s.rank(3, p)].slice(0, 5)).toEqual([5, 0, 9, 2, 3]);
  });
});

describe('EASE baseline', () => {
  it('matches the closed form on two items: B_01 = c / (n_0 + lambda)', () => {
    // training sets (test phase): u0 {0, 1}, u1 {0}, u2 {1}: n_0 = n_1 = 2, c = 1
    const d = toyDataset([user('a', [0, 1, 0, 1, 0]), user('b', [0, 0, 0, 0, 1]), user('c', [1, 1, 1, 1, 0])], 2);
    const b = fitEase(d, planSplit(d), 'test', 1);
    expect(b[0]).toBe(0);
    expect(b[3]).toBe(0);
    expect(b[1]).toBeCloseTo(1 / 3, 6);
    expect(b[2]).toBeCloseTo(1 / 3, 6);
  });

  it('is a baseline ranking unseen items only (protocol A)', async () => {
    const r = await evaluateMethod(new EaseBaseline(10), phase(), { quiet: true });
    expect(r.group).toBe('baseline');
    expect(r.historyItemsReturned).toBe(0);
  });
});
