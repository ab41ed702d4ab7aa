// With API_KEY set (one service key), writes, user data and live streams need it (UNAUTHENTICATED otherwise);
// catalogue reads stay open for frontends. test/api/roles.test.ts covers tokens and roles.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

const KEY = 'test-key-0123456789';

describe('API key', () => {
  let server: TestServer;
  const post = (query: string, authorization?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    }).then(
      (r) => r.json() as Promise<{ data?: Record<string, unknown>; errors?: Array<{ extensions: { code: string } }> }>,
    );

  beforeAll(async () => {
    server = await startTestServer('sqlite', { API_KEY: KEY });
  });
  afterAll(async () => server?.stop());

  it('refuses writes without the key or with a wrong one, and writes nothing', async () => {
    const before = await server.services.store.tableCounts();
    for (const auth of [undefined, 'Bearer nope', `Bearer ${KEY}x`]) {
      const res = await post(`mutation { upsertItems(items: [{ id: "i", title: "T" }]) { count } }`, auth);
      expect(res.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      const rec = await post(
        `mutation { recordBehavior(input: { userId: "u", type: REVIEW, text: "hi" }) { duplicate } }`,
        auth,
      );
      expect(rec.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      const read = await post(`{ user(id: "u") { behaviors { totalCount } } }`, auth);
      expect(read.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(await server.services.store.tableCounts()).toEqual(before);
  });

  it('accepts writes with the key; reads need none', async () => {
    const ok = await post(`mutation { upsertItems(items: [{ id: "i", title: "T" }]) { count } }`, `Bearer ${KEY}`);
    expect(ok.data).toEqual({ upsertItems: { count: 1 } });
    const read = await post(`{ item(id: "i") { title } }`);
    expect(read.data).toEqual({ item: { title: 'T' } });
  });

  it('refuses a subscription without the key and serves one with it', async () => {
    // Every mutation sent is awaited before the test ends: a response still in flight when the server stops
    // rejects outside the test (an unhandled "other side closed").
    const posts: Promise<unknown>[] = [];
    const tryStream = (connectionParams: Record<string, unknown>) =>
      new Promise<{ errors?: unknown; data?: unknown }>((resolve) => {
        const client = createClient({
          url: server.wsUrl,
          webSocketImpl: WebSocket,
          connectionParams,
          retryAttempts: 0,
        });
        const stop = client.subscribe(
          { query: `subscription { profileUpdated(userId: "w") { userId version } }` },
          {
            next: (v) => {
              resolve(v as { data?: unknown });
              stop();
              void client.dispose();
            },
            error: (e) => {
              resolve({ errors: e });
              void client.dispose();
            },
            complete: () => undefined,
          },
        );
        // With the key the stream waits for an event: send one.
        setTimeout(
          () =>
            posts.push(
              post(
                `mutation { recordBehavior(input: { userId: "w", itemId: "i", type: VIEW }) { duplicate } }`,
                `Bearer ${KEY}`,
              ),
            ),
          300,
        );
      });
    const denied = await tryStream({});
    expect(JSON.stringify(denied.errors)).toContain('UNAUTHENTICATED');
    const allowed = await tryStream({ authorization: `Bearer ${KEY}` });
    expect(allowed.data).toMatchObject({ profileUpdated: { userId: 'w' } });
    await new Promise((r) => setTimeout(r, 350)); // the denied attempt's timer may not have fired yet
    await Promise.all(posts);
  });
});
