// profileUpdated over graphql-ws: delivered fast, per user and for all users, every version once and in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, providers, startTestServer, type TestServer } from '../helpers/server.js';

const SUB = `subscription($userId: ID) { profileUpdated(userId: $userId) { userId version drift changedFacets { kind value delta } profile { version eventCount summary } } }`;
const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { profile { version } } }`;

interface Update {
  profileUpdated: {
    userId: string;
    version: number;
    drift: number | null;
    changedFacets: Array<{ kind: string; value: string }>;
    profile: { version: number; eventCount: number; summary: string };
  };
}

describe.each(await providers())('profileUpdated subscriptions on %s', (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(provider);
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
      items: [
        { id: 'a', title: 'Alien', category: 'Sci-Fi' },
        { id: 'd', title: 'Planet Earth', category: 'Documentary' },
      ],
    });
  });
  afterAll(async () => server?.stop());

  it('delivers the update recordBehavior made', async () => {
    const sub = collect<Update>(server.ws(), SUB, { userId: 'live-1' }, 1, 3000);
    await sub.ready;
    await server.gql(RECORD, { input: { userId: 'live-1', itemId: 'a', type: 'PURCHASE' } });
    const [update] = await sub.done();
    expect(update!.profileUpdated).toMatchObject({
      userId: 'live-1',
      version: 1,
      profile: { version: 1, eventCount: 1 },
    });
    expect(update!.profileUpdated.changedFacets.some((f) => f.value === 'Sci-Fi')).toBe(true);
  });

  it('sends only the subscribed user, and everyone to a subscription without userId', async () => {
    const mine = collect<Update>(server.ws(), SUB, { userId: 'live-2' }, 2, 3000);
    const all = collect<Update>(server.ws(), SUB, {}, 3, 3000);
    await Promise.all([mine.ready, all.ready]);
    await server.gql(RECORD, { input: { userId: 'live-2', itemId: 'a', type: 'VIEW' } });
    await server.gql(RECORD, { input: { userId: 'other', itemId: 'a', type: 'VIEW' } });
    await server.gql(RECORD, { input: { userId: 'live-2', itemId: 'd', type: 'VIEW' } });
    const [m, a] = await Promise.all([mine.done(), all.done()]);
    expect(m.map((u) => u.profileUpdated.userId)).toEqual(['live-2', 'live-2']);
    expect(a.map((u) => u.profileUpdated.userId).sort()).toEqual(['live-2', 'live-2', 'other']);
  });

  it('delivers every version once and in order under 50 concurrent writes for one user', async () => {
    const n = 50;
    const sub = collect<Update>(server.ws(), SUB, { userId: 'live-3' }, n, 15_000);
    await sub.ready;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        server.gql(RECORD, { input: { userId: 'live-3', itemId: i % 3 ? 'a' : 'd', type: 'CLICK', eventId: `c${i}` } }),
      ),
    );
    const versions = (await sub.done()).map((u) => u.profileUpdated.version);
    expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});
