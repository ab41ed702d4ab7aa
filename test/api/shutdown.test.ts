// Graceful shutdown: SIGTERM while a recordBehaviors request is in flight lets it finish (its transaction commits
// and the client gets its answer) before the process exits.
import { describe, expect, it } from 'vitest';
import { openStore, parseDatabaseUrl } from '../../src/store/index.js';
import { freshDatabase, startChildServer } from '../helpers/server.js';

describe('SIGTERM', () => {
  it('drains the in-flight write, snapshots the recommender, then exits 0', async () => {
    const db = freshDatabase('sqlite');
    // NODE_ENV as a deployment has it, not vitest's 'test': libraries behave differently under 'test' (Apollo
    // Server installs its own signal handlers outside it, which once killed the process before the services closed).
    const server = await startChildServer({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', NODE_ENV: 'development' });
    try {
      const items = [{ id: 'g1', title: 'Graceful film', category: 'Drama' }];
      expect(
        (await server.gql(`mutation($i: [ItemInput!]!) { upsertItems(items: $i) { count } }`, { i: items })).errors,
      ).toBeUndefined();
      const inputs = Array.from({ length: 400 }, (_, k) => ({
        userId: `g${k % 200}`,
        eventId: `e${k}`,
        itemId: 'g1',
        type: 'VIEW',
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, k)).toISOString(),
      }));
      const inFlight = server.gql(
        `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
        {
          inputs,
        },
      );
      await new Promise((r) => setTimeout(r, 30));
      const stopped = server.stop();
      const res = await inFlight;
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ recordBehaviors: { count: 400 } });
      // Exit 0: the shutdown handler ran to its end.
      expect(await stopped).toBe(0);
      const store = await openStore(parseDatabaseUrl(db.url));
      const counts = await store.tableCounts();
      const snapshot = await store.latestRecommenderSnapshotInfo();
      await store.close();
      expect(counts).toMatchObject({ behaviors: 400, profiles: 200, profileVersions: 400 });
      // The shutdown wrote the recommender snapshot covering the drained write, so the next start replays nothing.
      expect(snapshot?.behaviorSeq).toBe(400);
    } finally {
      await server.stop();
      await db.drop();
    }
  }, 60_000);
});
