// Sentence-transformers style ONNX exports (BERT family): tokenise with special tokens, truncate at the model's
// max length, pad each length bucket to its longest text, run, pool (or take `sentence_embedding`), normalise.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Encoder, TextRole } from './types.js';
import { l2normalize, runBucketed } from './batching.js';
import { createSession, int64Tensor, type ort, type SessionOpts } from './ort.js';
import { HfTokenizer } from './tokenize.js';

export type Pooling = 'mean' | 'cls' | 'max';

export interface TransformerOptions extends SessionOpts {
  /** Overrides 1_Pooling/config.json. */
  pooling?: Pooling;
  /** Overrides the max length read from the model files (tokens, special tokens included). */
  maxLength?: number;
  /** Overrides detected prefixes (e5: "query: "/"passage: "; bge: an instruction for queries). */
  prefixes?: { query?: string; passage?: string };
  /** Texts per ONNX run after length sorting (default 32). */
  chunkSize?: number;
}

const BGE_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

function readJson(path: string): Record<string, unknown> | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : null;
}

/** The ONNX file of a transformer directory, or null. */
export function findOnnxFile(dir: string): string | null {
  for (const p of ['model.onnx', join('onnx', 'model.onnx')]) if (existsSync(join(dir, p))) return join(dir, p);
  return null;
}

export function detectPrefixes(
  dir: string,
  config: Record<string, unknown> | null,
  stConfig: Record<string, unknown> | null,
): { query: string; passage: string } {
  const prompts = stConfig?.prompts as Record<string, string> | undefined;
  if (prompts && (prompts.query !== undefined || prompts.passage !== undefined || prompts.document !== undefined)) {
    return { query: prompts.query ?? '', passage: prompts.passage ?? prompts.document ?? '' };
  }
  const name = `${basename(dir)} ${String(config?._name_or_path ?? '')}`.toLowerCase();
  if (/(^|[^a-z0-9])e5([^a-z0-9]|$)/.test(name)) return { query: 'query: ', passage: 'passage: ' };
  if (/(^|[^a-z0-9])bge-(small|base|large)-(en|zh)/.test(name)) return { query: BGE_QUERY_INSTRUCTION, passage: '' };
  return { query: '', passage: '' };
}

export class TransformerEncoder implements Encoder {
  readonly kind = 'transformer' as const;
  private constructor(
    readonly id: string,
    public dim: number,
    readonly pooling: Pooling,
    readonly maxLength: number,
    readonly prefixes: { query: string; passage: string },
    private readonly tokenizer: HfTokenizer,
    private readonly session: ort.InferenceSession,
    private readonly outputName: string,
    private readonly useSentenceEmbedding: boolean,
    private readonly hasTokenTypes: boolean,
    private readonly chunkSize: number,
  ) {}

