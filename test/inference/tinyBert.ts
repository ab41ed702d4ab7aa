// Builds a tiny BERT-shaped ONNX model with fixed deterministic weights (protobufjs, no downloads) plus a
// WordPiece tokenizer.json, in the sentence-transformers directory layout, and a plain-JS reference forward.
//
// Model: x_t = wemb[id_t] + pemb[t] + temb[type_t]; ctx = masked mean of x; h_t = tanh(x_t W + ctx U + b)
// -> last_hidden_state [b, s, d]. The ctx term makes every position depend on the attention mask, so a wrong
// mask or padding would change the vectors. Optional output sentence_embedding = tanh(ctx S) [b, d].
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOnnxModel, DType, type OnnxNode } from '../../src/inference/onnxProto.js';
import { gaussian } from '../../src/domain/linalg.js';

export const D = 16;
export const MAX_POS = 32;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = (
  'the a an is are man woman someone plays play playing guitar acoustic stock market fell sharply today ' +
  'space adventure with star and rebels ship haunted house full of ghosts music film movie good bad old new ' +
  'run running trail sci fi . , ! ? - ##s ##ing ##ed ##er ##ly'
).split(' ');
export const VOCAB: string[] = [...SPECIALS, ...WORDS];

export interface TinyWeights {
  wemb: Float32Array;
  pemb: Float32Array;
  temb: Float32Array;
  W: Float32Array;
  U: Float32Array;
  S: Float32Array;
  bias: Float32Array;
}

export function tinyWeights(seed = 7): TinyWeights {
  const g = gaussian(seed);
  const mk = (n: number, scale: number) => Float32Array.from({ length: n }, () => g() * scale);
  return {
    wemb: mk(VOCAB.length * D, 0.5),
    pemb: mk(MAX_POS * D, 0.3),
    temb: mk(2 * D, 0.3),
    W: mk(D * D, 0.4),
    U: mk(D * D, 0.4),
    S: mk(D * D, 0.4),
    bias: mk(D, 0.1),
  };
}

export function tinyBertOnnx(
  w: TinyWeights,
  opts: { tokenTypes?: boolean; sentenceEmbedding?: boolean } = {},
): Uint8Array {
  const tokenTypes = opts.tokenTypes ?? true;
  const nodes: OnnxNode[] = [
    { op: 'Gather', inputs: ['wemb', 'input_ids'], outputs: ['xw'], attrs: { axis: 0 } },
    { op: 'Shape', inputs: ['input_ids'], outputs: ['shp'] },
    { op: 'Gather', inputs: ['shp', 'i1'], outputs: ['slen'], attrs: { axis: 0 } },
    { op: 'Range', inputs: ['i0', 'slen', 'i1'], outputs: ['pos'] },
    { op: 'Gather', inputs: ['pemb', 'pos'], outputs: ['xp'], attrs: { axis: 0 } },
    { op: 'Add', inputs: ['xw', 'xp'], outputs: tokenTypes ? ['x1'] : ['x'] },
    ...(tokenTypes
      ? [
          { op: 'Gather', inputs: ['temb', 'token_type_ids'], outputs: ['xt'], attrs: { axis: 0 } },
          { op: 'Add', inputs: ['x1', 'xt'], outputs: ['x'] },
        ]
      : []),
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['mf'], attrs: { to: DType.FLOAT } },
    { op: 'Unsqueeze', inputs: ['mf', 'ax2'], outputs: ['m3'] },
    { op: 'Mul', inputs: ['x', 'm3'], outputs: ['xm'] },
    { op: 'ReduceSum', inputs: ['xm', 'ax1'], outputs: ['sx'], attrs: { keepdims: 1 } },
    { op: 'ReduceSum', inputs: ['m3', 'ax1'], outputs: ['cnt'], attrs: { keepdims: 1 } },
    { op: 'Div', inputs: ['sx', 'cnt'], outputs: ['ctx'] },
    { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xW'] },
    { op: 'MatMul', inputs: ['ctx', 'U'], outputs: ['cU'] },
    { op: 'Add', inputs: ['xW', 'cU'], outputs: ['h1'] },
    { op: 'Add', inputs: ['h1', 'bias'], outputs: ['h2'] },
    { op: 'Tanh', inputs: ['h2'], outputs: ['last_hidden_state'] },
  ];
  const outputs = [
    { name: 'last_hidden_state', type: DType.FLOAT, shape: ['batch', 'seq', D] as Array<string | number> },
  ];
  if (opts.sentenceEmbedding) {
    nodes.push(
      { op: 'Squeeze', inputs: ['ctx', 'ax1'], outputs: ['ctx2'] },
      { op: 'MatMul', inputs: ['ctx2', 'S'], outputs: ['cS'] },
      { op: 'Tanh', inputs: ['cS'], outputs: ['sentence_embedding'] },
    );
    outputs.push({ name: 'sentence_embedding', type: DType.FLOAT, shape: ['batch', D] });
  }
  const i64 = (v: bigint) => BigInt64Array.from([v]);
  return buildOnnxModel({
    name: 'tiny_bert',
    nodes,
    inputs: [
      { name: 'input_ids', type: DType.INT64, shape: ['batch', 'seq'] },
      { name: 'attention_mask', type: DType.INT64, shape: ['batch', 'seq'] },
      ...(tokenTypes ? [{ name: 'token_type_ids', type: DType.INT64, shape: ['batch', 'seq'] }] : []),
    ],
    outputs,
    initializers: [
      { name: 'wemb', type: DType.FLOAT, dims: [VOCAB.length, D], data: w.wemb },
      { name: 'pemb', type: DType.FLOAT, dims: [MAX_POS, D], data: w.pemb },
      { name: 'temb', type: DType.FLOAT, dims: [2, D], data: w.temb },
      { name: 'W', type: DType.FLOAT, dims: [D, D], data: w.W },
      { name: 'U', type: DType.FLOAT, dims: [D, D], data: w.U },
      { name: 'S', type: DType.FLOAT, dims: [D, D], data: w.S },
      { name: 'bias', type: DType.FLOAT, dims: [D], data: w.bias },
      { name: 'i0', type: DType.INT64, dims: [], data: i64(0n) },
      { name: 'i1', type: DType.INT64, dims: [], data: i64(1n) },
      { name: 'ax1', type: DType.INT64, dims: [1], data: i64(1n) },
      { name: 'ax2', type: DType.INT64, dims: [1], data: i64(2n) },
    ],
  });
}

