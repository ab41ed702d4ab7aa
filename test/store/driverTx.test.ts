// The multi-row writes run on the driver adapter's transaction that Prisma opened for Store.transaction
// (src/store/driverTx.ts), found by a marker query. With several transactions open at once (PostgreSQL: one pooled connection each), each
// one's writes must land in its own transaction: committed with it, or rolled back with it.
import { describe, expect, it } from 'vitest';
import type { NewBehaviorEvent } from '../../src/domain/types.js';
import { providers, useMigratedStore } from '../helpers/server.js';

const event = (userId: string, eventId: string): NewBehaviorEvent => ({
  eventId,
  userId,
  itemId: null,
  type: 'CLICK',
  value: null,
  text: null,
  occurredAt: 1_000,
});

describe.each(await providers())('driver transactions on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('keep concurrent units of work apart: each commits or rolls back its own rows', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `dtx-${i}`);
    const outcomes = await Promise.allSettled(
      users.map((userId, i) =>
        db.store.transaction(async (tx) => {
          await tx.ensureUsers([userId]);
          await tx.insertBehaviors([event(userId, 'a'), event(userId, 'b')]);
          // Interleave with the other transactions before deciding.
          await new Promise((r) => setTimeout(r, 5 * (users.length - i)));
          await tx.insertBehaviors([event(userId, 'c')]);
          if (i % 2 === 1) throw new Error(`rolled back ${userId}`);
          return userId;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(users.map((_, i) => (i % 2 ? 'rejected' : 'fulfilled')));
    for (const [i, userId] of users.entries()) {
      const rows = await db.store.listBehaviors(userId, 10, null);
      expect(rows.rows.map((b) => b.eventId).sort()).toEqual(i % 2 ? [] : ['a', 'b', 'c']);
    }
  });

  it('refuse multi-row writes outside a transaction', async () => {
    const tx = db.store as unknown as { insertBehaviors?: (rows: NewBehaviorEvent[]) => Promise<unknown> };
    await expect(tx.insertBehaviors!([event('dtx-out', 'x')])).rejects.toThrow(/inside Store.transaction/);
  });
});
