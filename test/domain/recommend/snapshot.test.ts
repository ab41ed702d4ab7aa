// A model started from a snapshot plus the log after it equals a model fed the whole log: compared through the whole
// exported state and through answers. Late (out-of-order) events, negative ones and a catalogue deletion cross the
// snapshot boundary. A snapshot made for another configuration or format is refused.
import { describe, expect, it } from 'vitest';
import {
  decodeSnapshot,
  encodeSnapshot,
  fingerprintOf,
  SNAPSHOT_FORMAT,
  type ModelState,
} from '../../../src/domain/recommend/snapshot.js';
import type { RecommenderModel } from '../../../src/domain/recommend/model.js';
import type { BehaviorEvent } from '../../../src/domain/types.js';
import { backgroundEvents, emptySignals, ev, makeCatalogue, makeModel } from '../../helpers/syntheticCatalogue.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const cat = makeCatalogue({ topics: 6, perTopic: 30, dim: 16, seed: 5 });
const CONFIG = { ease: { enabled: true } };
const FP = fingerprintOf({ config: 'test' });

const attributes = new Map<string, Record<string, unknown>>();
const attributesOf = (u: string) => {
  if (!attributes.has(u)) attributes.set(u, { country: u.length % 2 ? 'fr' : 'de', age: u.length * 7 });
  return attributes.get(u);
};

/** Background views, purchases and dislikes, with every 7th event arriving late (its time hours before). */
function log(): BehaviorEvent[] {
  const events = backgroundEvents(cat, 30, 12, 9, T0);
  return events.map((e, i) => {
    const type = i % 5 === 0 ? 'PURCHASE' : i % 11 === 0 ? 'DISLIKE' : e.type;
    const late = i % 7 === 0 ? -3 * 3_600_000 : 0;
    return ev(e.userId, e.itemId!, e.occurredAt + late, type);
  });
}

function feed(model: RecommenderModel, events: BehaviorEvent[]) {
  for (const e of events) model.observe(e, { userAttributes: attributesOf(e.userId) });
}

function answers(model: RecommenderModel, users: string[]) {
  const now = T0 + 10 * 86_400_000;
  return {
    recs: users.map((u) =>
      model.recommend({
        signals: {
          ...emptySignals(u),
          recent: [{ itemId: cat.items[3]!.id, type: 'PURCHASE', weight: 1, occurredAt: now - MIN }],
        },
        first: 10,
        now,
        explore: 0,
      }),
    ),
    similar: model.similarItems(cat.items[0]!.id, 10, now),
  };
}

function restart(model: RecommenderModel, cut: number) {
  const bytes = encodeSnapshot(
    { format: SNAPSHOT_FORMAT, fingerprint: FP, positions: { behaviors: cut, catalog: 0, erasures: 0 } },
    model.exportState(),
  );
  const decoded = decodeSnapshot<ModelState>(bytes, FP);
  if (!decoded.ok) throw new Error(decoded.reason);
  expect(decoded.meta.positions.behaviors).toBe(cut);
  return decoded.body;
}

describe('recommender snapshots', () => {
  const events = log();
  const users = ['bg9-0', 'bg9-7', 'bg9-13'];

  it.each([0, 1, 137, events.length])('snapshot after %i events + the tail equals the whole log', (cut) => {
    const full = makeModel(cat, CONFIG);
    feed(full, events);
    const before = makeModel(cat, CONFIG);
    feed(before, events.slice(0, cut));
    const restarted = makeModel(cat, CONFIG);
    restarted.importState(restart(before, cut), attributesOf);
    feed(restarted, events.slice(cut));
    expect(restarted.exportState()).toEqual(full.exportState());
    expect(answers(restarted, users)).toEqual(answers(full, users));
  });

  it('an item deleted before the snapshot: as a rebuild whose catalogue never had it', () => {
    const gone = events[20]!.itemId!;
    const cut = 150;
    const live = makeModel(cat, CONFIG);
    feed(live, events.slice(0, 100));
    live.removeItem(gone);
    feed(live, events.slice(100, cut));
    const rebuilt = makeModel(cat, CONFIG);
    rebuilt.removeItem(gone);
    feed(rebuilt, events);
    const restarted = makeModel(cat, CONFIG);
    restarted.removeItem(gone);
    restarted.importState(restart(live, cut), attributesOf);
    feed(restarted, events.slice(cut));
    expect(restarted.exportState()).toEqual(rebuilt.exportState());
    expect(answers(restarted, users)).toEqual(answers(rebuilt, users));
    expect(answers(restarted, users).similar.some((r) => r.itemId === gone)).toBe(false);
  });

  it('refuses a snapshot made for another configuration, another format, or not a snapshot', () => {
    const model = makeModel(cat, CONFIG);
    feed(model, events.slice(0, 50));
    const state = model.exportState();
    const bytes = encodeSnapshot(
      { format: SNAPSHOT_FORMAT, fingerprint: FP, positions: { behaviors: 50, catalog: 0, erasures: 0 } },
      state,
    );
    const other = fingerprintOf({ config: 'tuned' });
    expect(other).not.toBe(FP);
    expect(decodeSnapshot(bytes, other)).toMatchObject({ ok: false, reason: expect.stringContaining('configuration') });
    const older = encodeSnapshot(
      { format: SNAPSHOT_FORMAT - 1, fingerprint: FP, positions: { behaviors: 50, catalog: 0, erasures: 0 } },
      state,
    );
    expect(decodeSnapshot(older, FP)).toMatchObject({ ok: false, reason: expect.stringContaining('format') });
    expect(decodeSnapshot(bytes.subarray(0, bytes.length - 8), FP)).toMatchObject({ ok: false });
    expect(decodeSnapshot(new Uint8Array(16), FP)).toEqual({ ok: false, reason: 'not a snapshot' });
  });

  it('the fingerprint follows every configuration value, not key order', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2] } })).toBe(fingerprintOf({ b: { c: [1, 2] }, a: 1 }));
    expect(fingerprintOf({ a: 1, b: { c: [1, 2] } })).not.toBe(fingerprintOf({ a: 1, b: { c: [1, 3] } }));
  });
});
