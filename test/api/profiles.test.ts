// Living profiles through the API: interest shift, exact under concurrency, late events, rebuild, history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProfileState } from '../../src/domain/profile/index.js';
import { cosine } from '../../src/domain/vector.js';
import {
  collect,
  freshDatabase,
  postgresAvailable,
  providers,
  startChildServer,
  startTestServer,
  type ChildServer,
  type TestServer,
} from '../helpers/server.js';

const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { profile { version eventCount } } }`;
const SCI_FI = Array.from({ length: 10 }, (_, i) => ({
  id: `sf${i}`,
  title: `Starship Voyage ${i}`,
  category: 'Sci-Fi',
  tags: ['space', 'aliens'],
  description: 'Starships, alien worlds, galactic rebels and space battles among distant stars.',
}));
const DOCS = Array.from({ length: 10 }, (_, i) => ({
  id: `doc${i}`,
  title: `Nature Diaries ${i}`,
  category: 'Documentary',
  tags: ['nature', 'wildlife'],
  description: 'Wildlife, oceans, forests and animals filmed in their natural habitat.',
}));

async function storedState(server: TestServer, userId: string) {
  const row = await server.services.store.getProfile(userId);
  return decodeProfileState(row!.state);
}

describe.each(await providers())('living profiles on %s', (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(provider);
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
      items: [...SCI_FI, ...DOCS],
    });
  });
  afterAll(async () => server?.stop());

  it('shifts interest: 30 sci-fi then 10 documentary events', async () => {
    const sub = collect<{ profileUpdated: { version: number } }>(
      server.ws(),
      `subscription { profileUpdated(userId: "shift") { version } }`,
      {},
      40,
      20_000,
    );
    await sub.ready;
    // Event times end now: facets are shown decayed to the present.
    const t0 = Date.now() - 41 * 6 * 3_600_000;
    const docWeights: number[] = [];
    for (let i = 0; i < 40; i++) {
      const item = i < 30 ? SCI_FI[i % 10]! : DOCS[i % 10]!;
      await server.gql(RECORD, {
        input: {
          userId: 'shift',
          itemId: item.id,
          type: 'CLICK',
          occurredAt: new Date(t0 + i * 6 * 3_600_000).toISOString(),
        },
      });
      if (i >= 29) {
        const f = await server.gql<{ user: { profile: { facets: Array<{ value: string; weight: number }> } } }>(
          `{ user(id: "shift") { profile { facets(kind: "category") { value weight } } } }`,
        );
        docWeights.push(f.data!.user.profile.facets.find((x) => x.value === 'Documentary')?.weight ?? 0);
      }
    }
    // the documentary facet rises version by version
    for (let i = 1; i < docWeights.length; i++) expect(docWeights[i]!).toBeGreaterThan(docWeights[i - 1]!);
    const res = await server.gql<{
      user: { profile: { long: number[]; short: number[]; interests: Array<{ label: string }> } };
    }>(
      `{ user(id: "shift") { profile { long: embedding(term: LONG) short: embedding(term: SHORT) interests { label } } } }`,
    );
    const docVec = Float32Array.from(
      (await server.gql<{ item: { embedding: number[] } }>(`{ item(id: "doc0") { embedding } }`)).data!.item.embedding,
    );
    const long = Float32Array.from(res.data!.user.profile.long);
    const short = Float32Array.from(res.data!.user.profile.short);
    expect(cosine(short, docVec)).toBeGreaterThan(cosine(long, docVec));
    expect(res.data!.user.profile.interests.map((i) => i.label).join(' ')).toMatch(/Sci-Fi/);
    expect(res.data!.user.profile.interests.map((i) => i.label).join(' ')).toMatch(/Documentary/);
    const versions = (await sub.done()).map((u) => u.profileUpdated.version);
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('loses no update under 200 concurrent writes for one user plus interleaved users, and equals the rebuild', async () => {
    const items = [...SCI_FI, ...DOCS];
    const types = ['VIEW', 'CLICK', 'PURCHASE', 'ADD_TO_CART', 'SKIP', 'FAVORITE'];
    const calls = Array.from({ length: 200 }, (_, i) => ({
      userId: 'hot',
      itemId: items[i % 20]!.id,
      type: types[i % types.length],
      eventId: `hot-${i}`,
    }));
    for (let u = 0; u < 10; u++)
      for (let j = 0; j < 10; j++)
        calls.push({ userId: `many-${u}`, itemId: items[(u + j) % 20]!.id, type: 'CLICK', eventId: `m-${u}-${j}` });
    calls.sort((a, b) => (a.eventId < b.eventId ? -1 : 1)); // interleave users
    const results = await Promise.all(calls.map((input) => server.gql(RECORD, { input })));
    expect(results.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);

    const hot = await server.gql<{
      user: {
        profile: { eventCount: number; version: number };
        profileHistory: { totalCount: number; edges: Array<{ node: { version: number } }> };
      };
    }>(
      `{ user(id: "hot") { profile { eventCount version } profileHistory(first: 100) { totalCount edges { node { version } } } } }`,
    );
    expect(hot.data!.user.profile).toEqual({ eventCount: 200, version: 200 });
    expect(hot.data!.user.profileHistory.totalCount).toBe(200);
    expect(hot.data!.user.profileHistory.edges.map((e) => e.node.version)).toEqual(
      Array.from({ length: 100 }, (_, i) => 200 - i),
    );
    expect(await storedState(server, 'hot')).toEqual(await server.services.profiles.replayFromLog('hot'));
    for (let u = 0; u < 10; u++) {
      const state = await storedState(server, `many-${u}`);
      expect(state.eventCount).toBe(10);
      expect(state).toEqual(await server.services.profiles.replayFromLog(`many-${u}`));
    }
  });

  it('applies a late event in event-time order: the result equals the profile built in order', async () => {
    const t0 = Date.parse('2026-02-01T00:00:00Z');
    const hour = 3_600_000;
    const arrival = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 5, 4]; // events 5 and 4 arrive last
    for (const i of arrival) {
      await server.gql(RECORD, {
        input: {
          userId: 'late',
          itemId: (i % 2 ? SCI_FI : DOCS)[i % 10]!.id,
          type: i % 3 ? 'CLICK' : 'PURCHASE',
          eventId: `l${i}`,
          occurredAt: new Date(t0 + i * hour).toISOString(),
        },
      });
    }
    const lateState = await storedState(server, 'late');
    expect(lateState.eventCount).toBe(12);
    expect(lateState).toEqual(await server.services.profiles.replayFromLog('late'));
    // history still answers as of an earlier time
    const past = await server.gql<{ user: { profile: { eventCount: number } } }>(
      `query($t: DateTime) { user(id: "late") { profile(asOf: $t) { eventCount } } }`,
      { t: new Date(t0 + 2.5 * hour).toISOString() },
    );
    expect(past.data!.user.profile.eventCount).toBe(3);
  });

  it('applies a batch of one user in one unit of work, in event-time order, equal to the rebuild', async () => {
    const t0 = Date.now() - 100 * 3_600_000;
    const order = Array.from({ length: 40 }, (_, i) => i).sort((a, b) => ((a * 7919) % 40) - ((b * 7919) % 40)); // shuffled times
    const inputs = order.map((i) => ({
      userId: 'bulk',
      itemId: (i % 2 ? SCI_FI : DOCS)[i % 10]!.id,
      type: i % 4 ? 'VIEW' : 'PURCHASE',
      eventId: `bulk-${i}`,
      occurredAt: new Date(t0 + i * 3_600_000).toISOString(),
    }));
    const res = await server.gql<{
      recordBehaviors: {
        results: Array<{
          duplicate: boolean;
          behavior: { eventId: string };
          profile: { version: number; eventCount: number };
        }>;
      };
    }>(
      `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { results { duplicate behavior { eventId } profile { version eventCount } } } }`,
      { inputs },
    );
    expect(res.errors).toBeUndefined();
    const results = res.data!.recordBehaviors.results;
    expect(results.map((r) => r.behavior.eventId)).toEqual(inputs.map((x) => x.eventId));
    // each result shows the profile right after its own event, counted in event time
    results.forEach((r, k) => expect(r.profile.eventCount).toBe(order[k]! + 1));
    expect(results.map((r) => r.profile.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await storedState(server, 'bulk')).toEqual(await server.services.profiles.replayFromLog('bulk'));
    // a later batch with a late event falls back to one-by-one replay and stays exact
    const late = await server.gql(
      `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
      {
        inputs: [
          {
            userId: 'bulk',
            itemId: DOCS[0]!.id,
            type: 'CLICK',
            eventId: 'bulk-late',
            occurredAt: new Date(t0 + 5.5 * 3_600_000).toISOString(),
          },
          { userId: 'bulk', itemId: SCI_FI[0]!.id, type: 'CLICK', eventId: 'bulk-new' },
        ],
      },
    );
    expect(late.errors).toBeUndefined();
    const state = await storedState(server, 'bulk');
    expect(state.eventCount).toBe(42);
    expect(state).toEqual(await server.services.profiles.replayFromLog('bulk'));
  });

  it('rebuildProfile recomputes from the log and writes a new version', async () => {
    const before = await server.gql<{ user: { profile: { version: number; eventCount: number; summary: string } } }>(
      `{ user(id: "shift") { profile { version eventCount summary } } }`,
    );
    const res = await server.gql<{ rebuildProfile: { version: number; eventCount: number; summary: string } }>(
      `mutation { rebuildProfile(userId: "shift") { version eventCount summary } }`,
    );
    expect(res.data!.rebuildProfile.version).toBe(before.data!.user.profile.version + 1);
    expect(res.data!.rebuildProfile.eventCount).toBe(before.data!.user.profile.eventCount);
    expect(res.data!.rebuildProfile.summary).toBe(before.data!.user.profile.summary);
    const missing = await server.gql(`mutation { rebuildProfile(userId: "nobody") { version } }`);
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});

