// Shared test helper: MovieLens-1M items (title, genres, plot) and a catalog encoder fitted on their text once
// per test process, cached on disk under os.tmpdir() by a hash of the input and of the fit code.
//
//   import { getCatalogEncoderDir, movieLensItems, SHARED_DATA_DIR, sharedDataAvailable } from '../helpers/catalogEncoder.js';
//   const it_ = sharedDataAvailable() ? it : it.skip;   // data is present in CI; absent -> skip with a message
//   const enc = await loadEncoder({ modelDir: await getCatalogEncoderDir() });
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { fitCatalogEncoder, FIT_VERSION } from '../../src/inference/fit.js';
import { itemText } from '../../src/inference/itemText.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `shared/` data root: env TASTEGRAPH_SHARED_DIR, else `../shared` next to the repository. */
export const SHARED_DIR = process.env.TASTEGRAPH_SHARED_DIR
  ? resolve(process.env.TASTEGRAPH_SHARED_DIR)
  : resolve(REPO_ROOT, '..', 'shared');
export const SHARED_DATA_DIR = join(SHARED_DIR, 'data');
export const SHARED_MODELS_DIR = join(SHARED_DIR, 'models');
export const ML1M_DIR = join(SHARED_DATA_DIR, 'ml-1m');
export const GLOVE_DIR = join(SHARED_MODELS_DIR, 'glove-6B-50d-10k');

/** True when the ML-1M files the helper needs are present. */
export function sharedDataAvailable(): boolean {
  return existsSync(join(ML1M_DIR, 'movies.dat')) && existsSync(join(ML1M_DIR, 'movies_extrainfos.dat.gz'));
}
export const SKIP_MESSAGE = `shared data not found at ${SHARED_DATA_DIR} (set TASTEGRAPH_SHARED_DIR)`;

export interface MovieLensItem {
  /** MovieLens MovieID as a string. */
  id: string;
  /** Title with year, as in movies.dat, e.g. "Star Wars: Episode IV - A New Hope (1977)". */
  title: string;
  genres: string[];
  plot: string | null;
  /** itemText() of title, genres (as tags) and plot: what the encoder sees. */
  text: string;
}

let itemsPromise: Promise<MovieLensItem[]> | null = null;

/** The 3,883 MovieLens-1M movies in movies.dat order, with plots from movies_extrainfos (3,881 have one). */
export function movieLensItems(): Promise<MovieLensItem[]> {
  itemsPromise ??= (async () => {
    if (!sharedDataAvailable()) throw new Error(SKIP_MESSAGE);
    const movies = (await readFile(join(ML1M_DIR, 'movies.dat'))).toString('latin1');
    const extra = gunzipSync(await readFile(join(ML1M_DIR, 'movies_extrainfos.dat.gz'))).toString('utf8');
    const plots = new Map<string, string>();
    for (const line of extra.split(/\r?\n/)) {
      if (!line) continue;
      const f = line.split('::');
      if (f.length < 11) continue;
      const plot = f[9]!.trim();
      if (plot && plot !== 'N/A') plots.set(f[0]!, plot);
    }
    const items: MovieLensItem[] = [];
    for (const line of movies.split('\n')) {
      if (!line.trim()) continue;
      const [id, title, genreStr] = line.split('::') as [string, string, string];
      const genres = genreStr.trim().split('|').filter(Boolean);
      const plot = plots.get(id) ?? null;
      items.push({ id, title, genres, plot, text: itemText({ title, tags: genres, description: plot }) });
    }
    return items;
  })();
  return itemsPromise;
}

let dirPromise: Promise<string> | null = null;

/** Directory of a catalog encoder fitted on the ML-1M item texts (fitted once, then reused from the cache). */
export function getCatalogEncoderDir(): Promise<string> {
  dirPromise ??= (async () => {
    const items = await movieLensItems();
    const texts = items.map((i) => i.text);
    const fitOpts = { dim: 128, minCount: 2, window: 8 };
    const h = createHash('sha256');
    h.update(JSON.stringify({ FIT_VERSION, fitOpts }));
    for (const src of ['src/inference/fit.ts', 'src/domain/linalg.ts', 'src/inference/safetensors.ts']) {
      h.update(readFileSync(join(REPO_ROOT, src)));
    }
    for (const t of texts) h.update(`${t}\n`);
    const dir = join(tmpdir(), `tastegraph-catalog-encoder-${h.digest('hex').slice(0, 16)}`);
    const complete = () =>
      ['model.safetensors', 'tokenizer.json', 'config.json'].every((f) => existsSync(join(dir, f)));
    if (complete()) return dir;
    try {
      await fitCatalogEncoder(texts, { outDir: dir, ...fitOpts });
    } catch (err) {
      if (!complete()) throw err; // another test process won the race
    }
    return dir;
  })();
  return dirPromise;
}

/** The vocabulary-quantized Model2Vec model distilled from bge-base-en-v1.5 (see its MODEL.md). */
export const M2V_BGE_DIR = join(SHARED_MODELS_DIR, 'm2v-bge-base-vq128');

/**
 * Whether a shared model directory is present. Absent outside CI: false, with a warning (the tests skip). In CI
 * (env CI set) the model must be there: true, so the tests run and fail loudly instead of skipping silently.
 */
export function sharedModelPresent(dir: string, what: string): boolean {
  if (existsSync(join(dir, 'model.safetensors'))) return true;
  if (process.env.CI) return true;
  console.warn(`${what} tests skipped: no model at ${dir} (set TASTEGRAPH_SHARED_DIR)`);
  return false;
}
