// Model2Vec-layout static models (model.safetensors `embeddings` + tokenizer.json), run as a small ONNX graph:
// Gather -> masked mean -> L2 normalise, with the matrix as an initializer.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Encoder } from './types.js';
import { runBucketed } from './batching.js';
import { buildOnnxModel, DType } from './onnxProto.js';
import { createSession, ort, type SessionOpts } from './ort.js';
import { parseSafetensors, tensorToFloat32 } from './safetensors.js';
import { HfTokenizer } from './tokenize.js';

/** Tokens kept per text (the mean of the first MAX_TOKENS token vectors). */
export const MAX_TOKENS = 4096;

export interface StaticModelFiles {
  vocabSize: number;
  dim: number;
  matrix: Float32Array;
}

/** Reads the embedding matrix (float32, float16, or int8 with scales; optional per-token weights and mapping). */
export function readStaticMatrix(buf: Uint8Array): StaticModelFiles {
  const tensors = parseSafetensors(buf);
  const emb = tensors.get('embeddings') ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
  if (!emb) throw new Error(`no "embeddings" tensor (found: ${[...tensors.keys()].join(', ') || 'none'})`);
  if (emb.shape.length !== 2) throw new Error(`"embeddings" must be 2-D [vocab, dim], got [${emb.shape.join(', ')}]`);
  const [rows, dim] = emb.shape as [number, number];
  let m = tensorToFloat32(emb);
  const scaleT = tensors.get('scales') ?? tensors.get('scale') ?? tensors.get('embeddings_scale');
  if (scaleT) {
    const s = tensorToFloat32(scaleT);
    if (s.length === 1) for (let i = 0; i < m.length; i++) m[i]! *= s[0]!;
    else if (s.length === rows) for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) m[r * dim + c]! *= s[r]!;
    else throw new Error(`scale tensor has ${s.length} values; expected 1 or ${rows}`);
  } else if (emb.dtype === 'I8' || emb.dtype === 'U8') {
    throw new Error('int8 "embeddings" without a "scales" tensor');
  }
  // Vocabulary-quantized models (model2vec `quantize_vocabulary`): `embeddings` holds cluster rows, `mapping` [vocab]
  // sends each token to its row and `weights` [vocab] scales it. Expanded here to one row per token.
  const mapping = tensors.get('mapping');
  const weights = tensors.get('weights');
  let vocab = rows;
  if (mapping) {
    if (mapping.shape.length !== 1) throw new Error(`"mapping" must be 1-D [vocab], got [${mapping.shape.join(', ')}]`);
    if (!['I32', 'I64', 'U8', 'I8'].includes(mapping.dtype))
      throw new Error(`"mapping" must hold integers, got ${mapping.dtype}`);
    const map = tensorToFloat32(mapping);
    vocab = map.length;
    const full = new Float32Array(vocab * dim);
    for (let t = 0; t < vocab; t++) {
      const row = map[t]!;
      if (!(Number.isInteger(row) && row >= 0 && row < rows))
        throw new Error(`"mapping"[${t}] = ${row} is not a row of "embeddings" (0..${rows - 1})`);
      full.set(m.subarray(row * dim, row * dim + dim), t * dim);
    }
    m = full;
  } else if (weights && weights.shape[0] !== rows) {
    throw new Error(`"weights" without "mapping" must have one value per embeddings row (${rows})`);
  }
  if (weights) {
    const w = tensorToFloat32(weights);
    if (w.length !== vocab) throw new Error(`"weights" has ${w.length} values; expected ${vocab}`);
    for (let r = 0; r < vocab; r++) {
      if (!Number.isFinite(w[r]!)) throw new Error(`"weights"[${r}] is not finite`);
      for (let c = 0; c < dim; c++) m[r * dim + c]! *= w[r]!;
    }
  }
  return { vocabSize: vocab, dim, matrix: m };
}

