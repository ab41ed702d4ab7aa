// The admin-only fields behind the console's model and item pages: Query.modelInfo and Item.interactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const KEY = 'model-info-admin-key';
const SERVICE_KEY = 'model-info-service-key';

describe.each(await providers())('console fields on %s', (provider) => {
  let server: TestServer;
  const call = async (query: string, variables: Record<string, unknown> = {}, key: string | null = KEY) => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions?: { code?: string } }> };
  };

  beforeAll(async () => {
    server = await startTestServer(provider, { API_KEYS: `${KEY}:admin,${SERVICE_KEY}:service` });
    await call(
      `mutation { upsertItems(items: [{ id: "i1", title: "Alien", category: "Sci-Fi" }, { id: "i2", title: "Heat", category: "Crime" }]) { count } }`,
    );
    for (const [u, e, type] of [
      ['u1', 'e1', 'CLICK'],
      ['u1', 'e2', 'PURCHASE'],
      ['u2', 'e3', 'CLICK'],
    ] as const) {
      await call(`mutation($i: BehaviorInput!) { recordBehavior(input: $i) { duplicate } }`, {
        i: { userId: u, eventId: e, itemId: 'i1', type },
      });
    }
  });
  afterAll(async () => server?.stop());

  it('modelInfo reports encoder, index, sizes and sources, to admins only', async () => {
    const q = `{ modelInfo { databaseProvider encoder { kind dim } index { kind mode size } catalogue { items indexedItems staleItems }
      log { users behaviors profiles profileVersions } sources { name weight candidates } explore recommenderConfig profileConfig } }`;
    expect((await call(q, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call(q, {}, SERVICE_KEY)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { data, errors } = await call(q);
    expect(errors).toBeUndefined();
    const m = data!.modelInfo;
    expect(m.databaseProvider).toBe(provider);
    expect(m.catalogue).toEqual({ items: 2, indexedItems: 2, staleItems: 0 });
    expect(m.index.size).toBe(2);
    expect(m.log).toEqual({ users: 2, behaviors: 3, profiles: 2, profileVersions: 3 });
    expect(m.sources.map((s: { name: string }) => s.name)).toContain('content');
    expect(m.recommenderConfig.weights).toBeTypeOf('object');
    expect(m.profileConfig.versioning).toBe('realtime');
  });

  it('Item.interactions counts events per type and distinct users, never who', async () => {
    const q = `{ item(id: "i1") { interactions { total users byType { type count } } } }`;
    expect((await call(q, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await call(q, {}, SERVICE_KEY)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { data, errors } = await call(q);
    expect(errors).toBeUndefined();
    expect(data!.item.interactions).toEqual({
      total: 3,
      users: 2,
      byType: [
        { type: 'CLICK', count: 2 },
        { type: 'PURCHASE', count: 1 },
      ],
    });
    expect(
      (await call(`{ item(id: "i2") { interactions { total users byType { type } } } }`)).data!.item.interactions,
    ).toEqual({ total: 0, users: 0, byType: [] });
  });
});
