// Storage conflicts surface as typed errors from the store, on SQLite and PostgreSQL: services never read
// driver codes.
import { describe, expect, it } from 'vitest';
import { DuplicateEventError, VersionConflictError } from '../../src/store/errors.js';
import type { ProfileRow } from '../../src/store/types.js';
import { providers, useMigratedStore } from '../helpers/server.js';

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
  const db = useMigratedStore(provider);

  it('throws DuplicateEventError when the same (userId, eventId) is inserted twice', async () => {
    await db.store.transaction((tx) => tx.insertBehavior(event('e1')));
    const again = db.store.transaction((tx) => tx.insertBehavior(event('e1')));
    await expect(again).rejects.toBeInstanceOf(DuplicateEventError);
    await expect(again).rejects.toMatchObject({ userId: 'u1', eventIds: ['e1'] });
    expect(await db.store.countBehaviors('u1')).toBe(1);
  });

  it('throws DuplicateEventError from a grouped insert containing a recorded event, inserting none of it', async () => {
    const group = db.store.transaction((tx) => tx.insertBehaviors([event('e2'), event('e1')]));
    await expect(group).rejects.toBeInstanceOf(DuplicateEventError);
    expect(await db.store.countBehaviors('u1')).toBe(1);
  });

  it('accepts the same eventId for another user', async () => {
    await db.store.transaction((tx) => tx.insertBehavior({ ...event('e1'), userId: 'u2' }));
    expect(await db.store.countBehaviors('u2')).toBe(1);
  });

  it('throws VersionConflictError for a stale save, and for creating a profile that exists', async () => {
    await db.store.transaction((tx) => tx.saveProfile(profile(1), null, null));
    await db.store.transaction((tx) => tx.saveProfile(profile(2), 1, 1));
    const stale = db.store.transaction((tx) => tx.saveProfile(profile(2), 1, 1));
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    const created = db.store.transaction((tx) => tx.saveProfile(profile(1), null, null));
    await expect(created).rejects.toBeInstanceOf(VersionConflictError);
    expect((await db.store.getProfile('u1'))!.version).toBe(2);
  });
});
