// `npm run bench:restart`: time to ready (server process start until it answers User.recommendations) with all of
// MovieLens-1M's 1,000,209 ratings in the log, on a 10k-item catalogue ("events") and on a 100k-item catalogue
// ("items"); each with the recommender's snapshot (start = load the newest snapshot + replay the log tail) and without
// one (RECOMMENDER_SNAPSHOTS=off: the whole log is replayed and the vector index built from the items' stored vectors).
//
// The databases are bench:recommend's (bench/recommendData.ts): seeded once through the product's own write path,
// cached under bench/.cache/ (gitignored) and copied for every run. `npm run bench:recommend -- --seed-only` fills
// the cache ahead of a quiet-machine measurement.
// Options: --only events|items, --runs 3, --events N (a prefix of the stream), --note TEXT (recorded with the results),
// --start compiled|tsx: the production start (`npm run build` is run first; `npm run start:prod`), the default, or
// `npm start`, which transpiles the TypeScript on every start (about 1 s more).
import 'reflect-metadata';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { encodeSnapshot, SNAPSHOT_FORMAT } from '../src/domain/recommend/snapshot.js';
import { startServer } from '../src/server/app.js';
import { loadConfig } from '../src/config.js';
import { startChildServer } from '../test/helpers/server.js';
import { VARIANT_CATALOGUE } from './catalogueVariants.js';
import { machine, REPO_ROOT, round, writeResult } from './common.js';
import { seeded } from './recommendData.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    events: { type: 'string' },
    note: { type: 'string' },
    start: { type: 'string' },
  },
});
const compiled = (values.start ?? 'compiled') === 'compiled';
if (compiled) execSync('npm run build', { cwd: REPO_ROOT, stdio: 'inherit' });
const runs = Number(values.runs ?? 3);
const eventCount = Number(values.events ?? 1_000_209);

type Scenario = 'events' | 'items';
const CATALOGUE: Record<Scenario, number> = { events: 10_000, items: 100_000 };

const RECS = `query($u: ID!) { user(id: $u) { recommendations(first: 10) { item { id } score } } }`;

/** Spawns the server (as npm start) and times until it answers a recommendations query. */
async function timeToReady(dbFile: string, env: Record<string, string>, userId: string) {
  const t0 = performance.now();
  const server = await startChildServer(
    { DATABASE_URL: `file:${dbFile}`, ...env },
    { startTimeoutMs: 600_000, compiled },
  );
  const listening = performance.now() - t0;
  const r = await server.gql(RECS, { u: userId });
  const ready = performance.now() - t0;
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return { server, listening, ready };
}

/**
 * What writing a snapshot holds up: the synchronous capture (statistics copied and encoded, the approximate graph
 * saved), measured in-process on the started model; the database write runs after it without blocking.
 */
