// `npm run bench:recommend`: p50/p99 latency of User.recommendations(first: 10) over HTTP at 10k and 100k items,
// exact vs approximate index, the approximate index's recall@10, and the same latency while recordBehavior traffic
// runs at the same time. Options: --sizes 10000,100000 --requests 1000 --users 300. The server runs as its own process
// (as `npm start` does), so the client side of the benchmark does not share its heap or event loop.
//
// Catalogue method: the real item texts of Amazon Scientific (4,385 products) and MovieLens-1M (3,883 films, with
// plots) are the base; item k is base item (k mod N) with the variant number in its title and, from the second
// copy on, the first sentence of another base item of the same category appended to its description, so copies
// are near but not identical neighbours. Users: each picks 1-2 categories and has 20 behaviours in them.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mulberry32 } from '../src/domain/recommend/random.js';
import { ExactIndex, measureRecall, UsearchIndex } from '../src/vectorindex/index.js';
import { loadConfig } from '../src/config.js';
import {
  freshDatabase,
  startChildServer,
  startTestServer,
  type ChildServer,
  type TestDatabase,
} from '../test/helpers/server.js';
import { VARIANT_CATALOGUE, variantCatalogue } from './catalogueVariants.js';
import { machine, percentile, progress, round, writeResult } from './common.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string' }, requests: { type: 'string' }, users: { type: 'string' } },
});
const sizes = (values.sizes ?? '10000,100000').split(',').map(Number);
const requests = Number(values.requests ?? 1000);
const userCount = Number(values.users ?? 300);

const catalogue = variantCatalogue;

type Gql = ChildServer['gql'];

