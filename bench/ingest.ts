// `npm run bench:ingest`: the write path at real event density. The server runs as its own process
// (src/cli/serve.ts, as deployed); this process replays datasets to it through recordBehaviors over HTTP in
// batches, with real-time versioning (a ProfileVersion per event), on SQLite and PostgreSQL. Rows:
//   - ml-1m-interleaved (headline): MovieLens-1M's ratings as a live site sends them, users interleaved (every
//     user's k-th rating before anyone's (k+1)-th, so a batch of 500 holds ~500 different users);
//   - ml-100k-time: MovieLens-100K in real time order.
// Each row also runs the raw-driver ceiling: the same three writes per event (event row, profile version with
// the same payload size, profile upsert) straight through better-sqlite3 / pg, 500 per transaction, so the figure
// is read as a ratio of what the storage allows on this machine. Reports storage bytes per version.
// Options: --limit N (ml-1m events, default 200000), --limit100k N, --providers sqlite,postgresql, --batch N,
// --rows ml-1m-interleaved,ml-100k-time, --cpu-prof DIR (writes the server's CPU profile there).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../eval/datasets/index.js';
import type { LoadedDataset } from '../eval/datasets/types.js';
import { BEHAVIOR_TYPES } from '../src/domain/types.js';
import { openStore, parseDatabaseUrl } from '../src/store/index.js';
import { freshDatabase, postgresAvailable, startChildServer, type ProviderName } from '../test/helpers/server.js';
import { machine, progress, round, SHARED_DATA_DIR, writeResult } from './common.js';
import { rawCeiling } from './rawCeiling.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    limit100k: { type: 'string' },
    providers: { type: 'string' },
    batch: { type: 'string' },
    rows: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'node-args': { type: 'string' },
  },
});
const batchSize = Number(values.batch ?? 500);

interface Event {
  userId: string;
  itemId: string;
  type: string;
  value: number | null;
  occurredAt: string;
  eventId: string;
}

function eventsOf(dataset: LoadedDataset, order: 'interleaved' | 'time'): Event[] {
  const out: Array<Event & { k: number; t: number }> = [];
  for (const u of dataset.users) {
    for (let i = 0; i < u.items.length; i++) {
      const rating = u.ratings ? u.ratings[i]! : NaN;
      out.push({
        userId: u.id,
        itemId: dataset.items[u.items[i]!]!.id,
        type: u.types ? BEHAVIOR_TYPES[u.types[i]!]! : dataset.defaultType,
        value: Number.isNaN(rating) ? null : rating,
        occurredAt: new Date(u.times[i]!).toISOString(),
        eventId: `${u.id}-${i}`,
        k: i,
        t: u.times[i]!,
      });
    }
  }
  // Interleaved: round k holds every user's k-th event (users in id order), so per-user order holds.
  if (order === 'interleaved') out.sort((a, b) => a.k - b.k || a.userId.localeCompare(b.userId));
  else out.sort((a, b) => a.t - b.t || a.eventId.localeCompare(b.eventId));
  return out.map(({ k: _k, t: _t, ...e }) => e);
}

const ROWS = {
  'ml-1m-interleaved': {
    dataset: 'ml-1m' as const,
    dir: path.join(SHARED_DATA_DIR, 'ml-1m'),
    order: 'interleaved' as const,
    limit: Number(values.limit ?? 200_000),
    about:
      "MovieLens-1M ratings (1,000,209; 6,040 users) as RATE events, users interleaved round by round (each user's k-th rating in round k, users in id order), the first --limit of them",
  },
  'ml-100k-time': {
    dataset: 'ml-100k' as const,
    dir: path.join(SHARED_DATA_DIR, 'ml-100k'),
    order: 'time' as const,
    limit: Number(values.limit100k ?? 100_000),
    about: 'MovieLens-100K ratings (100,000; 943 users) as RATE events in real time order',
  },
};
type RowName = keyof typeof ROWS;