async function captureCost(dbFile: string) {
  const config = loadConfig({ DATABASE_URL: `file:${dbFile}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const server = await startServer(config, () => {});
  try {
    const { model } = server.services;
    const t0 = performance.now();
    const meta = { format: SNAPSHOT_FORMAT, fingerprint: '', positions: { behaviors: 0, catalog: 0, erasures: 0 } };
    const state = encodeSnapshot(meta, model.exportState());
    const t1 = performance.now();
    const index = model.index.save?.() ?? null;
    const t2 = performance.now();
    return {
      statisticsMs: round(t1 - t0, 0),
      statisticsBytes: state.length,
      indexMs: round(t2 - t1, 0),
      indexBytes: index?.length ?? 0,
    };
  } finally {
    await server.close();
  }
}

async function scenarioRow(scenario: Scenario) {
  const { db, seed } = await seeded(CATALOGUE[scenario], eventCount, 100_000);
  const dbFile = db.url.slice('file:'.length);
  const userId = 'u1';
  try {
    const without: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { server, ready } = await timeToReady(dbFile, { RECOMMENDER_SNAPSHOTS: 'off' }, userId);
      await server.stop();
      without.push(ready);
      console.error(`${scenario}: without snapshot ${round(ready / 1000, 2)} s`);
    }
    // One start that writes the first snapshot (at graceful shutdown), timed too: the cost of the first start.
    const first = await timeToReady(dbFile, {}, userId);
    const stopAt = performance.now();
    await first.server.stop();
    const shutdownWithSnapshot = performance.now() - stopAt;
    // The "with snapshot" starts below mean nothing unless that stop wrote one.
    const check = new Database(dbFile, { readonly: true });
    const written = check.prepare('SELECT COUNT(*) AS n FROM "RecommenderSnapshot"').get() as { n: number };
    check.close();
    if (!written.n) throw new Error('the graceful stop wrote no recommender snapshot');
    const withSnapshot: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { server, ready } = await timeToReady(dbFile, {}, userId);
      await server.stop();
      withSnapshot.push(ready);
      console.error(`${scenario}: with snapshot ${round(ready / 1000, 2)} s`);
    }
    const capture = await captureCost(dbFile);
    const s = (xs: number[]) => ({
      medianSeconds: round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! / 1000, 2),
      runsSeconds: xs.map((x) => round(x / 1000, 2)),
    });
    const counted = new Database(dbFile, { readonly: true });
    const count = (table: string) => (counted.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const rows = { behaviors: count('Behavior'), items: count('Item') };
    counted.close();
    return {
      scenario,
      ...rows,
      databaseBytes: statSync(dbFile).size,
      withoutSnapshot: s(without),
      withSnapshot: s(withSnapshot),
      firstStartSeconds: round(first.ready / 1000, 2),
      shutdownWritingSnapshotSeconds: round(shutdownWithSnapshot / 1000, 2),
      capture,
      seed,
    };
  } finally {
    await db.drop();
  }
}

const scenarios: Scenario[] = values.only ? [values.only as Scenario] : ['events', 'items'];
const rows = [];
for (const s of scenarios) rows.push({ ...(await scenarioRow(s)), loadAverage1m: machine().loadAverage1m });
// With --only, the other scenario's row from an earlier run is kept (each records its own load average).
const previous = path.join(REPO_ROOT, 'bench', 'results', 'restart.json');
const kept: Array<{ scenario: Scenario; [k: string]: unknown }> = existsSync(previous)
  ? (JSON.parse(readFileSync(previous, 'utf8')) as { results: Array<{ scenario: Scenario }> }).results.filter(
      (r) => !scenarios.includes(r.scenario),
    )
  : [];
const results = [...kept, ...rows];
const file = writeResult('restart', {
  benchmark: 'bench:restart',
  measure:
    'time to ready: from spawning the server process until it has answered one User.recommendations(first: 10) query over HTTP; median of --runs starts',
  start: compiled ? 'compiled (npm run build, then npm run start:prod)' : 'npm start (tsx transpiles at start)',
  scenarios: {
    events: `MovieLens-1M's ratings as RATE events (users interleaved round by round, as bench:recommend) on a 10,000-item catalogue (${VARIANT_CATALOGUE}); a row's \`behaviors\` says how many are in the log`,
    items: 'the same log on the 100,000-item catalogue (an approximate HNSW index above 20,000 items)',
  },
  seeding:
    "bench:recommend's cached databases (bench/recommendData.ts): written by the product's own batch write path (CatalogService.upsertItems, ProfileService.recordBehaviors, 500 per call), copied for each run; each row's `seed` says how",
  note: values.note ?? null,
  withoutSnapshot: 'RECOMMENDER_SNAPSHOTS=off: the whole log replayed and the vector index built at start',
  withSnapshot:
    'default settings: the newest snapshot written at the previous graceful shutdown is loaded, and the log tail replayed',
  encoder: 'lexical (default, dim 512)',
  database: 'SQLite (embedded default)',
  goals: { eventsSeconds: 5, itemsSeconds: 10 },
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.error(`wrote ${file}`);
