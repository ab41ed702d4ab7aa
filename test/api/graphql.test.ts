// The GraphQL surface end to end over HTTP, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const ITEMS = [
  {
    id: 'sw',
    title: 'Star Wars (1977)',
    category: 'Sci-Fi',
    tags: ['space', 'rebels'],
    description: 'Rebels battle the Empire across the galaxy.',
    price: 9.99,
  },
  {
    id: 'alien',
    title: 'Alien (1979)',
    category: 'Sci-Fi',
    tags: ['space', 'horror'],
    description: 'A crew hunted by an alien aboard a starship.',
    price: 7.5,
  },
  {
    id: 'earth',
    title: 'Planet Earth (2006)',
    category: 'Documentary',
    tags: ['nature'],
    description: 'Wildlife across the planet.',
    price: 19,
  },
  {
    id: 'sense',
    title: 'Sense and Sensibility (1995)',
    category: 'Drama',
    tags: ['romance'],
    description: 'Two sisters and matters of the heart.',
  },
];

const UPSERT = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count items { id title tags encoderId } } }`;
const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) {
  duplicate behavior { id eventId userId itemId type value occurredAt } profile { version eventCount summary } } }`;

describe.each(await providers())('GraphQL API on %s', (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(provider);
    const res = await server.gql(UPSERT, { items: ITEMS });
    expect(res.errors).toBeUndefined();
  });
  afterAll(async () => server?.stop());

  it('stores items with vectors from the configured encoder and pages through them', async () => {
    const one = await server.gql<{
      item: { id: string; title: string; tags: string[]; encoderId: string; embedding: number[] };
    }>(`{ item(id: "sw") { id title tags encoderId embedding } }`);
    expect(one.data!.item.title).toBe('Star Wars (1977)');
    expect(one.data!.item.tags).toEqual(['space', 'rebels']);
    expect(one.data!.item.encoderId).toMatch(/^lexical/);
    const norm = Math.hypot(...one.data!.item.embedding);
    expect(norm).toBeCloseTo(1, 4);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: Awaited<
        ReturnType<
          typeof server.gql<{
            items: {
              edges: Array<{ node: { id: string } }>;
              pageInfo: { hasNextPage: boolean; endCursor: string };
              totalCount: number;
            };
          }>
        >
      > = await server.gql(
        `query($after: String) { items(first: 3, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const conn = res.data!.items;
      expect(conn.totalCount).toBe(ITEMS.length);
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(ITEMS.map((i) => i.id).sort());
    const sciFi = await server.gql<{ items: { totalCount: number } }>(`{ items(category: "Sci-Fi") { totalCount } }`);
    expect(sciFi.data!.items.totalCount).toBe(2);
  });

  it('creates a user with its first behaviour and returns the new profile version', async () => {
    const res = await server.gql<{
      recordBehavior: { duplicate: boolean; profile: { version: number; eventCount: number; summary: string } };
    }>(RECORD, {
      input: { userId: 'new-user', itemId: 'sw', type: 'PURCHASE', eventId: 'e-1' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordBehavior.duplicate).toBe(false);
    expect(res.data!.recordBehavior.profile).toMatchObject({ version: 1, eventCount: 1 });
    expect(res.data!.recordBehavior.profile.summary).toContain('Sci-Fi');
    const user = await server.gql<{ user: { id: string; behaviors: { totalCount: number } } }>(
      `{ user(id: "new-user") { id behaviors { totalCount } } }`,
    );
    expect(user.data!.user).toEqual({ id: 'new-user', behaviors: { totalCount: 1 } });
  });

  it('stores a retried event once and answers duplicate: true with the original behaviour', async () => {
    const input = { userId: 'retry-user', itemId: 'alien', type: 'CLICK', eventId: 'same-id' };
    const first = await server.gql<{ recordBehavior: { behavior: { id: string }; duplicate: boolean } }>(RECORD, {
      input,
    });
    const second = await server.gql<{
      recordBehavior: { behavior: { id: string }; duplicate: boolean; profile: { eventCount: number } };
    }>(RECORD, { input });
    expect(second.data!.recordBehavior.duplicate).toBe(true);
    expect(second.data!.recordBehavior.behavior.id).toBe(first.data!.recordBehavior.behavior.id);
    expect(second.data!.recordBehavior.profile.eventCount).toBe(1);
    const count = await server.gql<{ user: { behaviors: { totalCount: number } } }>(
      `{ user(id: "retry-user") { behaviors { totalCount } } }`,
    );
    expect(count.data!.user.behaviors.totalCount).toBe(1);
  });

  it('answers NOT_FOUND for an unknown item and writes nothing', async () => {
    const before = await server.services.store.tableCounts();
    const res = await server.gql(RECORD, { input: { userId: 'ghost', itemId: 'no-such-item', type: 'VIEW' } });
    expect(res.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect(await server.services.store.tableCounts()).toEqual(before);
  });

  it('records a batch, validating all inputs before writing any', async () => {
    const before = await server.services.store.tableCounts();
    const bad = await server.gql(
      `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
      {
        inputs: [
          { userId: 'batch', itemId: 'sw', type: 'VIEW' },
          { userId: 'batch', itemId: 'earth', type: 'RATE', value: 11 },
        ],
      },
    );
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs[1].value' });
    expect(await server.services.store.tableCounts()).toEqual(before);
    const ok = await server.gql<{
      recordBehaviors: { count: number; duplicates: number; results: Array<{ profile: { version: number } }> };
    }>(
      `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count duplicates results { profile { version } } } }`,
      {
        inputs: [
          { userId: 'batch', itemId: 'sw', type: 'VIEW', eventId: 'b1' },
          { userId: 'batch', itemId: 'earth', type: 'RATE', value: 4, eventId: 'b2' },
          { userId: 'batch', itemId: 'sw', type: 'VIEW', eventId: 'b1' },
        ],
      },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.recordBehaviors).toMatchObject({ count: 3, duplicates: 1 });
    expect(ok.data!.recordBehaviors.results.map((r) => r.profile.version)).toEqual([1, 2, 2]);
  });

  it('upserts users with attributes and onboarding text', async () => {
    const res = await server.gql<{
      upsertUser: { id: string; attributes: Record<string, unknown>; onboardingText: string };
    }>(`mutation($input: UserInput!) { upsertUser(input: $input) { id attributes onboardingText } }`, {
      input: {
        id: 'onboarded',
        attributes: { ageBand: '25-34', locale: 'en-GB' },
        onboardingText: 'I love space adventure',
      },
    });
    expect(res.data!.upsertUser).toEqual({
      id: 'onboarded',
      attributes: { ageBand: '25-34', locale: 'en-GB' },
      onboardingText: 'I love space adventure',
    });
  });

  it('loads profiles of a users page in one batched query (DataLoader)', async () => {
    for (let i = 0; i < 6; i++)
      await server.gql(RECORD, { input: { userId: `dl-${i}`, itemId: 'earth', type: 'VIEW' } });
    const q = `{ users(first: 50) { totalCount edges { node { id profile { version eventCount } } } } }`;
    const before = server.services.store.stats.queries;
    const res = await server.gql<{
      users: { totalCount: number; edges: Array<{ node: { profile: { version: number } | null } }> };
    }>(q);
    const used = server.services.store.stats.queries - before;
    expect(res.data!.users.edges.filter((e) => e.node.profile).length).toBeGreaterThanOrEqual(6);
    // one page query + one count + one batched profile query, however many users are on the page
    expect(used).toBe(3);
  });

  it('pages behaviours and profile history newest first', async () => {
    for (let i = 0; i < 5; i++)
      await server.gql(RECORD, {
        input: { userId: 'hist', itemId: i % 2 ? 'sw' : 'earth', type: 'CLICK', eventId: `h${i}` },
      });
    const res = await server.gql<{
      user: {
        behaviors: { edges: Array<{ node: { eventId: string } }>; pageInfo: { hasNextPage: boolean } };
        profileHistory: { totalCount: number; edges: Array<{ node: { version: number; hasSnapshot: boolean } }> };
      };
    }>(
      `{ user(id: "hist") { behaviors(first: 2) { edges { node { eventId } } pageInfo { hasNextPage } } profileHistory(first: 10) { totalCount edges { node { version hasSnapshot } } } } }`,
    );
    expect(res.data!.user.behaviors.edges.map((e) => e.node.eventId)).toEqual(['h4', 'h3']);
    expect(res.data!.user.behaviors.pageInfo.hasNextPage).toBe(true);
    expect(res.data!.user.profileHistory.totalCount).toBe(5);
    expect(res.data!.user.profileHistory.edges.map((e) => e.node.version)).toEqual([5, 4, 3, 2, 1]);
    expect(res.data!.user.profileHistory.edges.at(-1)!.node.hasSnapshot).toBe(true);
  });

  it('rejects a cursor it did not issue', async () => {
    const res = await server.gql(`{ items(first: 2, after: "bogus") { totalCount } }`);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('deletes items: gone from reads, recommendations and new events, while the log keeps their events', async () => {
    await server.gql(UPSERT, {
      items: [{ id: 'doomed', title: 'Doomed Voyage', category: 'Sci-Fi', tags: ['space'] }],
    });
    await server.gql(RECORD, { input: { userId: 'deleter', itemId: 'doomed', type: 'VIEW', eventId: 'd1' } });
    const res = await server.gql<{ deleteItems: { deletedIds: string[]; count: number } }>(
      `mutation { deleteItems(ids: ["doomed", "never-existed"]) { deletedIds count } }`,
    );
    expect(res.data!.deleteItems).toEqual({ deletedIds: ['doomed'], count: 1 });
    expect((await server.gql<{ item: unknown }>(`{ item(id: "doomed") { id } }`)).data!.item).toBeNull();
    const again = await server.gql(RECORD, {
      input: { userId: 'deleter', itemId: 'doomed', type: 'VIEW', eventId: 'd2' },
    });
    expect(again.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const recs = await server.gql<{
      user: { recommendations: Array<{ item: { id: string } }>; behaviors: { totalCount: number } };
    }>(`{ user(id: "deleter") { recommendations(first: 20) { item { id } } behaviors { totalCount } } }`);
    expect(recs.data!.user.recommendations.map((r) => r.item.id)).not.toContain('doomed');
    expect(recs.data!.user.behaviors.totalCount).toBe(1);
    const similar = await server.gql(`{ similarItems(itemId: "doomed") { score } }`);
    expect(similar.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('reports the encoder honestly', async () => {
    const res = await server.gql<{ encoder: { kind: string; dim: number } }>(`{ encoder { id kind dim } }`);
    expect(res.data!.encoder).toMatchObject({ kind: 'lexical', dim: 512 });
  });
});
