// Social ties and value tendency (issue #16) through the API, on SQLite and PostgreSQL: recordRelation (auth,
// idempotency, versions, replay equality with behaviours interleaved), the social facet and source, the value
// facets, and erasure and export of ties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/token.js';
import { encodeProfileState } from '../../src/domain/profile/index.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'social-test-secret-0123456789abcdef';
const T = (h: number) => new Date(Date.UTC(2026, 0, 5) + h * 3_600_000).toISOString();

const RELATE = `mutation($input: RelationInput!) { recordRelation(input: $input) {
  duplicate relation { id eventId userId otherUserId type occurredAt }
  profile { version summary facets(kind: "social") { value weight } } } }`;
const BEHAVE = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { profile { version } } }`;

describe.each(await providers())('social ties and value tendency on %s', (provider) => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const as = async (who: string, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions: { code: string } }> };
  };
  const ok = async (who: string, query: string, variables?: Record<string, unknown>) => {
    const res = await as(who, query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const relate = (who: string, input: Record<string, unknown>) => ok(who, RELATE, { input });
  const behave = (input: Record<string, unknown>) => ok('svc', BEHAVE, { input });
  const storedEqualsReplay = async (userId: string) => {
    const row = await server.services.store.getProfile(userId);
    const replayed = await server.services.profiles.replayFromLog(userId);
    expect(Buffer.from(row!.state)).toEqual(Buffer.from(encodeProfileState(replayed)));
  };

  beforeAll(async () => {
    server = await startTestServer(provider, { AUTH_JWT_SECRET: SECRET, RECOMMEND_EXPLORE: '0' });
    for (const [sub, role] of [
      ['alice', 'user'],
      ['bob', 'user'],
      ['svc', 'service'],
      ['root', 'admin'],
    ] as const)
      tokens[sub] = await mintToken({ secret: SECRET, sub, role });
    const items = [
      ['x1', 'Kettles', 90],
      ['x2', 'Kettles', 40],
      ['x3', 'Kettles', 15],
      ['y1', 'Films', 10],
      ['y2', 'Films', 12],
      ['z1', 'Books', 20],
    ].map(([id, category, price]) => ({ id, title: `Item ${id}`, category, price, brand: 'Acme' }));
    await ok('svc', `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items });
    await ok(
      'svc',
      `mutation { upsertUser(input: { id: "bob", attributes: { shareActivity: true, displayName: "Bob" } }) { id } }`,
    );
    await ok('svc', `mutation { upsertUser(input: { id: "carol", attributes: { shareActivity: false } }) { id } }`);
  });
  afterAll(async () => server?.stop());

  it('recordRelation follows the recordBehavior rule: a user token only for its own userId', async () => {
    const input = { userId: 'bob', otherUserId: 'alice', type: 'FOLLOW', eventId: 'nope' };
    expect((await as('alice', RELATE, { input })).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const self = await as('alice', RELATE, { input: { ...input, userId: 'alice', otherUserId: 'alice' } });
    expect(self.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('is idempotent by (userId, eventId), versioned, and shows in the social facet and summary', async () => {
    const first = await relate('alice', {
      userId: 'alice',
      otherUserId: 'bob',
      type: 'FOLLOW',
      eventId: 'f1',
      occurredAt: T(1),
    });
    const again = await relate('alice', {
      userId: 'alice',
      otherUserId: 'bob',
      type: 'FOLLOW',
      eventId: 'f1',
      occurredAt: T(1),
    });
    expect(again.recordRelation.duplicate).toBe(true);
    expect(again.recordRelation.relation.id).toBe(first.recordRelation.relation.id);
    expect(again.recordRelation.profile.version).toBe(first.recordRelation.profile.version);
    const second = await relate('alice', {
      userId: 'alice',
      otherUserId: 'carol',
      type: 'FOLLOW',
      eventId: 'f2',
      occurredAt: T(2),
    });
    expect(second.recordRelation.profile.version).toBe(first.recordRelation.profile.version + 1);
    expect(second.recordRelation.profile.facets).toEqual([
      { value: 'following', weight: 2 },
      { value: 'blocked', weight: 0 },
      { value: 'followers', weight: 0 },
    ]);
    expect(second.recordRelation.profile.summary).toContain('follows 2 people');
    const bob = await ok('bob', `{ user(id: "bob") { id } }`);
    expect(bob.user.id).toBe('bob');
  });

  it('behaviours and relations interleaved, some late: stored == replay == rebuild, bit for bit', async () => {
    await behave({ userId: 'alice', itemId: 'x3', type: 'PURCHASE', eventId: 'b1', occurredAt: T(3) });
    await relate('alice', { userId: 'alice', otherUserId: 'mallory', type: 'FOLLOW', eventId: 'f3', occurredAt: T(4) });
    await behave({ userId: 'alice', itemId: 'x1', type: 'VIEW', eventId: 'b2', occurredAt: T(5) });
    // A late relation (before f3) and a late behaviour (before b2).
    await relate('alice', { userId: 'alice', otherUserId: 'dave', type: 'FOLLOW', eventId: 'f4', occurredAt: T(3.5) });
    await behave({ userId: 'alice', itemId: 'x2', type: 'VIEW', eventId: 'b3', occurredAt: T(4.5) });
    await relate('alice', { userId: 'alice', otherUserId: 'mallory', type: 'BLOCK', eventId: 'f5', occurredAt: T(6) });
    await behave({ userId: 'alice', itemId: 'x3', type: 'PURCHASE', eventId: 'b4', occurredAt: T(7) });
    await storedEqualsReplay('alice');
    const before = await server.services.store.getProfile('alice');
    await ok('root', `mutation { rebuildProfile(userId: "alice") { version } }`);
    const after = await server.services.store.getProfile('alice');
    expect(Buffer.from(after!.state)).toEqual(Buffer.from(before!.state));
    // As of a past time, only the relations up to it count (f1, f2, f4; not f3, f5).
    const past = await ok(
      'alice',
      `query($t: DateTime) { user(id: "alice") { profile(asOf: $t) { facets(kind: "social") { value weight } } } }`,
      {
        t: T(3.75),
      },
    );
    expect(past.user.profile.facets.slice(0, 2)).toEqual([
      { value: 'following', weight: 3 },
      { value: 'blocked', weight: 0 },
    ]);
    const social = await ok('alice', `{ user(id: "alice") { profile { facets(kind: "social") { value weight } } } }`);
    expect(social.user.profile.facets).toEqual([
      { value: 'following', weight: 3 },
      { value: 'blocked', weight: 1 },
      { value: 'followers', weight: 0 },
    ]);
  });

  it('the value facets: price sensitivity from bought vs browsed bands, brand loyalty, novelty', async () => {
    const res = await ok(
      'alice',
      `{ user(id: "alice") { profile { summary facets(kind: "value") { value weight } } } }`,
    );
    const value = Object.fromEntries(
      res.user.profile.facets.map((f: { value: string; weight: number }) => [f.value, f.weight]),
    );
    // Bought in 10-50 (band 1); browsed 90 and 40 (bands 2 and 1, about equal weight): half a band lower.
    expect(value.price_sensitivity).toBeCloseTo(0.5, 2);
    expect(value.brand_loyalty).toBeUndefined(); // two liking events: not enough evidence yet
    expect(res.user.profile.summary).toContain('price-sensitive');
  });

  it('recommends what followed users liked, naming only those who share; blocked users never count', async () => {
    await behave({ userId: 'bob', itemId: 'y1', type: 'PURCHASE', eventId: 'bob-1' });
    await behave({ userId: 'carol', itemId: 'z1', type: 'PURCHASE', eventId: 'carol-1' });
    await behave({ userId: 'mallory', itemId: 'y2', type: 'PURCHASE', eventId: 'mal-1' });
    const recs = await ok(
      'alice',
      `{ user(id: "alice") { recommendations(first: 6, explore: 0) { item { id } reasons { kind text value } } } }`,
    );
    const following = (id: string) =>
      recs.user.recommendations
        .find((r: { item: { id: string } }) => r.item.id === id)
        ?.reasons.find((r: { kind: string }) => r.kind === 'FOLLOWING');
    expect(following('y1')).toEqual({ kind: 'FOLLOWING', text: 'Bob, whom you follow, liked this', value: 'bob' });
    expect(following('z1')).toEqual({ kind: 'FOLLOWING', text: 'Someone you follow liked this', value: null });
    expect(following('y2')).toBeUndefined();
    const bob = await ok('bob', `{ user(id: "bob") { profile { facets(kind: "social") { value weight } } } }`);
    expect(bob.user.profile.facets).toEqual([{ value: 'followers', weight: 1 }]);
    // Carol blocks alice: alice, who still follows her, no longer sees her activity.
    await relate('svc', { userId: 'carol', otherUserId: 'alice', type: 'BLOCK', eventId: 'cb1' });
    const after = await ok(
      'alice',
      `{ user(id: "alice") { recommendations(first: 6, explore: 0) { item { id } reasons { kind text } } } }`,
    );
    const reasons = after.user.recommendations.flatMap(
      (r: { reasons: Array<{ kind: string; text: string }> }) => r.reasons,
    );
    expect(
      reasons.filter((r: { kind: string }) => r.kind === 'FOLLOWING').map((r: { text: string }) => r.text),
    ).toEqual(['Bob, whom you follow, liked this']);
  });

  it('export includes ties; deleting a user erases their ties both ways and refolds the other profiles', async () => {
    await relate('bob', { userId: 'bob', otherUserId: 'carol', type: 'FOLLOW', eventId: 'bf1' });
    const exported = (await ok('bob', `{ user(id: "bob") { export } }`)).user.export;
    expect(exported.relations.map((r: { otherUserId: string }) => r.otherUserId)).toEqual(['carol']);
    expect(exported.relationsToUser.map((r: { userId: string; type: string }) => [r.userId, r.type])).toEqual([
      ['alice', 'FOLLOW'],
    ]);
    const erased = await ok('bob', `mutation { deleteUser(id: "bob") { deleted relations } }`);
    expect(erased.deleteUser).toEqual({ deleted: true, relations: 2 });
    const alice = await server.services.store.getProfile('alice');
    const { decodeProfileState } = await import('../../src/domain/profile/index.js');
    expect(decodeProfileState(alice!.state).social.following).not.toContain('bob');
    await storedEqualsReplay('alice');
    const aliceExport = (await ok('alice', `{ user(id: "alice") { export } }`)).user.export;
    expect(aliceExport.relations.some((r: { otherUserId: string }) => r.otherUserId === 'bob')).toBe(false);
    expect(aliceExport.relations.length).toBe(4); // f1 (alice -> bob) went with bob
  });
});
