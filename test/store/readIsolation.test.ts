// The logs the followers read (src/store/logOps.ts) show only committed entries, on SQLite and PostgreSQL. On SQLite
// the write path holds its transaction open across awaits; a follower's read on that same connection saw the
// uncommitted rows, so a rolled-back batch could reach the recommender and its sequence numbers be reused.
import { describe, expect, it } from 'vitest';
import { providers, useMigratedStore } from '../helpers/server.js';

const event = (eventId: string) => ({
  eventId,
  userId: 'iso',
  itemId: null,
  type: 'CLICK' as const,
  value: null,
  text: null,
  occurredAt: 1_000,
});

describe.each(await providers())('log reads on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('never see the rows of a transaction that is still open, nor of one rolled back', async () => {
    const before = await db.store.logHeads();
    let seenInside: { rows: number; head: number } | null = null;
    const rolledBack = db.store.transaction(async (tx) => {
      await tx.ensureUser('iso');
      await tx.insertBehaviors([event('open-1'), event('open-2')]);
      // Another request's follower catch-up runs while this transaction waits on something else.
      const [rows, heads] = await Promise.all([db.store.behaviorsAfter(before.behaviors, 100), db.store.logHeads()]);
      seenInside = { rows: rows.length, head: heads.behaviors };
      throw new Error('rolled back on purpose');
    });
    await expect(rolledBack).rejects.toThrow('rolled back on purpose');
    expect(seenInside).toEqual({ rows: 0, head: before.behaviors });
    expect(await db.store.behaviorsAfter(before.behaviors, 100)).toEqual([]);

    // Committed rows are seen as soon as the transaction has committed.
    await db.store.transaction(async (tx) => {
      await tx.ensureUser('iso');
      await tx.insertBehaviors([event('kept-1')]);
    });
    const after = await db.store.behaviorsAfter(before.behaviors, 100);
    expect(after.map((b) => b.eventId)).toEqual(['kept-1']);
  });
});
