// Two server processes on one PostgreSQL database and one Redis: events (reviews with opinions among them) and item
// upserts/deletes sent to both; once quiet, both recommenders equal a model rebuilt from the log (a third process
// started afterwards replays it at start), compared through similarItems, recommendations and the model's memory
// statistics. An erasure through one replica reaches the other: both then equal a model rebuilt from the remaining log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatabase,
  postgresAvailable,
  startChildServer,
  startTestServer,
  type ChildServer,
  type TestServer,
} from '../helpers/server.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

async function redisAvailable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const ready = (await postgresAvailable()) && (await redisAvailable());

const item = (i: number) => ({
  id: `it${i}`,
  title: `${i % 2 ? 'Starship' : 'Forest'} story ${i}`,
  category: i % 2 ? 'Sci-Fi' : 'Documentary',
  tags: i % 2 ? ['space'] : ['nature'],
  description: i % 2 ? 'Starships and alien worlds among distant stars.' : 'Wildlife and forests, filmed.',
});

const UPSERT = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`;
const DELETE = `mutation($ids: [ID!]!) { deleteItems(ids: $ids) { count } }`;
const RECORD_MANY = `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`;
const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { duplicate } }`;
const ANSWERS = `query($u: ID!) {
  modelInfo { memory { users coVisitationEntries transitionEntries segments } catalogue { indexedItems } }
  a: similarItems(itemId: "it1", first: 8) { item { id } score }
  b: similarItems(itemId: "it2", first: 8) { item { id } score }
  user(id: $u) { recommendations(first: 8, explore: 0) { item { id } score } }
}`;

type Gql = TestServer['gql'];

async function lagOf(url: string): Promise<number> {
  const r = (await (await fetch(`${url.replace(/\/graphql$/, '')}/readyz`)).json()) as {
    log: { behaviors: { lag: number }; catalog: { lag: number } } | null;
  };
  return r.log ? r.log.behaviors.lag + r.log.catalog.lag : Infinity;
}

/** Scores decay with the clock between two queries (about 1e-9 here): compared apart, within 1e-6. */
function split(data: unknown): { shape: unknown; scores: number[] } {
  const scores: number[] = [];
  const shape: unknown = JSON.parse(
    JSON.stringify(data, (k, v: unknown) => (k === 'score' ? (scores.push(v as number), 0) : v)),
  );
  return { shape, scores };
}

async function answers(gql: Gql, users: string[]) {
  const out: Array<ReturnType<typeof split>> = [];
  for (const u of users) {
    const r = await gql(ANSWERS, { u });
    expect(r.errors).toBeUndefined();
    out.push(split(r.data));
  }
  return out;
}

function expectSame(actual: Array<ReturnType<typeof split>>, expected: Array<ReturnType<typeof split>>): void {
  expect(actual.map((a) => a.shape)).toEqual(expected.map((e) => e.shape));
  actual.forEach((a, i) =>
    a.scores.forEach((x, k) => expect(Math.abs(x - expected[i]!.scores[k]!)).toBeLessThan(1e-6)),
  );
}