export function tinyTokenizerJson(): object {
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((s, i) => special(s, i)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
}

export interface TinyDirOptions {
  pooling?: 'mean' | 'cls';
  tokenTypes?: boolean;
  sentenceEmbedding?: boolean;
  /** tokenizer_config model_max_length (default 16). */
  maxLength?: number;
  /** Put the model at onnx/model.onnx (default) or model.onnx. */
  nested?: boolean;
  seed?: number;
}

/** Writes a sentence-transformers style directory; returns its weights for the reference forward. */
export function writeTinyBertDir(dir: string, o: TinyDirOptions = {}): TinyWeights {
  const w = tinyWeights(o.seed ?? 7);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  writeFileSync(
    join(dir, o.nested === false ? 'model.onnx' : join('onnx', 'model.onnx')),
    tinyBertOnnx(w, { tokenTypes: o.tokenTypes, sentenceEmbedding: o.sentenceEmbedding }),
  );
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: D, max_position_embeddings: MAX_POS }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ model_max_length: o.maxLength ?? 16, pad_token: '[PAD]' }),
  );
  const pooling = o.pooling ?? 'mean';
  writeFileSync(
    join(dir, '1_Pooling', 'config.json'),
    JSON.stringify({
      word_embedding_dimension: D,
      pooling_mode_cls_token: pooling === 'cls',
      pooling_mode_mean_tokens: pooling === 'mean',
      pooling_mode_max_tokens: false,
    }),
  );
  return w;
}

/** Plain-JS forward pass for one unpadded token sequence; returns the L2-normalised pooled vector. */
export function referenceVector(
  w: TinyWeights,
  ids: number[],
  mode: 'mean' | 'cls' | 'sentence_embedding',
  tokenTypes = true,
): Float32Array {
  const n = ids.length;
  const x = ids.map((id, t) => {
    const v = new Float64Array(D);
    for (let j = 0; j < D; j++) v[j] = w.wemb[id * D + j]! + w.pemb[t * D + j]! + (tokenTypes ? w.temb[j]! : 0);
    return v;
  });
  const ctx = new Float64Array(D);
  for (const v of x) for (let j = 0; j < D; j++) ctx[j]! += v[j]! / n;
  const matvec = (v: Float64Array, m: Float32Array) => {
    const o = new Float64Array(D);
    for (let j = 0; j < D; j++) for (let i = 0; i < D; i++) o[j]! += v[i]! * m[i * D + j]!;
    return o;
  };
  let pooled: Float64Array;
  if (mode === 'sentence_embedding') pooled = matvec(ctx, w.S).map(Math.tanh);
  else {
    const cU = matvec(ctx, w.U);
    const h = x.map((v) => {
      const xw = matvec(v, w.W);
      return xw.map((a, j) => Math.tanh(a + cU[j]! + w.bias[j]!));
    });
    if (mode === 'cls') pooled = h[0]!;
    else {
      pooled = new Float64Array(D);
      for (const v of h) for (let j = 0; j < D; j++) pooled[j]! += v[j]! / n;
    }
  }
  const norm = Math.sqrt(pooled.reduce((s, a) => s + a * a, 0));
  return Float32Array.from(pooled, (a) => a / norm);
}
