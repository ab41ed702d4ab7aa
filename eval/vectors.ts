// Item vectors from the product's encoder (same text template as upsertItems), cached on disk between runs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { itemText } from '../src/inference/itemText.js';
import { loadEncoder } from '../src/inference/loadEncoder.js';
import type { Encoder } from '../src/inference/types.js';
import type { LoadedDataset } from './datasets/types.js';
import { Progress } from './progress.js';

/** eval/.cache is ignored by git (the repository's `.cache/` rule). */
export const CACHE_DIR = resolve(import.meta.dirname, '.cache');

export interface ItemVectors {
  encoderId: string;
  encoderKind: string;
  /** 'lexical', 'catalog' or the model directory given. */
  encoderSpec: string;
  dim: number;
  /** Row-major nItems x dim, unit length rows (zero rows for empty texts). */
  matrix: Float32Array;
  /** Per-item views into matrix. */
  rows: Float32Array[];
  fromCache: boolean;
  seconds: number;
  /** The loaded encoder (for the GraphQL/product path and user texts); null when vectors came from cache and it was not needed. */
  encoder: Encoder;
  /** Catalog encoder only: the directory of the fitted model. */
  modelDir: string | null;
}

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function itemTexts(ds: LoadedDataset): string[] {
  return ds.items.map((it) => itemText(it));
}

interface FitModule {
  fitCatalogEncoder(texts: string[], opts: { outDir: string; dim?: number }): Promise<unknown>;
}

/** Resolves --encoder: 'lexical' (built-in), 'catalog' (fitted on this dataset's item texts, cached) or a model directory. */
export async function openEncoder(
  spec: string,
  ds: LoadedDataset,
  texts: string[],
  opts: { catalogDim?: number; lexicalDim?: number } = {},
): Promise<{ encoder: Encoder; modelDir: string | null }> {
  if (spec === 'lexical')
    return { encoder: await loadEncoder(opts.lexicalDim ? { dim: opts.lexicalDim } : {}), modelDir: null };
  if (spec === 'catalog') {
    const dim = opts.catalogDim ?? 256;
    const dir = join(CACHE_DIR, 'encoders', `catalog-${ds.name}-${dim}-${sha(texts.join('\n')).slice(0, 16)}`);
    if (!existsSync(join(dir, 'model.safetensors'))) {
      const t0 = performance.now();
      process.stderr.write(`fitting catalog encoder on ${texts.length} item texts (dim ${dim}) -> ${dir}\n`);
      // Loaded lazily: the fit module belongs to src/inference and is only needed for --encoder catalog.
      const fitPath = '../src/inference/fit.js';
      const mod = (await import(fitPath)) as FitModule;
      mkdirSync(dir, { recursive: true });
      await mod.fitCatalogEncoder(texts, { outDir: dir, dim });
      process.stderr.write(`catalog encoder fitted in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    return { encoder: await loadEncoder({ modelDir: dir }), modelDir: dir };
  }
  return { encoder: await loadEncoder({ modelDir: spec }), modelDir: resolve(spec) };
}

/** Encodes every item once per (encoder id, texts) and keeps the matrix in eval/.cache/vectors. */
export async function itemVectors(
  spec: string,
  ds: LoadedDataset,
  opts: { catalogDim?: number; lexicalDim?: number; batch?: number } = {},
): Promise<ItemVectors> {
  const t0 = performance.now();
  const texts = itemTexts(ds);
  const { encoder, modelDir } = await openEncoder(spec, ds, texts, opts);
  const key = `${encoder.id}-${sha(texts.join('\n')).slice(0, 20)}`;
  const dir = join(CACHE_DIR, 'vectors');
  const file = join(dir, `${key}.f32`);
  const n = texts.length;
  const dim = encoder.dim;
  let matrix: Float32Array;
  let fromCache = false;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength !== n * dim * 4) throw new Error(`vector cache ${file} has the wrong size; delete it`);
    matrix = new Float32Array(buf.buffer, buf.byteOffset, n * dim).slice();
    fromCache = true;
  } else {
    matrix = new Float32Array(n * dim);
    const batch = opts.batch ?? 64;
    const progress = new Progress(`encode items (${encoder.id})`, n);
    for (let s = 0; s < n; s += batch) {
      const vs = await encoder.encodeBatch(texts.slice(s, s + batch), 'passage');
      vs.forEach((v, k) => matrix.set(v, (s + k) * dim));
      progress.tick(vs.length);
    }
    progress.done();
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength));
    renameSync(tmp, file);
  }
  const rows = Array.from({ length: n }, (_, i) => matrix.subarray(i * dim, (i + 1) * dim));
  return {
    encoderId: encoder.id,
    encoderKind: encoder.kind,
    encoderSpec: spec,
    dim,
    matrix,
    rows,
    fromCache,
    seconds: (performance.now() - t0) / 1000,
    encoder,
    modelDir,
  };
}
