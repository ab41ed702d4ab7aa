// Fits a catalog encoder from item texts: word co-occurrence within a window -> PPMI (context distribution
// smoothing 0.75) -> randomized truncated SVD -> token vectors U * S^0.5, centred, unit rows times a SIF weight
// a / (a + p(word)). Written in the Model2Vec static layout (model.safetensors + tokenizer.json + config.json)
// so it loads through the static-model path like any other model.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomizedSvd, type Csr } from '../domain/linalg.js';
import { writeSafetensors } from './safetensors.js';

export interface FitOptions {
  outDir: string;
  /** Vector dimension (default 128; at most the vocabulary size). */
  dim?: number;
  /** Least corpus count for a word to get a vector (default 2). */
  minCount?: number;
  /** Co-occurrence window in words on each side (default 8); 0 = the whole text. */
  window?: number;
  /** Vocabulary cap, most frequent first (default 30000). */
  maxVocab?: number;
  /** SIF weight parameter a (default 1e-3); 0 disables the frequency weighting. */
  sifA?: number;
  /** Subspace iterations of the randomized SVD (default 3). */
  powerIters?: number;
  seed?: number;
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface FitResult {
  outDir: string;
  vocabSize: number;
  dim: number;
}

export const FIT_VERSION = 1;

/**
 * Words as the fitted tokenizer.json sees them: BertNormalizer (lowercase, strip accents) then
 * BertPreTokenizer (whitespace and punctuation split); only letter/digit words get vectors.
 */
export function fitWords(text: string): string[] {
  return (
    text
      .normalize('NFD')
      .replace(/\p{Mn}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export async function fitCatalogEncoder(texts: string[], opts: FitOptions): Promise<FitResult> {
  const dimWanted = opts.dim ?? 128;
  const minCount = opts.minCount ?? 2;
  const window = opts.window ?? 8;
  const maxVocab = opts.maxVocab ?? 30_000;
  const sifA = opts.sifA ?? 1e-3;
  const progress = opts.onProgress ?? (() => {});
  const outDir = resolve(opts.outDir);

  // 1. Tokenise and count.
  const docs: string[][] = [];
  const freq = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const ws = fitWords(texts[i] ?? '');
    docs.push(ws);
    for (const w of ws) freq.set(w, (freq.get(w) ?? 0) + 1);
    if (i % 2000 === 0) progress(i, texts.length, 'tokenize');
  }
  progress(texts.length, texts.length, 'tokenize');
  const vocab = [...freq.entries()]
    .filter(([w, c]) => c >= minCount && w.length <= 100)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxVocab)
    .map(([w]) => w);
  const V = vocab.length;
  if (V < 2) throw new Error(`only ${V} words occur at least ${minCount} times; give more text or lower minCount`);
  const index = new Map(vocab.map((w, i) => [w, i]));
  const counts = new Float64Array(V);
  let totalTokens = 0;

  // 2. Co-occurrence (harmonic window weights 1/d), symmetric; upper triangle keyed i*V+j.
  const co = new Map<number, number>();
  for (let di = 0; di < docs.length; di++) {
    const ids: number[] = [];
    for (const w of docs[di]!) {
      const id = index.get(w);
      if (id !== undefined) {
        ids.push(id);
        counts[id]!++;
      }
    }
    totalTokens += ids.length;
    const win = window > 0 ? window : ids.length;
    for (let p = 0; p < ids.length; p++) {
      const a = ids[p]!;
      const end = Math.min(ids.length, p + win + 1);
      for (let q = p + 1; q < end; q++) {
        const b = ids[q]!;
        if (a === b) continue;
        const key = a < b ? a * V + b : b * V + a;
        const wgt = window > 0 ? 1 / (q - p) : 1;
        co.set(key, (co.get(key) ?? 0) + wgt);
      }
    }
    if (di % 1000 === 0) progress(di, docs.length, 'cooccur');
  }
  progress(docs.length, docs.length, 'cooccur');

  // 3. PPMI with context distribution smoothing (Levy, Goldberg, Dagan 2015).
  const rowSum = new Float64Array(V);
  let total = 0;
  for (const [key, c] of co) {
    const i = Math.floor(key / V);
    const j = key - i * V;
    rowSum[i]! += c;
    rowSum[j]! += c;
    total += 2 * c;
  }
  let ctxNorm = 0;
  for (let j = 0; j < V; j++) ctxNorm += rowSum[j]! ** 0.75;
  const logTotal = Math.log(total);
  const logRow = Float64Array.from(rowSum, (r) => (r > 0 ? Math.log(r) : 0));
  const logCtx = Float64Array.from(rowSum, (r) => (r > 0 ? 0.75 * Math.log(r) - Math.log(ctxNorm) : 0));
  const nnzPerRow = new Int32Array(V + 1);
  const entries: Array<[number, number, number]> = [];
  for (const [key, c] of co) {
    const i = Math.floor(key / V);
    const j = key - i * V;
    const lc = Math.log(c) - logTotal;
    const pij = lc - (logRow[i]! - logTotal) - logCtx[j]!;
    const pji = lc - (logRow[j]! - logTotal) - logCtx[i]!;
    if (pij > 0) {
      entries.push([i, j, pij]);
      nnzPerRow[i + 1]!++;
    }
    if (pji > 0) {
      entries.push([j, i, pji]);
      nnzPerRow[j + 1]!++;
    }
  }
  co.clear();
  for (let i = 0; i < V; i++) nnzPerRow[i + 1]! += nnzPerRow[i]!;
  const next = nnzPerRow.slice(0, V);
  const indices = new Int32Array(entries.length);
  const values = new Float32Array(entries.length);
  for (const [i, j, v] of entries) {
    const p = next[i]!++;
    indices[p] = j;
    values[p] = v;
  }
  const ppmi: Csr = { rows: V, cols: V, indptr: nnzPerRow, indices, values };
  progress(1, 1, 'ppmi');

  // 4. Truncated SVD; token vectors U * S^0.5.
  const { u, s, k } = randomizedSvd(ppmi, Math.min(dimWanted, V - 1), {
    powerIters: opts.powerIters ?? 3,
    seed: opts.seed ?? 42,
    onStep: (d, t) => progress(d, t, 'svd'),
  });
  const dim = k;
  const vec = new Float64Array(V * dim);
  for (let i = 0; i < V; i++) for (let c = 0; c < dim; c++) vec[i * dim + c] = u[i * dim + c]! * Math.sqrt(s[c]!);

  // 5. Unit rows, minus their frequency-weighted mean direction (the component every text shares),
  //    unit again, times a SIF weight so frequent words count less in a text's mean.
  const normalizeRow = (i: number) => {
    let n = 0;
    for (let c = 0; c < dim; c++) n += vec[i * dim + c]! ** 2;
    if (n > 0) for (let c = 0; c < dim; c++) vec[i * dim + c]! /= Math.sqrt(n);
    return n > 0;
  };
  const has = new Uint8Array(V);
  for (let i = 0; i < V; i++) has[i] = normalizeRow(i) ? 1 : 0;
  const mean = new Float64Array(dim);
  let wsum = 0;
  for (let i = 0; i < V; i++) {
    if (!has[i]) continue;
    const w = counts[i]! * (sifA > 0 ? sifA / (sifA + counts[i]! / totalTokens) : 1);
    wsum += w;
    for (let c = 0; c < dim; c++) mean[c]! += w * vec[i * dim + c]!;
  }
  for (let c = 0; c < dim; c++) mean[c]! /= wsum || 1;
  const out = new Float32Array((V + 1) * dim); // last row: [UNK], zero
  for (let i = 0; i < V; i++) {
    if (!has[i]) continue;
    for (let c = 0; c < dim; c++) vec[i * dim + c]! -= mean[c]!;
    normalizeRow(i);
    const p = counts[i]! / totalTokens;
    const w = sifA > 0 ? sifA / (sifA + p) : 1;
    for (let c = 0; c < dim; c++) out[i * dim + c] = vec[i * dim + c]! * w;
  }

  // 6. Write to a temp dir next to outDir, then swap it in.
  progress(0, 1, 'write');
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: V, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordPiece',
      vocab: Object.fromEntries([...vocab.map((w, i) => [w, i] as const), ['[UNK]', V] as const]),
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
    },
  };
  const config = {
    model_type: 'model2vec',
    architectures: ['StaticModel'],
    hidden_dim: dim,
    normalize: true,
    tokenizer_name: 'tastegraph-catalog-wordlevel',
    unk_token: '[UNK]',
    tastegraph_fit: {
      version: FIT_VERSION,
      method: 'window co-occurrence PPMI (cds 0.75) + randomized SVD, U*S^0.5, centred, SIF-weighted',
      texts: texts.length,
      tokens: totalTokens,
      vocab_size: V,
      dim,
      min_count: minCount,
      window,
      sif_a: sifA,
    },
  };
  const parent = dirname(outDir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outDir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    await writeFile(
      join(tmp, 'model.safetensors'),
      writeSafetensors(
        { embeddings: { shape: [V + 1, dim], data: out } },
        { format: 'pt', source: 'tastegraph encoder:fit' },
      ),
    );
    await writeFile(join(tmp, 'tokenizer.json'), JSON.stringify(tokenizer));
    await writeFile(join(tmp, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    let old: string | null = null;
    if (existsSync(outDir)) {
      old = join(parent, `.${basename(outDir)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
      await rename(outDir, old);
    }
    await rename(tmp, outDir);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  progress(1, 1, 'write');
  return { outDir, vocabSize: V, dim };
}