/** The ONNX graph: input_ids int32 [b, s], attention_mask float [b, s] -> embedding float [b, dim] (unit length). */
export function staticGraph(matrix: Float32Array, vocabSize: number, dim: number): Uint8Array {
  return buildOnnxModel({
    name: 'static_mean_pool',
    inputs: [
      { name: 'input_ids', type: DType.INT32, shape: ['batch', 'seq'] },
      { name: 'attention_mask', type: DType.FLOAT, shape: ['batch', 'seq'] },
    ],
    outputs: [{ name: 'embedding', type: DType.FLOAT, shape: ['batch', dim] }],
    initializers: [
      { name: 'E', type: DType.FLOAT, dims: [vocabSize, dim], data: matrix },
      { name: 'ax1', type: DType.INT64, dims: [1], data: BigInt64Array.from([1n]) },
      { name: 'ax2', type: DType.INT64, dims: [1], data: BigInt64Array.from([2n]) },
      { name: 'one', type: DType.FLOAT, dims: [], data: Float32Array.from([1]) },
      { name: 'eps', type: DType.FLOAT, dims: [], data: Float32Array.from([1e-12]) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['emb'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['attention_mask', 'ax2'], outputs: ['m3'] },
      { op: 'Mul', inputs: ['emb', 'm3'], outputs: ['masked'] },
      { op: 'ReduceSum', inputs: ['masked', 'ax1'], outputs: ['sum'], attrs: { keepdims: 0 } },
      { op: 'ReduceSum', inputs: ['attention_mask', 'ax1'], outputs: ['count'], attrs: { keepdims: 1 } },
      { op: 'Max', inputs: ['count', 'one'], outputs: ['count1'] },
      { op: 'Div', inputs: ['sum', 'count1'], outputs: ['mean'] },
      { op: 'ReduceL2', inputs: ['mean'], outputs: ['norm'], attrs: { axes: [1], keepdims: 1 } },
      { op: 'Max', inputs: ['norm', 'eps'], outputs: ['norm1'] },
      { op: 'Div', inputs: ['mean', 'norm1'], outputs: ['embedding'] },
    ],
  });
}

export class StaticEncoder implements Encoder {
  readonly kind = 'static' as const;
  private constructor(
    readonly id: string,
    readonly dim: number,
    readonly vocabSize: number,
    private readonly tokenizer: HfTokenizer,
    private readonly session: ort.InferenceSession,
    private readonly chunkSize: number,
  ) {}

  static async load(dir: string, id: string, opts: SessionOpts & { chunkSize?: number } = {}): Promise<StaticEncoder> {
    const { matrix, vocabSize, dim } = readStaticMatrix(readFileSync(join(dir, 'model.safetensors')));
    const tcfg = join(dir, 'tokenizer_config.json');
    const tokenizer = HfTokenizer.fromFiles(join(dir, 'tokenizer.json'), existsSync(tcfg) ? tcfg : null);
    // The graph is a gather and a few reductions: one intra-op thread is enough and leaves the other cores to
    // the tokenizer and the event loop (unless threads is set explicitly).
    const session = await createSession(staticGraph(matrix, vocabSize, dim), { ...opts, threads: opts.threads || 1 });
    return new StaticEncoder(id, dim, vocabSize, tokenizer, session, opts.chunkSize ?? 32);
  }

  async encodeBatch(texts: string[]): Promise<Float32Array[]> {
    // No positions, so no model max length; MAX_TOKENS only bounds the tensor size for pathological inputs.
    const toks = texts.map((t) =>
      this.tokenizer.encode(t, false, MAX_TOKENS).ids.filter((id) => id >= 0 && id < this.vocabSize),
    );
    return runBucketed(
      toks.map((t) => t.length),
      this.dim,
      this.chunkSize,
      async (idx) => {
        const seq = Math.max(...idx.map((i) => toks[i]!.length));
        const ids = new Int32Array(idx.length * seq);
        const mask = new Float32Array(idx.length * seq);
        idx.forEach((i, r) => {
          const t = toks[i]!;
          for (let k = 0; k < t.length; k++) {
            ids[r * seq + k] = t[k]!;
            mask[r * seq + k] = 1;
          }
        });
        const res = await this.session.run({
          input_ids: new ort.Tensor('int32', ids, [idx.length, seq]),
          attention_mask: new ort.Tensor('float32', mask, [idx.length, seq]),
        });
        const data = res.embedding!.data as Float32Array;
        return idx.map((_, r) => data.slice(r * this.dim, (r + 1) * this.dim));
      },
    );
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
