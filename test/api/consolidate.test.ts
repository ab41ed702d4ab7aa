// Periodic consolidation: re-decays profiles to now, forgets faded interests, writes versions where something
// changed; resumable from the last user it finished; a second pass at the same time changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProfileState } from '../../src/domain/profile/index.js';
import { consolidateProfiles, rebuildProfiles } from '../../src/services/profileJobs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const DAY = 86_400_000;

describe('profiles:consolidate', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.gql(`mutation { upsertItems(items: [
      { id: "pan", title: "Cast iron pan", category: "Cookware", tags: ["kitchen"], description: "Heavy skillet for searing and baking." }
      { id: "pot", title: "Stock pot", category: "Cookware", tags: ["kitchen"], description: "Large pot for soups and stock." }
      { id: "ghost", title: "Ghost Manor", category: "Horror", tags: ["ghosts"], description: "A haunted house full of restless spirits." }
    ]) { count } }`);
    const now = Date.now();
    // A horror interest 100 days ago, then a month of cookware.
    const inputs = [
      ...[0, 1, 2].map((i) => ({
        userId: `c${i}`,
        itemId: 'ghost',
        type: 'PURCHASE',
        occurredAt: new Date(now - 100 * DAY).toISOString(),
      })),
      ...[0, 1, 2].flatMap((i) =>
        [30, 20, 10].map((d) => ({
          userId: `c${i}`,
          itemId: d % 20 ? 'pan' : 'pot',
          type: 'PURCHASE',
          occurredAt: new Date(now - d * DAY).toISOString(),
        })),
      ),
    ];
    const res = await server.gql(
      `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
      { inputs },
    );
    expect(res.errors).toBeUndefined();
  });
  afterAll(async () => server?.stop());

  it('forgets faded interests, is resumable, and idempotent at the same time', async () => {
    const { profiles, store } = server.services;
    const now = Date.now() + 200 * DAY;
    const before = await server.gql<{ user: { profile: { version: number; interests: Array<{ label: string }> } } }>(
      `{ user(id: "c0") { profile { version interests { label } } } }`,
    );
    const controller = new AbortController();
    const progress: string[] = [];
    const first = await consolidateProfiles(profiles, store, {
      now,
      signal: controller.signal,
      onProgress: ({ lastUserId }) => {
        progress.push(lastUserId);
        if (lastUserId === 'c0') controller.abort();
      },
    });
    expect(first).toMatchObject({ stopped: true, lastUserId: 'c0', processed: 1 });
    const rest = await consolidateProfiles(profiles, store, { now, after: first.lastUserId });
    expect(rest).toMatchObject({ stopped: false, processed: 2, lastUserId: 'c2' });
    expect(first.versioned + rest.versioned).toBeGreaterThan(0);

    const after = await server.gql<{
      user: {
        profile: { version: number; interests: Array<{ label: string }> };
        profileHistory: { edges: Array<{ node: { changedFacets: Array<{ kind: string; value: string }> } }> };
      };
    }>(
      `{ user(id: "c0") { profile { version interests { label } } profileHistory(first: 1) { edges { node { changedFacets { kind value } } } } } }`,
    );
    expect(before.data!.user.profile.interests.map((i) => i.label).join()).toMatch(/Horror/);
    expect(after.data!.user.profile.version).toBe(before.data!.user.profile.version + 1);
    expect(after.data!.user.profile.interests.map((i) => i.label).join()).not.toMatch(/Horror/);
    expect(after.data!.user.profileHistory.edges[0]!.node.changedFacets).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'interest' })]),
    );
    // nothing left to forget at the same time
    expect((await consolidateProfiles(profiles, store, { now })).versioned).toBe(0);
    // a new event after consolidation still equals the rebuild
    const ev = await server.gql(
      `mutation { recordBehavior(input: { userId: "c0", itemId: "pot", type: VIEW }) { duplicate } }`,
    );
    expect(ev.errors).toBeUndefined();
    const row = await store.getProfile('c0');
    expect(row!.eventCount).toBe(5);
  });

  it('profiles:rebuild recomputes every profile from the log, as a new version each, and resumes', async () => {
    const { profiles, store } = server.services;
    const versionOf = async (id: string) => (await store.getProfile(id))!.version;
    const before = await Promise.all(['c0', 'c1', 'c2'].map(versionOf));
    const controller = new AbortController();
    const first = await rebuildProfiles(profiles, store, {
      signal: controller.signal,
      onProgress: ({ lastUserId }) => lastUserId === 'c1' && controller.abort(),
    });
    expect(first).toMatchObject({ stopped: true, lastUserId: 'c1', processed: 2 });
    const rest = await rebuildProfiles(profiles, store, { after: first.lastUserId });
    expect(rest).toMatchObject({ stopped: false, processed: 1, lastUserId: 'c2' });
    const after = await Promise.all(['c0', 'c1', 'c2'].map(versionOf));
    expect(after).toEqual(before.map((v) => v + 1));
    for (const id of ['c0', 'c1', 'c2']) {
      const stored = (await store.getProfile(id))!.state;
      const replayed = await profiles.replayFromLog(id);
      expect(stored).toEqual(encodeProfileState(replayed));
    }
  });
});