async function latency(
  gql: Gql,
  users: string[],
  n: number,
): Promise<{ p50: number; p99: number; mean: number; n: number }> {
  const query = `query($id: ID!) { user(id: $id) { recommendations(first: 10) { item { id title } score reasons { kind text } } } }`;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await gql<{ user: { recommendations: unknown[] } }>(query, { id: users[i % users.length] });
    times.push(performance.now() - t0);
    if (res.errors || res.data!.user.recommendations.length !== 10)
      throw new Error(`bad answer: ${JSON.stringify(res).slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    mean: round(times.reduce((a, b) => a + b, 0) / n),
    n,
  };
}

/** Latency while a writer records behaviours as fast as it can (one at a time, like a stream of clicks). */
async function latencyUnderWrites(gql: Gql, users: string[], itemIds: string[], n: number) {
  let stop = false;
  let written = 0;
  const rand = mulberry32(7);
  const writer = (async () => {
    const started = performance.now();
    while (!stop) {
      const res = await gql(`mutation($input: BehaviorInput!) { recordBehavior(input: $input) { duplicate } }`, {
        input: {
          userId: users[Math.floor(rand() * users.length)],
          itemId: itemIds[Math.floor(rand() * itemIds.length)]!,
          type: 'CLICK',
        },
      });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      written++;
    }
    return written / ((performance.now() - started) / 1000);
  })();
  const lat = await latency(gql, users, n);
  stop = true;
  return { ...lat, concurrentWritesPerSecond: round(await writer, 0) };
}

/** The server as deployed: its own process (`src/cli/serve.ts`), so the benchmark's own heap and event loop stay out of the figures. */
async function measure(db: TestDatabase, indexKind: 'exact' | 'approximate', users: string[], itemIds: string[]) {
  const t0 = Date.now();
  const server = await startChildServer({ DATABASE_URL: db.url, INDEX_KIND: indexKind });
  const startSeconds = round((Date.now() - t0) / 1000, 1);
  try {
    const gql = server.gql;
    await latency(gql, users, 200); // warm-up: JIT, and the collection of start-up garbage (loading 100k items allocates a lot)
    return {
      idle: await latency(gql, users, requests),
      underWrites: await latencyUnderWrites(gql, users, itemIds, requests),
      startSeconds,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Builds the database for one catalogue size in this process (no HTTP needed for set-up) and measures the
 * approximate index's recall@10 (the server's default settings) against exact search on the users' profile
 * vectors. Returns only ids, so everything loading allocated can be collected before the measurements.
 */
async function load(size: number) {
  const items = catalogue(size);
  const db = freshDatabase('sqlite');
  const loader = await startTestServer('sqlite', { INDEX_KIND: 'exact' }, db);
  const t0 = Date.now();
  for (let i = 0; i < items.length; i += 500) {
    await loader.services.catalog.upsertItems(items.slice(i, i + 500));
    progress(`${size} items: upsert`, Math.min(i + 500, items.length), items.length, t0);
  }
  const rand = mulberry32(size + 1);
  const users = Array.from({ length: userCount }, (_, u) => `user-${u}`);
  const itemsByCategory = new Map<string, string[]>();
  items.forEach((it) =>
    itemsByCategory.set(it.category ?? '', [...(itemsByCategory.get(it.category ?? '') ?? []), it.id]),
  );
  const categories = [...itemsByCategory.keys()].filter((c) => itemsByCategory.get(c)!.length >= 20);
  const events = users.flatMap((userId) => {
    const cats = [
      categories[Math.floor(rand() * categories.length)]!,
      categories[Math.floor(rand() * categories.length)]!,
    ];
    return Array.from({ length: 20 }, (_, j) => {
      const pool = itemsByCategory.get(cats[j % 3 === 2 ? 1 : 0]!)!;
      return {
        userId,
        itemId: pool[Math.floor(rand() * pool.length)]!,
        type: j % 5 === 0 ? 'PURCHASE' : 'CLICK',
        eventId: `${userId}-${j}`,
      } as const;
    });
  });
  const t1 = Date.now();
  for (let i = 0; i < events.length; i += 500) {
    await loader.services.profiles.recordBehaviors(events.slice(i, i + 500));
    progress(`${size} items: behaviours`, Math.min(i + 500, events.length), events.length, t1);
  }

  const defaults = loadConfig({ DATABASE_URL: db.url }).recommend;
  const dim = loader.services.encoder.encoder.dim;
  const exactIndex = new ExactIndex(dim);
  const approxIndex = new UsearchIndex(dim, {
    expansionSearch: defaults.expansionSearch,
    quantization: defaults.quantization,
  });
  const entries: Array<[string, Float32Array]> = [];
  for (const it of items) {
    const v = loader.services.model.getItem(it.id)?.vector;
    if (v) entries.push([it.id, v]);
  }
  for (const [id, v] of entries) exactIndex.upsert(id, v);
  approxIndex.addMany(entries);
  const views = await loader.services.profiles.currentProfiles(users);
  const queries = views.flatMap((v) => (v?.state.long ? [v.state.long.vec] : []));
  const recall = measureRecall(exactIndex, approxIndex, queries, 10);
  await loader.close();
  return {
    db,
    users,
    itemIds: items.map((it) => it.id),
    events: events.length,
    recall: round(recall, 4),
    recallQueries: queries.length,
  };
}

// The client's own garbage (the loaded catalogue) is collected before measuring, so its GC pauses do not count
// as server latency. --expose-gc is set at run time because tsx starts node without it.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const results: unknown[] = [];
for (const size of sizes) {
  const { db, users, itemIds, events, recall, recallQueries } = await load(size);
  collectGarbage();
  const exact = await measure(db, 'exact', users, itemIds);
  const approximate = await measure(db, 'approximate', users, itemIds);
  await db.drop();
  const row = {
    items: size,
    users: userCount,
    events,
    exact,
    approximate,
    approximateRecallAt10: recall,
    recallQueries,
  };
  console.error(`\n${JSON.stringify(row)}`);
  results.push(row);
}

const file = writeResult('recommend', {
  benchmark: 'bench:recommend',
  query:
    'user(id) { recommendations(first: 10) { item { id title } score reasons { kind text } } } over HTTP, one request at a time',
  catalogue: VARIANT_CATALOGUE,
  users: 'each user has 20 behaviours (CLICK, every fifth PURCHASE) in one or two categories',
  encoder: 'lexical (default, dim 512)',
  database: 'SQLite (embedded default)',
  server:
    'its own process (src/cli/serve.ts, as npm start), one per index kind, default settings apart from INDEX_KIND; the benchmark process is the client',
  index:
    'approximate: usearch HNSW, default INDEX_EXPANSION_SEARCH and INDEX_QUANTIZATION; recall measured with the same settings',
  warmUp:
    '200 requests before each measurement (JIT, and the collection of start-up garbage: loading 100k items allocates a lot)',
  underWrites:
    'a second client records CLICK events one after another, as fast as the server takes them, during the measurement',
  target: 'p99 < 25 ms at 100k items with recall@10 >= 0.95',
  machine: machine(),
  ranAt: new Date().toISOString(),
  results,
});
console.log(`wrote ${file}`);