describe.skipIf(!ready)('two replicas on PostgreSQL + Redis follow the shared log', () => {
  let a: TestServer;
  let b: ChildServer;
  const db = freshDatabase('postgresql');

  beforeAll(async () => {
    a = await startTestServer('postgresql', { REDIS_URL, LOG_POLL_MS: '60000' }, db);
    b = await startChildServer({ DATABASE_URL: db.url, REDIS_URL, LOG_POLL_MS: '60000', LOG_LEVEL: 'silent' });
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db.drop();
  });

  it('both equal a rebuild from the log once quiet, with Redis waking them (no polling)', async () => {
    const items = Array.from({ length: 25 }, (_, i) => item(i));
    expect((await a.gql(UPSERT, { items: items.slice(0, 12) })).errors).toBeUndefined();
    expect((await b.gql(UPSERT, { items: items.slice(12) })).errors).toBeUndefined();
    const users = Array.from({ length: 12 }, (_, u) => `u${u}`);
    const event = (u: number, k: number) => ({
      userId: `u${u}`,
      eventId: `e${u}-${k}`,
      itemId: `it${(u * 7 + k * 5) % 24}`,
      type: k === 4 ? 'REVIEW' : k % 3 ? 'CLICK' : 'PURCHASE',
      // Reviews, half of them panned: their opinion (stored on the log row) makes them rejections for every follower.
      ...(k === 4 ? { text: u % 2 ? 'Terrible, it broke. A waste of money.' : 'Love it, works great!' } : {}),
      occurredAt: new Date(Date.UTC(2026, 0, 1, k, u)).toISOString(),
    });
    // Batches to both replicas at once, then single events (group commits) to both at once.
    const sends: Array<Promise<{ errors?: unknown }>> = [];
    for (let k = 0; k < 6; k++) {
      const batch = users.map((_, u) => event(u, k));
      sends.push((k % 2 ? a : b).gql(RECORD_MANY, { inputs: batch.slice(0, 6) }));
      sends.push((k % 2 ? b : a).gql(RECORD_MANY, { inputs: batch.slice(6) }));
    }
    for (const r of await Promise.all(sends)) expect(r.errors).toBeUndefined();
    const singles = users.flatMap((_, u) => [6, 7].map((k) => (u % 2 ? a : b).gql(RECORD, { input: event(u, k) })));
    for (const r of await Promise.all(singles)) expect(r.errors).toBeUndefined();
    // A catalogue change through each replica after the events.
    expect(
      (await b.gql(UPSERT, { items: [{ ...item(3), description: 'Forests and rivers, filmed.' }] })).errors,
    ).toBeUndefined();
    // Deleted: an item no event names (removing an item with events differs from a rebuild without it: see below).
    expect((await a.gql(DELETE, { ids: ['it24'] })).errors).toBeUndefined();

    const quietAt = Date.now();
    for (;;) {
      if ((await lagOf(a.url)) === 0 && (await lagOf(b.url)) === 0) break;
      if (Date.now() - quietAt > 5000) throw new Error('replicas did not catch up within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }

    const rebuilt = await startChildServer({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    try {
      const expected = await answers(rebuilt.gql, users.slice(0, 4));
      expectSame(await answers(a.gql, users.slice(0, 4)), expected);
      expectSame(await answers(b.gql, users.slice(0, 4)), expected);
      const memory = (expected[0]!.shape as { modelInfo: { memory: { users: number } } }).modelInfo.memory;
      expect(memory.users).toBe(12);
    } finally {
      await rebuilt.stop();
    }
  }, 120_000);

  it('an erasure through one replica rebuilds the other from the remaining log (after the test above)', async () => {
    const users = Array.from({ length: 4 }, (_, u) => `u${u + 1}`);
    const before = await answers(b.gql, users);
    const res = await a.gql(`mutation { deleteUser(id: "u0") { deleted behaviors } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ deleteUser: { deleted: true, behaviors: 8 } });

    const rebuilt = await startChildServer({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    try {
      const expected = await answers(rebuilt.gql, users);
      const memory = (expected[0]!.shape as { modelInfo: { memory: { users: number } } }).modelInfo.memory;
      expect(memory.users).toBe(11);
      // Before the erasure, b still answered with u0's statistics in its model.
      expect(before.map((x) => x.shape)).not.toEqual(expected.map((e) => e.shape));
      expectSame(await answers(a.gql, users), expected);
      // Redis wakes b (polling is off at 60 s): it rebuilds within a few seconds.
      const at = Date.now();
      for (;;) {
        const got = await answers(b.gql, users.slice(0, 1));
        const shape = got[0]!.shape as { modelInfo: { memory: { users: number } } };
        if (shape.modelInfo.memory.users === 11) break;
        if (Date.now() - at > 5000) throw new Error('the other replica did not rebuild within 5 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      expectSame(await answers(b.gql, users), expected);
    } finally {
      await rebuilt.stop();
    }
  }, 120_000);
});
