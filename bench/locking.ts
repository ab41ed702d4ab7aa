// `npm run bench:locking`: two server processes on one PostgreSQL database writing the same users at once, with
// PROFILE_LOCKING=optimistic (version check on save, retry on conflict) and =lock (a per-user advisory lock for the
// transaction). Reports events/s and per-request latency; checks every count is exact.
import 'reflect-metadata';
import { freshDatabase, postgresAvailable, startChildServer, startTestServer } from '../test/helpers/server.js';
import { machine, percentile, round, writeResult } from './common.js';

if (!(await postgresAvailable())) throw new Error('bench:locking needs PostgreSQL (TEST_DATABASE_URL)');
const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { profile { eventCount } } }`;
const scenarios = [
  { name: 'one hot user', users: 1, events: 300 },
  { name: '20 users', users: 20, events: 300 },
];

const results: Record<string, unknown> = {};
for (const locking of ['optimistic', 'lock'] as const) {
  const db = freshDatabase('postgresql');
  const server = await startTestServer('postgresql', { PROFILE_LOCKING: locking }, db);
  await server.gql(
    `mutation { upsertItems(items: [{ id: "a", title: "A", category: "x" }, { id: "b", title: "B", category: "y" }]) { count } }`,
  );
  const child = await startChildServer({ DATABASE_URL: db.url, PROFILE_LOCKING: locking });
  try {
    const rows: Record<string, unknown> = {};
    for (const sc of scenarios) {
      const times: number[] = [];
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: sc.events }, async (_, i) => {
          const t0 = performance.now();
          const body = await (i % 2 ? server : child).gql(RECORD, {
            input: { userId: `${sc.name}-${locking}-${i % sc.users}`, itemId: i % 3 ? 'a' : 'b', type: 'CLICK' },
          });
          times.push(performance.now() - t0);
          return body.errors?.[0]?.extensions?.code ?? 'OK';
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      let total = 0;
      for (let u = 0; u < sc.users; u++)
        total += (await server.services.store.getProfile(`${sc.name}-${locking}-${u}`))?.eventCount ?? 0;
      times.sort((a, b) => a - b);
      rows[sc.name] = {
        events: sc.events,
        users: sc.users,
        eventsPerSecond: round(sc.events / seconds, 0),
        p50Ms: round(percentile(times, 50)),
        p99Ms: round(percentile(times, 99)),
        succeeded: outcomes.filter((o) => o === 'OK').length,
        conflicts: outcomes.filter((o) => o === 'CONFLICT').length,
        storedEventCount: total,
      };
      console.error(locking, sc.name, JSON.stringify(rows[sc.name]));
    }
    results[locking] = rows;
  } finally {
    await child.stop();
    await server.stop();
  }
}

const file = writeResult('locking', {
  benchmark: 'bench:locking',
  setup:
    'two server processes (one in the benchmark process, one child) on one PostgreSQL 15 database; all requests sent at once, alternating between the processes; each process also serialises a user in memory',
  modes: {
    optimistic: 'update ... where version = expected; on conflict the unit of work retries',
    lock: 'pg_advisory_xact_lock(hashtext(userId)) at the start of the transaction',
  },
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.log(`wrote ${file}`);
