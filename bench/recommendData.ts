// Data of `npm run bench:recommend`: the catalogue variants and MovieLens-1M's ratings as events, and the seeded
// SQLite databases cached under bench/.cache/ (gitignored). Seeding goes through the product's own write path
// (CatalogService.upsertItems and ProfileService.recordBehaviors of an in-process server, batches of 500), so
// the cached log is what the product writes; it takes minutes at 1M events, so it is done once per (events,
// catalogue size) and the file reused. A cache file is only renamed into place once complete.
//
// Catalogue: bench/catalogueVariants.ts (variants of real item texts). Events: every MovieLens-1M rating as a RATE event on the first copy of
// its film, users interleaved round by round (each user's k-th rating in round k), the first --events of them.
// The 10k and 100k variants hold the same log; the 100k one has 90k more items (variants without events).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { loadDataset } from '../eval/datasets/index.js';
import { startTestServer, type TestDatabase, type TestServer } from '../test/helpers/server.js';
import { variantCatalogue } from './catalogueVariants.js';
import { progress, REPO_ROOT, round, SHARED_DATA_DIR } from './common.js';

const amazon = loadDataset('amazon-scientific', path.join(SHARED_DATA_DIR, 'amazon-scientific'));
const ml = loadDataset('ml-1m', path.join(SHARED_DATA_DIR, 'ml-1m'));
/** The catalogue variants (bench/catalogueVariants.ts), shared with bench:restart. */
export const catalogue = variantCatalogue;

export interface SeedEvent {
  userId: string;
  itemId: string;
  type: 'RATE';
  value: number;
  occurredAt: Date;
  eventId: string;
}

/** MovieLens-1M's ratings on the catalogue's first copy of each film, users interleaved, the first `limit`. */
export function mlEvents(limit: number): SeedEvent[] {
  const out: Array<SeedEvent & { k: number }> = [];
  for (const u of ml.users) {
    for (let i = 0; i < u.items.length; i++) {
      out.push({
        userId: `u${u.id}`,
        itemId: `v${amazon.items.length + u.items[i]!}`,
        type: 'RATE',
        value: u.ratings![i]!,
        occurredAt: new Date(u.times[i]!),
        eventId: `ml-${u.id}-${i}`,
        k: i,
      });
    }
  }
  out.sort((a, b) => a.k - b.k || a.userId.localeCompare(b.userId));
  return out.slice(0, limit).map(({ k: _k, ...e }) => e);
}

/** Item ids that the log's films have (for the concurrent writer's events). */
export function filmItemIds(): string[] {
  return ml.items.map((_, j) => `v${amazon.items.length + j}`);
}

export interface Seeded {
  db: TestDatabase;
  users: string[];
  itemIds: string[];
  events: number;
  seed: SeedInfo;
}

interface SeedInfo {
  file: string;
  writtenBy: string;
  reused: boolean;
  itemSeconds: number;
  eventSeconds: number | null;
  eventsPerSecond: number | null;
  seededAt: string;
  commit: string;
}

const CACHE_DIR = path.join(REPO_ROOT, 'bench', '.cache');
/** The code that wrote a seed: HEAD when this process started (seeding takes an hour, HEAD may move meanwhile). */
const SEEDING_COMMIT = execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT }).toString().trim();
const cacheFile = (events: number, items: number) => path.join(CACHE_DIR, `recommend-ml1m-e${events}-i${items}.db`);
const readInfo = (file: string) => JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Omit<SeedInfo, 'reused'>;

/**
 * A SQLite database with `size` catalogue items and the first `events` MovieLens-1M ratings, from the cache or
 * seeded now. The bench runs on a copy (a scratch directory), so the cached file stays as seeded.
 *
 * Seeding order, to spend the minutes once: the largest catalogue is seeded first (all items, then the events;
 * a cached file of the same catalogue with a shorter prefix of the same stream is continued rather than redone),
 * and a smaller catalogue is a copy of it with the surplus items (which no event references) deleted through
 * CatalogService.deleteItems.
 */