  static async load(dir: string, id: string, opts: TransformerOptions = {}): Promise<TransformerEncoder> {
    const onnxPath = findOnnxFile(dir);
    if (!onnxPath) throw new Error('no model.onnx or onnx/model.onnx');
    const config = readJson(join(dir, 'config.json'));
    const tokCfg = readJson(join(dir, 'tokenizer_config.json'));
    const stCfg = readJson(join(dir, 'config_sentence_transformers.json'));
    const sbertCfg = readJson(join(dir, 'sentence_bert_config.json'));
    const poolCfg = readJson(join(dir, '1_Pooling', 'config.json'));
    const tokenizer = new HfTokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), tokCfg ?? {});

    let pooling: Pooling = /(^|[^a-z0-9])bge-/.test(basename(dir).toLowerCase()) ? 'cls' : 'mean';
    if (poolCfg) {
      if (poolCfg.pooling_mode_cls_token) pooling = 'cls';
      else if (poolCfg.pooling_mode_mean_tokens) pooling = 'mean';
      else if (poolCfg.pooling_mode_max_tokens) pooling = 'max';
    }
    if (opts.pooling) pooling = opts.pooling;

    const candidates = [
      opts.maxLength,
      sbertCfg?.max_seq_length,
      tokCfg?.model_max_length,
      config?.max_position_embeddings,
    ].filter((x): x is number => typeof x === 'number' && x > 0 && x < 100_000);
    const maxLength = Math.min(512, opts.maxLength ?? candidates[0] ?? 512);

    const detected = detectPrefixes(dir, config, stCfg);
    const prefixes = {
      query: opts.prefixes?.query ?? detected.query,
      passage: opts.prefixes?.passage ?? detected.passage,
    };

    const session = await createSession(onnxPath, opts);
    for (const need of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(need)) {
        throw new Error(`model.onnx has inputs [${session.inputNames.join(', ')}]; "${need}" is required`);
      }
    }
    const useSentenceEmbedding = session.outputNames.includes('sentence_embedding');
    const outputName = useSentenceEmbedding
      ? 'sentence_embedding'
      : session.outputNames.includes('last_hidden_state')
        ? 'last_hidden_state'
        : session.outputNames[0]!;
    const hidden = typeof config?.hidden_size === 'number' ? config.hidden_size : 0;
    const enc = new TransformerEncoder(
      id,
      hidden,
      pooling,
      maxLength,
      prefixes,
      tokenizer,
      session,
      outputName,
      useSentenceEmbedding,
      session.inputNames.includes('token_type_ids'),
      opts.chunkSize ?? 32,
    );
    // One run at load: checks that the model works and reads the real output dimension.
    const probe = await enc.runChunk([tokenizer.encode('hello world', true, maxLength)]);
    enc.dim = probe[0]!.length;
    return enc;
  }

  async encodeBatch(texts: string[], role: TextRole = 'passage'): Promise<Float32Array[]> {
    const prefix = role === 'query' ? this.prefixes.query : this.prefixes.passage;
    const toks = texts.map((t) => (t.trim() === '' ? null : this.tokenizer.encode(prefix + t, true, this.maxLength)));
    return runBucketed(
      toks.map((t) => (t ? t.ids.length : 0)),
      this.dim,
      this.chunkSize,
      (idx) => this.runChunk(idx.map((i) => toks[i]!)),
    );
  }

  private async runChunk(batch: Array<{ ids: number[]; typeIds: number[] }>): Promise<Float32Array[]> {
    const b = batch.length;
    const seq = Math.max(...batch.map((t) => t.ids.length));
    const ids = new Array<number>(b * seq).fill(this.tokenizer.padId);
    const mask = new Array<number>(b * seq).fill(0);
    const types = new Array<number>(b * seq).fill(0);
    batch.forEach((t, r) => {
      for (let k = 0; k < t.ids.length; k++) {
        ids[r * seq + k] = t.ids[k]!;
        mask[r * seq + k] = 1;
        types[r * seq + k] = t.typeIds[k] ?? 0;
      }
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64Tensor(ids, [b, seq]),
      attention_mask: int64Tensor(mask, [b, seq]),
    };
    if (this.hasTokenTypes) feeds.token_type_ids = int64Tensor(types, [b, seq]);
    const res = await this.session.run(feeds, [this.outputName]);
    const out = res[this.outputName]!;
    const data = out.data as Float32Array;
    if (out.type !== 'float32') throw new Error(`output ${this.outputName} is ${out.type}; float32 expected`);
    if (this.useSentenceEmbedding || out.dims.length === 2) {
      const d = out.dims[1]!;
      return batch.map((_, r) => l2normalize(data.slice(r * d, (r + 1) * d)));
    }
    const d = out.dims[2]!;
    return batch.map((t, r) => {
      const v = new Float32Array(d);
      const base = r * seq * d;
      const n = t.ids.length; // attention mask = first n positions
      if (this.pooling === 'cls') v.set(data.subarray(base, base + d));
      else if (this.pooling === 'max') {
        v.fill(-Infinity);
        for (let k = 0; k < n; k++) for (let j = 0; j < d; j++) v[j] = Math.max(v[j]!, data[base + k * d + j]!);
      } else {
        for (let k = 0; k < n; k++) for (let j = 0; j < d; j++) v[j]! += data[base + k * d + j]!;
        for (let j = 0; j < d; j++) v[j]! /= n;
      }
      return l2normalize(v);
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
