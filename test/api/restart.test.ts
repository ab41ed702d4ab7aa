// Restart from a snapshot: a server started from the newest recommender snapshot plus the log after it answers like
// one that replays the whole log (RECOMMENDER_SNAPSHOTS=off), with late events and item deletions and upserts after
// the snapshot; a snapshot older than an erasure, or made for another configuration, is ignored with a log line.
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, providers, startTestServer, type TestServer } from '../helpers/server.js';

const item = (i: number, description = i % 2 ? 'Starships among distant stars.' : 'Wildlife and forests, filmed.') => ({
  id: `it${i}`,
  title: `${i % 2 ? 'Starship' : 'Forest'} story ${i}`,
  category: i % 2 ? 'Sci-Fi' : 'Documentary',
  tags: i % 2 ? ['space'] : ['nature'],
  description,
});
const UPSERT = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`;
const DELETE = `mutation($ids: [ID!]!) { deleteItems(ids: $ids) { count } }`;
const RECORD = `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`;
const ANSWERS = `query($u: ID!) {
  modelInfo { memory { users coVisitationEntries transitionEntries segments } catalogue { indexedItems } }
  a: similarItems(itemId: "it1", first: 8) { item { id } score }
  user(id: $u) { recommendations(first: 8, explore: 0) { item { id } score } }
}`;
const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];

/** Events of round k for every user; `hoursBack` makes them late (older than events already in the log). */
const events = (k: number, hoursBack = 0) =>
  users.map((userId, u) => ({
    userId,
    eventId: `e${u}-${k}`,
    itemId: `it${(u * 7 + k * 5) % 20}`,
    type: k % 3 ? 'CLICK' : 'PURCHASE',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 12 + k - hoursBack, u)).toISOString(),
  }));

/** Scores decay with the clock between two queries: compared apart from the ids, within 1e-6. */
async function answers(server: TestServer, who = users.slice(1, 4)) {
  const out: Array<{ shape: unknown; scores: number[] }> = [];
  for (const u of who) {
    const r = await server.gql(ANSWERS, { u });
    expect(r.errors).toBeUndefined();
    const scores: number[] = [];
    const shape: unknown = JSON.parse(
      JSON.stringify(r.data, (k, v: unknown) => (k === 'score' ? (scores.push(v as number), 0) : v)),
    );
    out.push({ shape, scores });
  }
  return out;
}

function expectSame(actual: Awaited<ReturnType<typeof answers>>, expected: Awaited<ReturnType<typeof answers>>) {
  expect(actual.map((a) => a.shape)).toEqual(expected.map((e) => e.shape));
  actual.forEach((a, i) =>
    a.scores.forEach((x, k) => expect(Math.abs(x - expected[i]!.scores[k]!)).toBeLessThan(1e-6)),
  );
}

// The default index (exact at this size) on both providers, and the approximate one, whose graph the snapshot saves.
const cases = [...(await providers()).map((p) => [p, 'auto'] as const), ['sqlite', 'approximate'] as const];

describe.each(cases)('restart from a recommender snapshot on %s, index %s', (provider, indexKind) => {
  const db = freshDatabase(provider);
  const logs: string[] = [];
  const start = async (env: Record<string, string> = {}) => {
    logs.length = 0;
    return startTestServer(provider, { SNAPSHOT_EVERY_SECONDS: '0', INDEX_KIND: indexKind, ...env }, db, (m) =>
      logs.push(m),
    );
  };
  const send = async (server: TestServer, query: string, variables: Record<string, unknown>) =>
    expect((await server.gql(query, variables)).errors).toBeUndefined();
  afterAll(() => db.drop());

  it('snapshot + the log tail answers as the whole log replayed, and a stale snapshot is ignored', async () => {
    // First life: items and two rounds of events; closing writes the snapshot.
    const first = await start();
    await send(first, UPSERT, { items: Array.from({ length: 21 }, (_, i) => item(i)) });
    for (const k of [0, 1, 2]) await send(first, RECORD, { inputs: events(k) });
    await send(first, DELETE, { ids: ['it5'] }); // an item with events, deleted before the snapshot
    await first.close();
    expect(logs.some((l) => /recommender snapshot at behaviour 18: written/.test(l))).toBe(true);

    // Second life without snapshots: late events, a deleted item with events, a changed item, after the snapshot.
    const second = await start({ RECOMMENDER_SNAPSHOTS: 'off' });
    await send(second, RECORD, { inputs: events(3) });
    await send(second, RECORD, { inputs: events(4, 6) });
    await send(second, DELETE, { ids: ['it7'] });
    await send(second, UPSERT, { items: [item(2, 'Starships and forests.'), item(21)] });
    await second.close();

    const replayed = await start({ RECOMMENDER_SNAPSHOTS: 'off' });
    const expected = await answers(replayed);
    await replayed.close();
    const restarted = await start();
    expect(logs.some((l) => /snapshot #\d+ at behaviour 18 loaded/.test(l))).toBe(true);
    // The saved graph is loaded, and the item deleted after the snapshot (it7) leaves it.
    if (indexKind === 'approximate')
      expect(logs.some((l) => /vector index of snapshot #\d+ loaded/.test(l))).toBe(true);
    if (indexKind === 'approximate')
      expect(logs.some((l) => /at behaviour 18 loaded .*1 deleted items left the index/.test(l))).toBe(true);
    expectSame(await answers(restarted), expected);
    expect((expected[0]!.shape as { modelInfo: { memory: { users: number } } }).modelInfo.memory.users).toBe(6);

    // An erasure after the newest snapshot: that snapshot still holds the user's statistics, so it is not used.
    await restarted.close(); // writes a snapshot at the head
    const eraser = await start({ RECOMMENDER_SNAPSHOTS: 'off' });
    await send(eraser, `mutation { deleteUser(id: "u0") { deleted } }`, {});
    const afterErasure = await answers(eraser);
    await eraser.close();
    const third = await start();
    expect(logs.some((l) => /ignored: an erasure happened after it/.test(l))).toBe(true);
    expectSame(await answers(third), afterErasure);

    // A newer snapshot made for another configuration: ignored with a log line, the matching one is used.
    await third.services.store.saveRecommenderSnapshot({
      fingerprint: 'another-configuration',
      format: 1,
      behaviorSeq: 1_000_000,
      catalogSeq: 0,
      erasureSeq: 1_000_000,
      state: new Uint8Array(16),
      vectorIndex: null,
    });
    await third.close(); // writes one at the current positions, after the erasure
    const fourth = await start();
    expect(logs.some((l) => /behaviour 1000000\) ignored: made for another model configuration/.test(l))).toBe(true);
    expect(logs.some((l) => /snapshot #\d+ at behaviour \d+ loaded/.test(l))).toBe(true);
    expectSame(await answers(fourth), afterErasure);
    await fourth.close();
  }, 120_000);
});

// A snapshot written while the index was exact holds no graph; a process whose index is approximate writes one at its
// graceful stop even though the log did not move, so the next start loads the graph instead of rebuilding it.
describe('a snapshot without the approximate graph', () => {
  const db = freshDatabase('sqlite');
  const logs: string[] = [];
  const start = async (indexKind: string) => {
    logs.length = 0;
    return startTestServer('sqlite', { SNAPSHOT_EVERY_SECONDS: '0', INDEX_KIND: indexKind }, db, (m) => logs.push(m));
  };
  afterAll(() => db.drop());

  it('is replaced at the same log position by one with the graph', async () => {
    const exact = await start('exact');
    expect((await exact.gql(UPSERT, { items: Array.from({ length: 20 }, (_, i) => item(i)) })).errors).toBeUndefined();
    expect((await exact.gql(RECORD, { inputs: events(1) })).errors).toBeUndefined();
    await exact.close();
    expect(logs.some((l) => /recommender snapshot at behaviour 6: written, \d+ bytes \(/.test(l))).toBe(true);

    const approximate = await start('approximate');
    expect(logs.some((l) => /snapshot #\d+ at behaviour 6 loaded/.test(l))).toBe(true);
    expect(logs.some((l) => /vector index of snapshot/.test(l))).toBe(false);
    await approximate.close();
    expect(
      logs.some((l) => /recommender snapshot at behaviour 6: written, \d+ bytes and an index of \d+/.test(l)),
    ).toBe(true);

    const again = await start('approximate');
    expect(logs.some((l) => /vector index of snapshot #\d+ loaded/.test(l))).toBe(true);
    await again.close();
    // Nothing new to add: the third stop writes nothing.
    expect(logs.some((l) => /recommender snapshot at behaviour/.test(l))).toBe(false);
  });
});

// Items loaded at start come as views into one buffer per page; the exact index's native kernel once read every such
// query from the buffer's start, so after a restart similarItems put the page's first item on top for every item.
describe('similar items after a restart (exact index, native kernel: 512+ items)', () => {
  it('rank the same neighbours as before the restart', async () => {
    const db = freshDatabase('sqlite');
    // Pairs of twins (same text, nothing else shared), so each item's nearest neighbour is unambiguous.
    const twin = (i: number) => ({
      id: `tw${i}`,
      title: `Volume ${Math.floor(i / 2)} of the ${['amber', 'cobalt', 'jade', 'ivory'][(i % 8) >> 1]} saga`,
      category: 'Books',
      tags: [`shelf${Math.floor(i / 2) % 37}`],
      description: `Chapter words ${Math.floor(i / 2)} and ${Math.floor(i / 2) * 7 + 3}.`,
    });
    const upsert = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`;
    const nearest = `query($i: ID!) { similarItems(itemId: $i, first: 1) { item { id } } }`;
    const top = async (server: TestServer, id: string) => {
      const r = await server.gql(nearest, { i: id });
      expect(r.errors).toBeUndefined();
      return (r.data as { similarItems: Array<{ item: { id: string } }> }).similarItems[0]?.item.id;
    };
    const probes = ['tw100', 'tw351', 'tw598'];
    const first = await startTestServer('sqlite', { INDEX_KIND: 'exact' }, db);
    for (const from of [0, 300]) {
      const items = Array.from({ length: 300 }, (_, i) => twin(from + i));
      expect((await first.gql(upsert, { items })).errors).toBeUndefined();
    }
    const before = await Promise.all(probes.map((id) => top(first, id)));
    await first.close();
    expect(before).toEqual(['tw101', 'tw350', 'tw599']);
    const restarted = await startTestServer('sqlite', { INDEX_KIND: 'exact' }, db);
    expect(await Promise.all(probes.map((id) => top(restarted, id)))).toEqual(before);
    await restarted.close();
    await db.drop();
  }, 60_000);
});