describe.skipIf(!(await postgresAvailable())).each(['optimistic', 'lock'])(
  'two server processes on one PostgreSQL database (PROFILE_LOCKING=%s)',
  (locking) => {
    let server: TestServer;
    let child: ChildServer | undefined;
    const db = freshDatabase('postgresql');

    // Live updates cross processes through Redis.
    const redisEnv = { REDIS_URL: process.env.REDIS_TEST_URL || 'redis://127.0.0.1:6379', PROFILE_LOCKING: locking };

    beforeAll(async () => {
      server = await startTestServer('postgresql', redisEnv, db);
      await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: SCI_FI });
      child = await startChildServer({ ...redisEnv, DATABASE_URL: db.url });
    });
    afterAll(async () => {
      await child?.stop();
      await server?.stop();
    });

    it('deliver an update written by one process to a subscriber of the other (Redis)', async () => {
      const sub = collect<{ profileUpdated: { userId: string; version: number } }>(
        server.ws(),
        `subscription { profileUpdated(userId: "cross-${locking}") { userId version } }`,
        {},
        1,
        5000,
      );
      await sub.ready;
      const res = await child!.gql(RECORD, {
        input: { userId: `cross-${locking}`, itemId: SCI_FI[0]!.id, type: 'VIEW' },
      });
      expect(res.errors).toBeUndefined();
      expect(await sub.done()).toEqual([{ profileUpdated: { userId: `cross-${locking}`, version: 1 } }]);
    });

    it('know an item the other process upserted after they started', async () => {
      const id = `late-item-${locking}`;
      await server.gql(
        `mutation { upsertItems(items: [{ id: "${id}", title: "Arrived later", category: "Sci-Fi" }]) { count } }`,
      );
      const res = await child!.gql(RECORD, { input: { userId: `later-${locking}`, itemId: id, type: 'VIEW' } });
      expect(res.errors).toBeUndefined();
    });

    it('lose no update when both write the same user at once', async () => {
      // With optimistic locking a hot profile may answer CONFLICT after its retries (the documented contract:
      // the client retries, with the same eventId); with the lock it never does.
      const record = async (i: number) => {
        const input = { userId: 'shared', itemId: SCI_FI[i % 10]!.id, type: 'CLICK', eventId: `s${i}` };
        for (let attempt = 0; ; attempt++) {
          const res = await (i % 2 ? server : child!).gql(RECORD, { input });
          const conflict = res.errors?.[0]?.extensions?.code === 'CONFLICT';
          if (!(conflict && locking === 'optimistic' && attempt < 5)) return res;
        }
      };
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => record(i)));
      expect(results.filter((r) => r.errors)).toEqual([]);
      const state = await storedState(server, 'shared');
      expect(state.eventCount).toBe(100);
      expect(state).toEqual(await server.services.profiles.replayFromLog('shared'));
      const history = await server.services.store.listProfileVersions('shared', 100, null);
      expect(history.rows.map((r) => r.version)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
    });
  },
);
