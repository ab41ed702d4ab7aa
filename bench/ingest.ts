// `npm run bench:ingest`: replays MovieLens-100K (100,000 ratings, 943 users) through recordBehaviors over HTTP
// with real-time versioning, on SQLite and PostgreSQL; reports events/s and the bytes stored per profile version
// (budget: <= 1 KB on average). Options: --limit N (events), --providers sqlite,postgresql, --batch N.
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../eval/datasets/index.js';
import { BEHAVIOR_TYPES } from '../src/domain/types.js';
import { freshDatabase, postgresAvailable, startTestServer, type ProviderName } from '../test/helpers/server.js';
import { machine, progress, round, SHARED_DATA_DIR, writeResult } from './common.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    providers: { type: 'string' },
    batch: { type: 'string' },
    data: { type: 'string' },
  },
});
const dataDir = values.data ?? path.join(SHARED_DATA_DIR, 'ml-100k');
const batchSize = Number(values.batch ?? 500);
const dataset = loadDataset('ml-100k', dataDir);

interface Event {
  userId: string;
  itemId: string;
  type: string;
  value: number | null;
  occurredAt: string;
  eventId: string;
}
const events: Event[] = [];
for (const u of dataset.users) {
  for (let i = 0; i < u.items.length; i++) {
    const rating = u.ratings ? u.ratings[i]! : NaN;
    events.push({
      userId: u.id,
      itemId: dataset.items[u.items[i]!]!.id,
      type: u.types ? BEHAVIOR_TYPES[u.types[i]!]! : dataset.defaultType,
      value: Number.isNaN(rating) ? null : rating,
      occurredAt: new Date(u.times[i]!).toISOString(),
      eventId: `${u.id}-${i}`,
    });
  }
}
// The stream as it happened: all users interleaved in time order.
events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId));
const limit = values.limit ? Math.min(Number(values.limit), events.length) : events.length;
const stream = events.slice(0, limit);

const wanted = (values.providers ?? 'sqlite,postgresql').split(',') as ProviderName[];
const results: Record<string, unknown> = {};
for (const provider of wanted) {
  if (provider === 'postgresql' && !(await postgresAvailable())) {
    results[provider] = { skipped: 'PostgreSQL unreachable (set TEST_DATABASE_URL)' };
    continue;
  }
  const server = await startTestServer(provider, { PROFILE_VERSIONING: 'realtime' }, freshDatabase(provider));
  try {
    for (let i = 0; i < dataset.items.length; i += 500) {
      const res = await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
        items: dataset.items.slice(i, i + 500),
      });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    }
    const started = Date.now();
    for (let i = 0; i < stream.length; i += batchSize) {
      const res = await server.gql(
        `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
        { inputs: stream.slice(i, i + batchSize) },
      );
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      progress(`${provider} ingest`, Math.min(i + batchSize, stream.length), stream.length, started);
    }
    const seconds = (Date.now() - started) / 1000;
    const counts = await server.services.store.tableCounts();
    const versions = await server.services.store.profileVersionBytes();
    results[provider] = {
      events: stream.length,
      seconds: round(seconds, 1),
      eventsPerSecond: round(stream.length / seconds, 0),
      batchSize,
      rows: counts,
      profileVersions: versions.rows,
      profileVersionBytes: versions.bytes,
      averageBytesPerVersion: round(versions.bytes / Math.max(1, versions.rows), 1),
      snapshotEvery: server.services.profileConfig.snapshotEvery,
    };
    console.error(`${provider}: ${JSON.stringify(results[provider])}`);
  } finally {
    await server.stop();
  }
}

const file = writeResult('ingest', {
  benchmark: 'bench:ingest',
  dataset:
    'MovieLens-100K (u.data): every rating as a RATE event with its real timestamp, all users interleaved in time order',
  path: 'HTTP recordBehaviors in batches -> validation -> one transaction per event (event, profile state, profile version) -> publish',
  encoder: 'lexical (default)',
  versioning: 'realtime: one ProfileVersion per event; a full state snapshot every snapshotEvery versions',
  storageBudget:
    'average bytes per profile version <= 1024 (column payload: ids, numbers, changed facets JSON, snapshot bytes when present)',
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.log(`wrote ${file}`);