export async function seeded(size: number, events: number, largest: number): Promise<Seeded> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = cacheFile(events, size);
  const stream = mlEvents(events);
  const users = [...new Set(stream.map((e) => e.userId))];
  if (!existsSync(file)) {
    if (size === largest) await seedLargest(file, size, stream);
    else await seedSmaller(file, size, (await seeded(largest, events, largest)).seed, largest);
  }
  const dir = path.join(CACHE_DIR, `run-${process.pid}-${size}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  copyFileSync(file, path.join(dir, 'bench.db'));
  const db = {
    url: `file:${path.join(dir, 'bench.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
  return { db, users, itemIds: filmItemIds(), events: stream.length, seed: { ...readInfo(file), reused: true } };
}

/** The cached file of this catalogue size with the longest shorter prefix of the stream, if any. */
function longestPrefix(size: number, events: number): { file: string; events: number } | null {
  let best: { file: string; events: number } | null = null;
  for (const name of readdirSync(CACHE_DIR)) {
    const m = /^recommend-ml1m-e(\d+)-i(\d+)\.db$/.exec(name);
    if (!m || Number(m[2]) !== size || Number(m[1]) >= events) continue;
    if (!best || Number(m[1]) > best.events) best = { file: path.join(CACHE_DIR, name), events: Number(m[1]) };
  }
  return best;
}

async function withLoader<T>(tmp: string, work: (loader: TestServer) => Promise<T>): Promise<T> {
  const loader = await startTestServer('sqlite', { INDEX_KIND: 'exact' }, { url: `file:${tmp}`, drop: async () => {} });
  let result: T;
  try {
    result = await work(loader);
  } finally {
    await loader.stop();
  }
  // A closed database is one file, so the cached copy is complete.
  for (const suffix of ['-wal', '-shm', '-journal'])
    if (existsSync(`${tmp}${suffix}`)) throw new Error(`${tmp}${suffix} left after close`);
  return result;
}

function finish(file: string, tmp: string, info: Omit<SeedInfo, 'reused' | 'file' | 'seededAt' | 'commit'>): void {
  const full = {
    file: path.relative(REPO_ROOT, file),
    ...info,
    seededAt: new Date().toISOString(),
    commit: SEEDING_COMMIT,
  };
  writeFileSync(`${file}.json`, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(tmp, file);
}

async function seedLargest(file: string, size: number, stream: SeedEvent[]): Promise<void> {
  const tmp = `${file}.partial`;
  rmSync(tmp, { force: true });
  const from = longestPrefix(size, stream.length);
  const fromInfo = from ? readInfo(from.file) : null;
  if (from) copyFileSync(from.file, tmp);
  await withLoader(tmp, async (loader) => {
    let itemSeconds = fromInfo?.itemSeconds ?? 0;
    if (!from) {
      const items = catalogue(size);
      const t0 = Date.now();
      for (let i = 0; i < items.length; i += 500) {
        await loader.services.catalog.upsertItems(items.slice(i, i + 500));
        progress(`${size} items: upsert`, Math.min(i + 500, items.length), items.length, t0);
      }
      itemSeconds = (Date.now() - t0) / 1000;
    }
    const rest = stream.slice(from?.events ?? 0);
    const t1 = Date.now();
    for (let i = 0; i < rest.length; i += 500) {
      await loader.services.profiles.recordBehaviors(rest.slice(i, i + 500));
      if ((i / 500) % 20 === 0 || i + 500 >= rest.length)
        progress(
          `seeding events ${from?.events ?? 0}..${stream.length}`,
          Math.min(i + 500, rest.length),
          rest.length,
          t1,
        );
    }
    const seconds = (Date.now() - t1) / 1000 + (fromInfo?.eventSeconds ?? 0);
    return { itemSeconds, seconds };
  }).then(({ itemSeconds, seconds }) =>
    finish(file, tmp, {
      writtenBy: `the product write path in-process (default settings): CatalogService.upsertItems (500 items per call), then ProfileService.recordBehaviors (500 events per call)${from ? `; the first ${from.events} events come from the cached ${path.basename(from.file)}, the rest were appended` : ''}`,
      itemSeconds: round(itemSeconds, 1),
      eventSeconds: round(seconds, 1),
      eventsPerSecond: round(stream.length / seconds, 0),
    }),
  );
}

async function seedSmaller(file: string, size: number, from: SeedInfo, largest: number): Promise<void> {
  const tmp = `${file}.partial`;
  copyFileSync(path.join(REPO_ROOT, from.file), tmp);
  const surplus = Array.from({ length: largest - size }, (_, k) => `v${size + k}`);
  const t0 = Date.now();
  await withLoader(tmp, async (loader) => {
    for (let i = 0; i < surplus.length; i += 500) {
      await loader.services.catalog.deleteItems(surplus.slice(i, i + 500));
      progress(`${size} items: delete surplus`, Math.min(i + 500, surplus.length), surplus.length, t0);
    }
  });
  finish(file, tmp, {
    writtenBy: `a copy of ${path.basename(from.file)} (${from.writtenBy}) with items v${size}..v${largest - 1} deleted through CatalogService.deleteItems`,
    itemSeconds: from.itemSeconds,
    eventSeconds: from.eventSeconds,
    eventsPerSecond: from.eventsPerSecond,
  });
}
