// The write path of ProfileService without HTTP, on SQLite and PostgreSQL: optimistic-conflict retries, the batch
// fallback to one by one, late events, duplicates, and the order of feeding the recommender and publishing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeProfileState, decodeProfileState } from '../../src/domain/profile/index.js';
import { createServices, type Services } from '../../src/services/index.js';
import type { BehaviorInputData } from '../../src/services/validation.js';
import { loadConfig } from '../../src/config.js';
import { VersionConflictError } from '../../src/store/errors.js';
import type { StoreTx } from '../../src/store/types.js';
import { freshDatabase, providers, type TestDatabase } from '../helpers/server.js';

const HOUR = 3_600_000;
const ITEMS = [
  { id: 'sf', title: 'Starship Voyage', category: 'Sci-Fi', tags: ['space'], description: 'Starships, aliens.' },
  { id: 'doc', title: 'Nature Diaries', category: 'Documentary', tags: ['nature'], description: 'Wildlife.' },
  { id: 'pan', title: 'Cast iron pan', category: 'Cookware', tags: ['kitchen'], description: 'Heavy skillet.' },
];
const T0 = Date.now() - 100 * HOUR;
const at = (h: number) => new Date(T0 + h * HOUR);

describe.each(await providers())('ProfileService write path on %s', (provider) => {
  let db: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    db = freshDatabase(provider);
    const env = { DATABASE_URL: db.url, LOG_LEVEL: 'silent', PROFILE_LOCKING: 'optimistic' };
    services = await createServices(loadConfig({ ...env, PROFILE_SNAPSHOT_EVERY: '3' }));
    await services.catalog.upsertItems(ITEMS);
  });
  afterAll(async () => {
    await services?.close();
    await db?.drop();
  });

  const record = (input: BehaviorInputData) => services.profiles.recordBehavior(input);
  const storedBytes = async (userId: string) => (await services.store.getProfile(userId))!.state;
  const replayBytes = async (userId: string) => encodeProfileState(await services.profiles.replayFromLog(userId));

  it('retries the unit of work when the save meets a version conflict, and writes the event once', async () => {
    await record({ userId: 'conflict', eventId: 'c1', itemId: 'sf', type: 'CLICK', occurredAt: at(1) });
    const { store } = services;
    const transaction = store.transaction.bind(store);
    let conflicts = 0;
    // The first save of this unit of work finds the profile saved by someone else.
    store.transaction = (fn) =>
      transaction((tx) =>
        fn({
          ...tx,
          saveProfile: async (...args: Parameters<StoreTx['saveProfile']>) => {
            if (conflicts++ === 0) throw new VersionConflictError(args[0].userId, args[1]);
            return tx.saveProfile(...args);
          },
        }),
      );
    try {
      const r = await record({ userId: 'conflict', eventId: 'c2', itemId: 'doc', type: 'CLICK', occurredAt: at(2) });
      expect(r).toMatchObject({ duplicate: false, profile: { version: 2, eventCount: 2 } });
    } finally {
      store.transaction = transaction;
    }
    expect(conflicts).toBe(2);
    expect(await store.countBehaviors('conflict')).toBe(2);
    expect(await store.countProfileVersions('conflict')).toBe(2);
    expect(await storedBytes('conflict')).toEqual(await replayBytes('conflict'));
  });

  it('answers a retried event id with duplicate: true and the original, writing nothing', async () => {
    const first = await record({ userId: 'dup', eventId: 'd1', itemId: 'pan', type: 'PURCHASE', occurredAt: at(1) });
    const counts = await services.store.tableCounts();
    const again = await record({ userId: 'dup', eventId: 'd1', itemId: 'sf', type: 'CLICK', occurredAt: at(2) });
    expect(again.duplicate).toBe(true);
    expect(again.behavior).toEqual(first.behavior);
    expect(again.profile.version).toBe(first.profile.version);
    expect(await services.store.tableCounts()).toEqual(counts);
  });

  it('applies a late event by replay, equal to replayFromLog, with a snapshot on its version', async () => {
    // Reviews after the snapshot the replay starts from: their texts are encoded before the retried transaction.
    for (const h of [1, 2, 4, 5, 6, 7]) {
      const item = h % 2 ? 'sf' : 'doc';
      const reviewed = h === 4 || h === 5;
      const review = reviewed ? { type: 'REVIEW' as const, text: `review at ${h}` } : { type: 'CLICK' as const };
      await record({ userId: 'late', eventId: `l${h}`, itemId: item, ...review, occurredAt: at(h) });
    }
    const { store } = services;
    const transaction = store.transaction.bind(store);
    let transactions = 0;
    store.transaction = (fn) => (transactions++, transaction(fn));
    const text = 'a fine pan';
    const late = await record({
      userId: 'late',
      eventId: 'l3',
      itemId: 'pan',
      type: 'REVIEW',
      text,
      occurredAt: at(3),
    }).finally(() => (store.transaction = transaction));
    // The first transaction met the reviews' texts unencoded, rolled back, and ran again once they were encoded.
    expect(transactions).toBe(2);
    expect(late.profile).toMatchObject({ version: 7, eventCount: 7 });
    expect(await storedBytes('late')).toEqual(await replayBytes('late'));
    const versions = (await services.store.listProfileVersions('late', 10, null)).rows;
    expect(versions[0]).toMatchObject({ version: 7, behaviorId: late.behavior.seq });
    expect(versions[0]!.snapshot).not.toBeNull();
    // Snapshots taken after the late event's time were stale and are gone.
    expect(versions.filter((v) => v.asOf > at(3) && v.version < 7 && v.snapshot)).toEqual([]);
  });

  it('records a batch of one user with a retried event id one by one', async () => {
    await record({ userId: 'batchdup', eventId: 'b1', itemId: 'sf', type: 'CLICK', occurredAt: at(1) });
    const results = await services.profiles.recordBehaviors([
      { userId: 'batchdup', eventId: 'b2', itemId: 'doc', type: 'CLICK', occurredAt: at(2) },
      { userId: 'batchdup', eventId: 'b1', itemId: 'sf', type: 'CLICK', occurredAt: at(1) },
      { userId: 'batchdup', eventId: 'b3', itemId: 'pan', type: 'CLICK', occurredAt: at(3) },
    ]);
    expect(results.map((r) => [r.behavior.eventId, r.duplicate, r.profile.eventCount])).toEqual([
      ['b2', false, 2],
      ['b1', true, 2],
      ['b3', false, 3],
    ]);
    expect(await services.store.countBehaviors('batchdup')).toBe(3);
    expect(await storedBytes('batchdup')).toEqual(await replayBytes('batchdup'));
  });

  it('records a batch with a late event one by one, equal to replayFromLog', async () => {
    await record({ userId: 'batchlate', eventId: 'x5', itemId: 'sf', type: 'CLICK', occurredAt: at(5) });
    const results = await services.profiles.recordBehaviors([
      { userId: 'batchlate', eventId: 'x6', itemId: 'doc', type: 'CLICK', occurredAt: at(6) },
      { userId: 'batchlate', eventId: 'x2', itemId: 'pan', type: 'REVIEW', text: 'late but loved', occurredAt: at(2) },
    ]);
    const shown = results.map((r) => [r.behavior.eventId, r.duplicate, r.profile.version]);
    expect(shown).toEqual([
      ['x6', false, 2],
      ['x2', false, 3],
    ]);
    expect(decodeProfileState(await storedBytes('batchlate')).eventCount).toBe(3);
    expect(await storedBytes('batchlate')).toEqual(await replayBytes('batchlate'));
  });

  it("keeps one call's late and retried events from changing a concurrent call's outcome", async () => {
    await record({ userId: 'iso-late', eventId: 'l5', itemId: 'sf', type: 'CLICK', occurredAt: at(5) });
    const [late, retried, plain] = await Promise.all([
      services.profiles.recordBehaviors([
        { userId: 'iso-late', eventId: 'l2', itemId: 'doc', type: 'CLICK', occurredAt: at(2) },
      ]),
      services.profiles.recordBehaviors([
        { userId: 'iso-late', eventId: 'l5', itemId: 'sf', type: 'CLICK', occurredAt: at(5) },
      ]),
      services.profiles.recordBehaviors([
        { userId: 'iso-plain', eventId: 'p1', itemId: 'pan', type: 'CLICK', occurredAt: at(1) },
      ]),
    ]);
    expect(late.map((r) => [r.behavior.eventId, r.duplicate, r.profile.eventCount])).toEqual([['l2', false, 2]]);
    expect(retried.map((r) => [r.behavior.eventId, r.duplicate])).toEqual([['l5', true]]);
    expect(plain.map((r) => [r.behavior.eventId, r.duplicate, r.profile.version])).toEqual([['p1', false, 1]]);
    expect(await services.store.countBehaviors('iso-late')).toBe(2);
    expect(await storedBytes('iso-late')).toEqual(await replayBytes('iso-late'));
  });

  it("reports one call's unknown item to that call only", async () => {
    const bad = services.profiles.recordBehaviors([
      { userId: 'iso-ok', eventId: 'k1', itemId: 'no-such-item', type: 'CLICK', occurredAt: at(1) },
    ]);
    const good = services.profiles.recordBehaviors([
      { userId: 'iso-ok', eventId: 'k2', itemId: 'sf', type: 'CLICK', occurredAt: at(1) },
    ]);
    await expect(bad).rejects.toMatchObject({ extensions: { code: expect.any(String) } });
    expect((await good).map((r) => r.behavior.eventId)).toEqual(['k2']);
  });

  it('runs overlapping batches and single writes of the same users to completion, equal to the rebuild', async () => {
    const ev = (userId: string, n: number) => ({ userId, eventId: `e${n}`, itemId: 'sf', type: 'CLICK' as const });
    // Users in opposite orders: a batch takes its users' locks in sorted order, so none waits on another in a cycle.
    const users = (n: number) => (n % 2 ? ['ov-a', 'ov-b'] : ['ov-b', 'ov-a']);
    const batches = Array.from({ length: 6 }, (_, n) => users(n).map((u) => ev(u, n)));
    await Promise.all([
      ...batches.map((b) => services.profiles.recordBehaviors(b)),
      ...[10, 11, 12].map((n) => record(ev(n % 2 ? 'ov-a' : 'ov-b', n))),
    ]);
    for (const userId of ['ov-a', 'ov-b']) {
      const row = (await services.store.getProfile(userId))!;
      expect(row.eventCount).toBe(await services.store.countBehaviors(userId));
      expect(row.state).toEqual(await replayBytes(userId));
    }
  });

  it('feeds the recommender before it publishes, in event-time order for a batch', async () => {
    const { recommendations, events } = services;
    const log: string[] = [];
    const observe = recommendations.observe.bind(recommendations);
    const publish = events.publishProfileUpdate.bind(events);
    recommendations.observe = (event, attributes) => {
      log.push(`fed ${event.eventId}`);
      observe(event, attributes);
    };
    events.publishProfileUpdate = (update) => {
      log.push(`published ${update.userId} v${update.version}`);
      publish(update);
    };
    try {
      await record({ userId: 'order', eventId: 'o1', itemId: 'sf', type: 'CLICK', occurredAt: at(1) });
      expect(log).toEqual(['fed o1', 'published order v1']);
      log.length = 0;
      await services.profiles.recordBehaviors([
        { userId: 'order-b', eventId: 'p3', itemId: 'doc', type: 'CLICK', occurredAt: at(3) },
        { userId: 'order', eventId: 'o2', itemId: 'doc', type: 'CLICK', occurredAt: at(2) },
        { userId: 'order-b', eventId: 'p2', itemId: 'sf', type: 'CLICK', occurredAt: at(2) },
      ]);
      // Fed in event-time order, ties in input order; published only once the whole batch is fed.
      expect(log.slice(0, 3)).toEqual(['fed o2', 'fed p2', 'fed p3']);
      expect(log.slice(3).sort()).toEqual(['published order v2', 'published order-b v1', 'published order-b v2']);
    } finally {
      recommendations.observe = observe;
      events.publishProfileUpdate = publish;
    }
  });

  it('delivers to a subscriber only once the recommender has the event', async () => {
    const { events, model } = services;
    const iterator = events.pubSub.subscribe('PROFILE_UPDATED', 'seen')[Symbol.asyncIterator]();
    const received = iterator.next();
    const usersBefore = model.memoryStats().users;
    let usersWhenPublished = -1;
    const publish = events.publishProfileUpdate.bind(events);
    events.publishProfileUpdate = (update) => {
      usersWhenPublished = model.memoryStats().users;
      publish(update);
    };
    try {
      await record({ userId: 'seen', eventId: 's1', itemId: 'pan', type: 'PURCHASE', occurredAt: at(1) });
    } finally {
      events.publishProfileUpdate = publish;
    }
    expect((await received).value).toMatchObject({ userId: 'seen', version: 1 });
    await iterator.return?.();
    expect(usersWhenPublished).toBe(usersBefore + 1);
  });
});
