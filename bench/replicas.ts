// `npm run bench:replicas`: two server processes (src/cli/serve.ts) on one PostgreSQL database and one Redis.
// MovieLens-100K's items go through one, its ratings (in time order, --limit of them) through both at once in
// batches; then: how long after the last write is acknowledged until both replicas report no lag in /readyz
// (goal < 1 s), and whether both then answer like a third process that rebuilt its model from the log at start.
// Options: --limit N (events, default 20000), --batch N, --poll-ms N (LOG_POLL_MS of the replicas; default 60000,
// so only Redis wakes them).
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../eval/datasets/index.js';
import { freshDatabase, postgresAvailable, startChildServer, type ChildServer } from '../test/helpers/server.js';
import { machine, round, SHARED_DATA_DIR, writeResult } from './common.js';

const { values } = parseArgs({
  options: { limit: { type: 'string' }, batch: { type: 'string' }, 'poll-ms': { type: 'string' } },
});
const limit = Number(values.limit ?? 20_000);
const batchSize = Number(values.batch ?? 500);
const pollMs = values['poll-ms'] ?? '60000';
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
if (!(await postgresAvailable())) throw new Error('bench:replicas needs PostgreSQL (TEST_DATABASE_URL)');

const dataset = loadDataset('ml-100k', path.join(SHARED_DATA_DIR, 'ml-100k'));
const events = dataset.users
  .flatMap((u) =>
    Array.from(u.items, (item, i) => ({
      userId: u.id,
      itemId: dataset.items[item]!.id,
      type: 'RATE',
      value: u.ratings![i]!,
      occurredAt: new Date(u.times[i]!).toISOString(),
      eventId: `${u.id}-${i}`,
    })),
  )
  .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId))
  .slice(0, limit);

const QUERY = `query($u: ID!, $i: ID!) {
  modelInfo { memory { users coVisitationEntries transitionEntries segments } catalogue { indexedItems } }
  similarItems(itemId: $i, first: 10) { item { id } score }
  user(id: $u) { recommendations(first: 10, explore: 0) { item { id } score } }
}`;
/** Equal answers: the same items and statistics, scores within 1e-6 (they decay with the clock between queries). */
function same(x: unknown, y: unknown): boolean {
  const scores: number[][] = [[], []];
  const shape = (d: unknown, s: number[]) =>
    JSON.stringify(d, (k, v: unknown) => (k === 'score' ? (s.push(v as number), 0) : v));
  if (shape(x, scores[0]!) !== shape(y, scores[1]!)) return false;
  return scores[0]!.every((a, i) => Math.abs(a - scores[1]![i]!) < 1e-6);
}
const lag = async (s: ChildServer) => {
  const r = (await (await fetch(s.url.replace(/\/graphql$/, '/readyz'))).json()) as {
    log: { behaviors: { lag: number }; catalog: { lag: number } } | null;
  };
  return r.log ? r.log.behaviors.lag + r.log.catalog.lag : Infinity;
};

const db = freshDatabase('postgresql');
const env = { DATABASE_URL: db.url, REDIS_URL, LOG_POLL_MS: pollMs, LOG_LEVEL: 'silent' };
const [a, b] = await Promise.all([startChildServer(env), startChildServer(env)]);
try {
  for (let i = 0; i < dataset.items.length; i += 500) {
    const r = await a.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
      items: dataset.items.slice(i, i + 500),
    });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
  }
  // Alternate batches between the replicas, both writing at once (one request in flight each).
  const send = async (server: ChildServer, parity: number) => {
    for (let k = parity; k * batchSize < events.length; k += 2) {
      const r = await server.gql(
        `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
        {
          inputs: events.slice(k * batchSize, (k + 1) * batchSize),
        },
      );
      if (r.errors) throw new Error(JSON.stringify(r.errors).slice(0, 500));
    }
  };
  const started = performance.now();
  await Promise.all([send(a, 0), send(b, 1)]);
  const lastWrite = performance.now();
  while ((await lag(a)) > 0 || (await lag(b)) > 0) await new Promise((r) => setTimeout(r, 5));
  const caughtUpMs = performance.now() - lastWrite;

  const rebuiltStart = performance.now();
  const rebuilt = await startChildServer({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const rebuildStartSeconds = (performance.now() - rebuiltStart) / 1000;
  let equal = true;
  try {
    for (const e of events.slice(-20)) {
      const vars = { u: e.userId, i: e.itemId };
      const [x, y, z] = await Promise.all([a, b, rebuilt].map((s) => s.gql(QUERY, vars)));
      if (!same(x!.data, z!.data) || !same(y!.data, z!.data)) equal = false;
    }
  } finally {
    await rebuilt.stop();
  }
  const result = {
    events: events.length,
    writeSeconds: round((lastWrite - started) / 1000, 2),
    eventsPerSecondBothReplicas: round(events.length / ((lastWrite - started) / 1000), 0),
    caughtUpMsAfterLastWrite: round(caughtUpMs, 1),
    goalMs: 1000,
    equalToRebuild: equal,
    rebuildProcessStartSeconds: round(rebuildStartSeconds, 2),
    logPollMs: Number(pollMs),
  };
  console.error(JSON.stringify(result));
  writeResult('replicas', {
    benchmark: 'bench:replicas',
    setup:
      'two src/cli/serve.ts processes, one PostgreSQL database, Redis wakes followers; ML-100K ratings in time order in batches alternating between the replicas; equality: similarItems, recommendations(explore: 0) and memory statistics of 20 users/items, scores within 1e-6, against a third process started after the writes',
    machine: machine(),
    ranAt: new Date().toISOString(),
    result,
  });
} finally {
  await Promise.all([a.stop(), b.stop()]);
  await db.drop();
}
