// `npm run bench:recommend`: p50/p99 latency of User.recommendations(first: 10) over HTTP at MovieLens-1M event
// density (all 1,000,209 ratings by default, users interleaved) with catalogues of 10k and 100k items, idle and
// while a paced writer records events at a fixed rate (default 500 events/s). The server runs as its own process
// (src/cli/serve.ts, as `npm start`), default settings (INDEX_KIND=auto: exact up to 20k items, approximate above).
// Data and the seeded-database cache: bench/recommendData.ts (the first seed of 1M events takes tens of minutes).
// Options: --sizes 10000,100000 --events N (a prefix of the stream, for quick runs) --requests 1000
// --write-rate 500 --write-batch 10 (events per recordBehaviors call; 1 = single recordBehavior calls)
// --cpu-prof DIR (the server's CPU profile of the idle and loaded phases), --seed-only (fill the cache, measure nothing),
// --synchronous full|normal (SQLite durability, ?synchronous= on the database URL; rows are kept per setting),
// --node-args "..." (flags for the server's node, e.g. V8's heap sizes).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/domain/recommend/random.js';
import { startChildServer, type ChildServer } from '../test/helpers/server.js';
import { machine, percentile, REPO_ROOT, round, writeResult } from './common.js';
import { VARIANT_CATALOGUE } from './catalogueVariants.js';
import { seeded } from './recommendData.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    events: { type: 'string' },
    requests: { type: 'string' },
    'write-rate': { type: 'string' },
    'write-batch': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'seed-only': { type: 'boolean' },
    synchronous: { type: 'string' },
    'node-args': { type: 'string' },
  },
});
const sizes = (values.sizes ?? '10000,100000').split(',').map(Number);
const largest = Math.max(...sizes, 100_000);
const eventCount = Number(values.events ?? 1_000_209);
const requests = Number(values.requests ?? 1000);
const writeRate = Number(values['write-rate'] ?? 500);
const writeBatch = Number(values['write-batch'] ?? 10);
// SQLite's durability (the server's default is full: every commit synced); normal syncs at checkpoints only.
const synchronous = values.synchronous ?? 'full';
if (synchronous !== 'full' && synchronous !== 'normal') throw new Error('--synchronous is full or normal');

type Gql = ChildServer['gql'];
const QUERY = `query($id: ID!) { user(id: $id) { recommendations(first: 10) { item { id title } score reasons { kind text } } } }`;

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    n: sorted.length,
  };
}

/** One request at a time over users in a seeded random order (every user has history at full density). */
async function latency(gql: Gql, users: string[], n: number, seed: number) {
  const rand = mulberry32(seed);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = users[Math.floor(rand() * users.length)]!;
    const t0 = performance.now();
    const res = await gql<{ user: { recommendations: unknown[] } }>(QUERY, { id });
    times.push(performance.now() - t0);
    if (res.errors || res.data!.user.recommendations.length !== 10)
      throw new Error(`bad answer: ${JSON.stringify(res).slice(0, 300)}`);
  }
  return summary(times);
}

/**
 * Latency while a paced writer records CLICK events at `writeRate` per second: every tick it sends the events
 * due by then (batches of `writeBatch`, without waiting for earlier ones unless 8 calls are already in flight),
 * so the rate holds whatever the reads do, and a slow server shows as a lower achieved rate.
 */
async function latencyUnderWrites(gql: Gql, users: string[], itemIds: string[], n: number) {
  const rand = mulberry32(7);
  let stop = false;
  let sent = 0;
  let written = 0;
  let inFlight = 0;
  let serial = 0;
  const failures: string[] = [];
  const one = () => ({
    userId: users[Math.floor(rand() * users.length)]!,
    itemId: itemIds[Math.floor(rand() * itemIds.length)]!,
    type: 'CLICK',
    eventId: `bench-w${process.pid}-${serial++}`,
  });
  const send = async (k: number) => {
    inFlight++;
    const batch = Array.from({ length: k }, one);
    const res =
      writeBatch === 1
        ? await gql(`mutation($input: BehaviorInput!) { recordBehavior(input: $input) { duplicate } }`, {
            input: batch[0],
          })
        : await gql(`mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`, {
            inputs: batch,
          });
    inFlight--;
    if (res.errors) failures.push(JSON.stringify(res.errors).slice(0, 300));
    else written += k;
  };
  const started = performance.now();
  const writer = (async () => {
    const pending: Promise<void>[] = [];
    while (!stop) {
      const due = Math.floor(((performance.now() - started) / 1000) * writeRate);
      while (sent + writeBatch <= due && inFlight < 8) {
        sent += writeBatch;
        pending.push(send(writeBatch));
      }
      await new Promise((r) => setTimeout(r, Math.max(1, (1000 * writeBatch) / writeRate / 2)));
    }
    await Promise.all(pending);
  })();
  // Let the writer reach its rate before measuring.
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  const writtenBefore = written;
  const lat = await latency(gql, users, n, 2);
  const seconds = (performance.now() - t0) / 1000;
  const writtenDuring = written - writtenBefore;
  stop = true;
  await writer;
  if (failures.length) throw new Error(`writer failed: ${failures[0]}`);
  return {
    ...lat,
    targetWritesPerSecond: writeRate,
    achievedWritesPerSecond: round(writtenDuring / seconds, 0),
    eventsPerWriteCall: writeBatch,
  };
}

