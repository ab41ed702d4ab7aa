// Storage conflicts surface as typed errors from the store, on SQLite and PostgreSQL: services never read
// driver codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateEventError, VersionConflictError } from '../../src/store/errors.js';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/index.js';
import type { ProfileRow } from '../../src/store/types.js';
import { freshDatabase, providers, type TestDatabase } from '../helpers/server.js';

const event = (eventId: string) => ({
  eventId,
  userId: 'u1',
  itemId: null,
  type: 'CLICK' as const,
  value: null,
  text: null,
  occurredAt: 1_000,
});
const profile = (version: number): ProfileRow => ({
  userId: 'u1',
  version,
  eventCount: version,
  state: new Uint8Array([version]),
  summary: '',
  drift: null,
  driftShort: null,
  changedFacets: [],
  updatedAt: new Date(),
});

describe.each(await providers())('store conflicts on %s', (provider) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = freshDatabase(provider);
    const target = parseDatabaseUrl(db.url);
    await migrate(target, () => {});
    store = await openStore(target);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('throws DuplicateEventError when the same (userId, eventId) is inserted twice', async () => {
    await store.transaction((tx) => tx.insertBehavior(event('e1')));
    const again = store.transaction((tx) => tx.insertBehavior(event('e1')));
    await expect(again).rejects.toBeInstanceOf(DuplicateEventError);
    await expect(again).rejects.toMatchObject({ userId: 'u1', eventIds: ['e1'] });
    expect(await store.countBehaviors('u1')).toBe(1);
  });

  it('throws DuplicateEventError from a grouped insert containing a recorded event, inserting none of it', async () => {
    const group = store.transaction((tx) => tx.insertBehaviors([event('e2'), event('e1')]));
    await expect(group).rejects.toBeInstanceOf(DuplicateEventError);
    expect(await store.countBehaviors('u1')).toBe(1);
  });

  it('accepts the same eventId for another user', async () => {
    await store.transaction((tx) => tx.insertBehavior({ ...event('e1'), userId: 'u2' }));
    expect(await store.countBehaviors('u2')).toBe(1);
  });

  it('throws VersionConflictError for a stale save, and for creating a profile that exists', async () => {
    await store.transaction((tx) => tx.saveProfile(profile(1), null, null));
    await store.transaction((tx) => tx.saveProfile(profile(2), 1, 1));
    const stale = store.transaction((tx) => tx.saveProfile(profile(2), 1, 1));
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    const created = store.transaction((tx) => tx.saveProfile(profile(1), null, null));
    await expect(created).rejects.toBeInstanceOf(VersionConflictError);
    expect((await store.getProfile('u1'))!.version).toBe(2);
  });
});
