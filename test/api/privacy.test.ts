// deleteUser erases a user everywhere (tables and the live recommender) and export returns everything stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/token.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'privacy-test-secret-0123456789abcdef';
const PRIVATE = 'my very private review about a lamp';
const ONBOARDING = 'I secretly love horror films';

describe.each(await providers())('privacy on %s', (provider) => {
  let server: TestServer;
  const logs: string[] = [];
  const tokens: Record<string, string> = {};
  const gql = async (who: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions: { code: string } }> };
  };
  const REC = `mutation($u: ID!, $i: ID!, $e: ID, $t: String) { recordBehavior(input: { userId: $u, itemId: $i, type: REVIEW, eventId: $e, text: $t }) { duplicate } }`;
  const SIMILAR = `query($i: ID!) { similarItems(itemId: $i, first: 5) { item { id } score reasons { kind } } }`;
  const RECS = `{ user(id: "stay") { recommendations(first: 5, explore: 0, seed: 1) { item { id } score } } }`;

  beforeAll(async () => {
    server = await startTestServer(provider, { AUTH_JWT_SECRET: SECRET }, undefined, (m) => logs.push(m));
    for (const [sub, role] of [
      ['gone', 'user'],
      ['stay', 'user'],
      ['svc', 'service'],
      ['root', 'admin'],
    ] as const) {
      tokens[sub] = await mintToken({ secret: SECRET, sub, role });
    }
    const items = ['a', 'b', 'c', 'd'].map((id, k) => ({
      id,
      title: `Item ${id}`,
      category: k < 2 ? 'Lamps' : 'Films',
    }));
    expect(
      (await gql('svc', `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items })).errors,
    ).toBeUndefined();
    await gql(
      'gone',
      `mutation { upsertUser(input: { id: "gone", onboardingText: "${ONBOARDING}", attributes: { city: "Springfield" } }) { id } }`,
    );
    for (const [u, i, e] of [
      ['gone', 'a', 'g1'],
      ['gone', 'b', 'g2'],
      ['gone', 'c', 'g3'],
      ['stay', 'c', 's1'],
      ['stay', 'd', 's2'],
    ]) {
      expect((await gql(u!, REC, { u, i, e, t: u === 'gone' ? PRIVATE : 'fine' })).errors).toBeUndefined();
    }
  });
  afterAll(async () => server?.stop());

  it('exports everything stored to the user itself or an admin, and to no one else', async () => {
    const own = await gql('gone', `{ user(id: "gone") { export } }`);
    const exported = own.data!.user.export;
    expect(exported.user).toMatchObject({
      id: 'gone',
      onboardingText: ONBOARDING,
      attributes: { city: 'Springfield' },
    });
    expect(exported.behaviors.map((b: { eventId: string; text: string }) => [b.eventId, b.text])).toEqual([
      ['g1', PRIVATE],
      ['g2', PRIVATE],
      ['g3', PRIVATE],
    ]);
    expect(exported.profile).toMatchObject({ userId: 'gone', version: expect.any(Number) });
    expect(exported.profileVersions.length).toBe(await server.services.store.countProfileVersions('gone'));
    expect((await gql('root', `{ user(id: "gone") { export } }`)).data!.user.export.behaviors).toHaveLength(3);
    expect((await gql('stay', `{ user(id: "gone") { export } }`)).errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await gql('svc', `{ user(id: "gone") { export } }`)).errors![0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('erases the user in every table and in the live model, which then equals a model rebuilt from the log', async () => {
    expect((await gql('stay', `mutation { deleteUser(id: "gone") { deleted } }`)).errors![0]!.extensions.code).toBe(
      'FORBIDDEN',
    );
    expect((await gql('svc', `mutation { deleteUser(id: "gone") { deleted } }`)).errors![0]!.extensions.code).toBe(
      'FORBIDDEN',
    );
    const before = await server.services.store.tableCounts();
    const statsBefore = server.services.model.memoryStats();
    const versions = await server.services.store.countProfileVersions('gone');
    const res = await gql(
      'gone',
      `mutation { deleteUser(id: "gone") { userId deleted behaviors profileVersions profiles } }`,
    );
    expect(res.data!.deleteUser).toEqual({
      userId: 'gone',
      deleted: true,
      behaviors: 3,
      profileVersions: versions,
      profiles: 1,
    });
    const after = await server.services.store.tableCounts();
    expect(after).toEqual({
      ...before,
      users: before.users! - 1,
      behaviors: before.behaviors! - 3,
      profiles: before.profiles! - 1,
      profileVersions: before.profileVersions! - versions,
    });
    expect((await gql('root', `{ user(id: "gone") { id export } }`)).data!.user).toBeNull();
    expect(server.services.model.memoryStats().users).toBe(statsBefore.users - 1);

    // A server started on the same database rebuilds its model from the remaining log: the live one must agree.
    const fresh = await startTestServer(
      provider,
      { AUTH_JWT_SECRET: SECRET },
      { url: server.db.url, drop: async () => {} },
    );
    try {
      const ask = async (s: TestServer, query: string, variables?: Record<string, unknown>) =>
        (
          await fetch(s.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.root}` },
            body: JSON.stringify({ query, variables }),
          })
        ).json();
      for (const [q, v] of [
        [SIMILAR, { i: 'a' }],
        [SIMILAR, { i: 'c' }],
        [RECS, undefined],
      ] as const) {
        expect(await ask(server, q, v)).toEqual(await ask(fresh, q, v));
      }
      expect(server.services.model.memoryStats()).toEqual(fresh.services.model.memoryStats());
    } finally {
      await fresh.close();
    }
    // The log mentions the erasure without the user's id or anything they wrote.
    const text = logs.join('\n');
    expect(text).toMatch(/erased user [0-9a-f]{12}: 3 behaviours/);
    for (const secret of [PRIVATE, ONBOARDING, 'Springfield', 'user gone']) expect(text).not.toContain(secret);
  });

  it('treats a later event with an erased event id as new', async () => {
    const again = await gql('gone', REC, { u: 'gone', i: 'a', e: 'g1', t: 'back again' });
    expect(again.data!.recordBehavior).toEqual({ duplicate: false });
    expect(await server.services.store.countBehaviors('gone')).toBe(1);
    const unknown = await gql('root', `mutation { deleteUser(id: "never-was") { deleted behaviors } }`);
    expect(unknown.data!.deleteUser).toEqual({ deleted: false, behaviors: 0 });
  });
});