async function measure(dbUrl: string, users: string[], itemIds: string[], size: number) {
  const profDir = values['cpu-prof'] ? path.resolve(values['cpu-prof'], `items-${size}`) : undefined;
  const t0 = Date.now();
  const server = await startChildServer(
    { DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' },
    {
      execArgv: [
        ...(values['node-args'] ? values['node-args'].split(' ') : []),
        ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
      ],
      startTimeoutMs: 600_000,
    },
  );
  const startSeconds = round((Date.now() - t0) / 1000, 1);
  try {
    await latency(server.gql, users, 200, 1); // warm-up: JIT, and the collection of start-up garbage
    const load = [os.loadavg()[0]!];
    const idle = await latency(server.gql, users, requests, 3);
    load.push(os.loadavg()[0]!);
    const underWrites = await latencyUnderWrites(server.gql, users, itemIds, requests);
    load.push(os.loadavg()[0]!);
    return { idle, underWrites, startSeconds, loadAverage1m: load.map((l) => round(l, 2)) };
  } finally {
    await server.stop();
  }
}

if (values['seed-only']) {
  // Fills the cache (minutes at 1M events) without measuring: run it before a quiet-machine measurement.
  for (const size of [...sizes].sort((a, b) => b - a)) await (await seeded(size, eventCount, largest)).db.drop();
  process.exit(0);
}

const results: Array<{ items: number; sqliteSynchronous?: string }> = [];
for (const size of [...sizes].sort((a, b) => b - a)) {
  const { db, users, itemIds, events, seed } = await seeded(size, eventCount, largest);
  try {
    const m = await measure(
      synchronous === 'full' ? db.url : `${db.url}?synchronous=${synchronous}`,
      users,
      itemIds,
      size,
    );
    const row = {
      items: size,
      sqliteSynchronous: synchronous,
      users: users.length,
      events,
      indexKind: size > 20_000 ? 'approximate' : 'exact',
      ...m,
      seed,
    };
    console.error(`\n${JSON.stringify(row)}`);
    results.push(row);
  } finally {
    await db.drop();
  }
}

// Rows of catalogue sizes not measured in this run are kept from the last file when it had the same event count
// (--sizes 10000 then --sizes 100000 fill one file); each row says when it ran.
const previous = (() => {
  try {
    return JSON.parse(readFileSync(path.join(REPO_ROOT, 'bench', 'results', 'recommend.json'), 'utf8')) as {
      ranAt: string;
      results: Array<{ items: number; events: number; ranAt?: string; sqliteSynchronous?: string }>;
    };
  } catch {
    return null;
  }
})();
for (const old of previous?.results ?? []) {
  const measuredNow = sizes.includes(old.items) && (old.sqliteSynchronous ?? 'full') === synchronous;
  if (old.events === eventCount && !measuredNow) results.push({ ranAt: previous!.ranAt, ...old });
}
results.sort(
  (a, b) => a.items - b.items || (a.sqliteSynchronous ?? 'full').localeCompare(b.sqliteSynchronous ?? 'full'),
);

const file = writeResult('recommend', {
  benchmark: 'bench:recommend',
  query:
    'user(id) { recommendations(first: 10) { item { id title } score reasons { kind text } } } over HTTP, one request at a time, users drawn at random',
  catalogue: VARIANT_CATALOGUE,
  events:
    "MovieLens-1M ratings as RATE events on each film's first catalogue copy, users interleaved round by round (each user's k-th rating in round k); the 10k and 100k catalogues hold the same log",
  seeding:
    "through the product write path (see each row's seed.writtenBy), cached under bench/.cache/ and copied per run",
  encoder: 'lexical (default, dim 512)',
  database: 'SQLite (embedded default)',
  server:
    'its own process (src/cli/serve.ts, as npm start), default settings (INDEX_KIND=auto: exact up to 20k items, approximate above); the benchmark process is the client and the writer',
  warmUp: '200 requests before the measurement (JIT, start-up garbage)',
  underWrites: `a paced writer records CLICK events at --write-rate per second in recordBehaviors calls of --write-batch (up to 8 in flight) during the measurement; achievedWritesPerSecond is what the server took`,
  goals: { idleP99MsAt100k: 15, underWritesP99MsAt100k: 30, writeRate: 500 },
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.log(`wrote ${file}`);
