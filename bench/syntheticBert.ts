// A MiniLM-L6-shaped BERT encoder with random weights (6 layers, hidden 384, 12 heads, FFN 1536, real
// self-attention with the padding mask), so the benchmark can measure the transformer path at a realistic
// compute cost without pretrained weights (none can be downloaded here). Its vectors mean nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOnnxModel, DType, type OnnxInitializer, type OnnxNode } from '../src/inference/onnxProto.js';
import { fitWords } from '../src/inference/fit.js';

export function writeSyntheticMiniLM(
  dir: string,
  texts: string[],
  o: { layers?: number; hidden?: number; heads?: number; ffn?: number; maxLen?: number; vocabWords?: number } = {},
): void {
  const L = o.layers ?? 6;
  const d = o.hidden ?? 384;
  const h = o.heads ?? 12;
  const dh = d / h;
  const ffn = o.ffn ?? 1536;
  const maxLen = o.maxLen ?? 256;

  // WordPiece vocab: frequent words of the texts, then single characters as first and ## pieces.
  const freq = new Map<string, number>();
  for (const t of texts) for (const w of fitWords(t)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const words = [...freq.entries()].sort((a, b) => b[1] - a[1]).slice(0, o.vocabWords ?? 20_000).map(([w]) => w);
  const chars = new Set<string>();
  for (const t of texts) for (const c of t.toLowerCase()) if (c.trim()) chars.add(c);
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const seen = new Set(vocab);
  const add = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  };
  for (const c of chars) {
    add(c);
    add(`##${c}`);
  }
  for (const w of words) add(w);
  const V = vocab.length;

  let seed = 12345;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 0.07; // uniform, std ~0.02
  };
  const inits: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const mat = (name: string, dims: number[]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rnd();
    inits.push({ name, type: DType.FLOAT, dims, data });
    return name;
  };
  const constF = (name: string, dims: number[], v: number) => {
    inits.push({ name, type: DType.FLOAT, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(v) });
    return name;
  };
  const constI = (name: string, vals: number[]) => {
    inits.push({ name, type: DType.INT64, dims: [vals.length], data: BigInt64Array.from(vals.map(BigInt)) });
    return name;
  };
  const node = (op: string, inputs: string[], output: string, attrs?: OnnxNode['attrs']) => {
    nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  };
  inits.push({ name: 'i0', type: DType.INT64, dims: [], data: BigInt64Array.from([0n]) });
  inits.push({ name: 'i1', type: DType.INT64, dims: [], data: BigInt64Array.from([1n]) });
  constF('ones', [d], 1);
  constF('zeros', [d], 0);
  const ln = (x: string, out: string) => node('LayerNormalization', [x, 'ones', 'zeros'], out, { axis: -1, epsilon: { float: 1e-12 } });

  // Embeddings.
  const xw = node('Gather', [mat('wemb', [V, d]), 'input_ids'], 'xw', { axis: 0 });
  const shp = node('Shape', ['input_ids'], 'shp');
  const slen = node('Gather', [shp, 'i1'], 'slen', { axis: 0 });
  const pos = node('Range', ['i0', slen, 'i1'], 'pos');
  const xp = node('Gather', [mat('pemb', [512, d]), pos], 'xp', { axis: 0 });
  const xt = node('Gather', [mat('temb', [2, d]), 'token_type_ids'], 'xt', { axis: 0 });
  let x = ln(node('Add', [node('Add', [xw, xp], 'e1'), xt], 'e2'), 'x0');

  // Additive mask bias [b, 1, 1, s]: 0 for tokens, -10000 for padding.
  const mf = node('Cast', ['attention_mask'], 'mf', { to: DType.FLOAT });
  const inv = node('Sub', [constF('one', [], 1), mf], 'minv');
  const bias = node('Mul', [inv, constF('neg', [], -10000)], 'mbias2');
  const mbias = node('Unsqueeze', [bias, constI('ax12', [1, 2])], 'mbias');
  const split = constI('shape_bshd', [0, 0, h, dh]);
  const merge = constI('shape_bsd', [0, 0, d]);
  const scale = constF('scale', [], 1 / Math.sqrt(dh));

  for (let l = 0; l < L; l++) {
    const p = `l${l}_`;
    const proj = (w: string, perm: number[]) =>
      node('Transpose', [node('Reshape', [node('MatMul', [x, mat(p + w, [d, d])], p + w + 'x'), split], p + w + 'r')], p + w + 't', { perm });
    const q = proj('q', [0, 2, 1, 3]);
    const k = proj('k', [0, 2, 3, 1]);
    const v = proj('v', [0, 2, 1, 3]);
    const scores = node('Add', [node('Mul', [node('MatMul', [q, k], p + 'qk'), scale], p + 'qks'), mbias], p + 'sc');
    const probs = node('Softmax', [scores], p + 'pr', { axis: -1 });
    const ctx = node('Reshape', [node('Transpose', [node('MatMul', [probs, v], p + 'cv')], p + 'ct', { perm: [0, 2, 1, 3] }), merge], p + 'cm');
    const attn = node('MatMul', [ctx, mat(p + 'o', [d, d])], p + 'ao');
    const x1 = ln(node('Add', [x, attn], p + 'r1'), p + 'ln1');
    const f1 = node('Relu', [node('MatMul', [x1, mat(p + 'f1', [d, ffn])], p + 'f1x')], p + 'f1r');
    const f2 = node('MatMul', [f1, mat(p + 'f2', [ffn, d])], p + 'f2x');
    x = ln(node('Add', [x1, f2], p + 'r2'), l === L - 1 ? 'last_hidden_state' : p + 'ln2');
  }

  const bytes = buildOnnxModel({
    name: 'synthetic_minilm',
    nodes,
    initializers: inits,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, type: DType.INT64, shape: ['batch', 'seq'] })),
    outputs: [{ name: 'last_hidden_state', type: DType.FLOAT, shape: ['batch', 'seq', d] }],
  });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: vocab.slice(0, 5).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [],
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
      },
      decoder: null,
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
    }),
  );
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: d, num_hidden_layers: L, max_position_embeddings: 512 }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 512, pad_token: '[PAD]' }));
  writeFileSync(join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: maxLen }));
  writeFileSync(
    join(dir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: d, pooling_mode_mean_tokens: true, pooling_mode_cls_token: false }),
  );
}