async function runServer(provider: ProviderName, dataset: LoadedDataset, stream: Event[], profDir?: string) {
  const db = freshDatabase(provider);
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    PROFILE_VERSIONING: 'realtime',
    LOG_LEVEL: 'silent',
  };
  const nodeArgs = values['node-args'] ? values['node-args'].split(' ') : [];
  const execArgv = [...nodeArgs, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
  const server = await startChildServer(env, { execArgv });
  try {
    for (let i = 0; i < dataset.items.length; i += 500) {
      const res = await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
        items: dataset.items.slice(i, i + 500),
      });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    }
    const load = [os.loadavg()[0]!];
    const cpuBefore = cpuSeconds(server.pid);
    const started = performance.now();
    const startedAt = Date.now();
    for (let i = 0; i < stream.length; i += batchSize) {
      const res = await server.gql(
        `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
        { inputs: stream.slice(i, i + batchSize) },
      );
      if (res.errors) throw new Error(JSON.stringify(res.errors).slice(0, 2000));
      if ((i / batchSize) % 20 === 0)
        progress(`${provider} ingest`, Math.min(i + batchSize, stream.length), stream.length, startedAt);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    load.push(os.loadavg()[0]!);
    await server.stop();
    const store = await openStore(parseDatabaseUrl(db.url));
    const counts = await store.tableCounts();
    const versions = await store.profileVersionBytes();
    const stateBytes = await averageStateBytes(store);
    await store.close();
    return {
      events: stream.length,
      seconds: round(seconds, 2),
      eventsPerSecond: round(stream.length / seconds, 0),
      serverCpuSeconds: round(cpu, 2),
      serverCpuMicrosecondsPerEvent: round((cpu * 1e6) / stream.length, 0),
      // What the server process would sustain with a core to itself (the machine is shared: see loadAverage1m).
      eventsPerServerCpuSecond: round(stream.length / cpu, 0),
      batchSize,
      rows: counts,
      profileVersions: versions.rows,
      averageBytesPerVersion: round(versions.bytes / Math.max(1, versions.rows), 1),
      averageStateBytes: stateBytes,
      loadAverage1m: { start: round(load[0]!, 2), end: round(load[1]!, 2) },
      db,
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** User + system CPU seconds a process has used (Linux /proc; clock ticks are 100 per second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function averageStateBytes(store: Awaited<ReturnType<typeof openStore>>): Promise<number> {
  let n = 0;
  let bytes = 0;
  for (let after: string | null = null; ;) {
    const ids = await store.listProfileUserIds(1000, after);
    if (!ids.length) break;
    for (const p of await store.profilesByUserIds(ids)) {
      if (!p) continue;
      n++;
      bytes += p.state.byteLength;
    }
    after = ids[ids.length - 1]!;
  }
  return Math.round(bytes / Math.max(1, n));
}

const wanted = (values.providers ?? 'sqlite,postgresql').split(',') as ProviderName[];
const rowNames = (values.rows ?? 'ml-1m-interleaved,ml-100k-time').split(',') as RowName[];
const results: Record<string, Record<string, unknown>> = {};
const pgUp = await postgresAvailable();
for (const rowName of rowNames) {
  const row = ROWS[rowName];
  const dataset = loadDataset(row.dataset, row.dir);
  const all = eventsOf(dataset, row.order);
  const stream = all.slice(0, Math.min(row.limit, all.length));
  results[rowName] = { about: row.about, events: stream.length };
  for (const provider of wanted) {
    if (provider === 'postgresql' && !pgUp) {
      results[rowName]![provider] = { skipped: 'PostgreSQL unreachable (set TEST_DATABASE_URL)' };
      continue;
    }
    const profDir = values['cpu-prof'] ? path.resolve(values['cpu-prof'], `${rowName}-${provider}`) : undefined;
    const { db, ...server } = await runServer(provider, dataset, stream, profDir);
    await db.drop();
    const ceiling = await rawCeiling(provider, stream, {
      batchSize,
      stateBytes: server.averageStateBytes,
      versionBytes: server.averageBytesPerVersion,
    });
    results[rowName]![provider] = {
      server,
      rawDriverCeiling: ceiling,
      ratioToCeiling: round(server.eventsPerSecond / ceiling.eventsPerSecond, 3),
    };
    console.error(`${rowName} ${provider}: ${JSON.stringify(results[rowName]![provider])}`);
  }
}

const file = writeResult('ingest', {
  benchmark: 'bench:ingest',
  path: 'HTTP recordBehaviors (batches of --batch) to the server in its own process -> validation -> one transaction per call for all its users (multi-row inserts of events and versions, one profile insert and one version-checked update) -> recommender -> publish',
  client: 'one request in flight; the benchmark process sends and waits',
  encoder: 'lexical (default)',
  versioning: 'realtime: one ProfileVersion per event; a full state snapshot every 32 versions',
  storageBudget:
    'average bytes per profile version <= 1024 (column payload: ids, numbers, changed facets JSON, snapshot bytes when present)',
  goals: { sqliteEventsPerSecond: 5000, postgresqlEventsPerSecond: 3000 },
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.log(`wrote ${file}`);
