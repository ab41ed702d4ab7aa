// Picks the encoder: no model directory -> the lexical default; a directory -> a static (Model2Vec layout) or
// transformer (sentence-transformers ONNX layout) model, detected from its files. Log-free: callers log.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Encoder, EncoderKind } from './types.js';
import { EncoderConfigError } from './errors.js';
import { LexicalEncoder } from './lexical.js';
import type { Device } from './ort.js';
import { StaticEncoder } from './staticEncoder.js';
import { findOnnxFile, TransformerEncoder, type Pooling } from './transformerEncoder.js';

export { EncoderConfigError };

export interface LoadEncoderOptions {
  /** Model directory (ENCODER_MODEL_DIR); null/undefined/'' -> the lexical encoder. */
  modelDir?: string | null;
  /** ENCODER_DEVICE; default cpu. */
  device?: Device;
  /** ENCODER_THREADS: onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
  /** Lexical encoder dimension (default 512). Ignored for model directories. */
  dim?: number;
  /** Transformer only: pooling override (default from 1_Pooling/config.json). */
  pooling?: Pooling;
  /** Transformer only: max tokens override. */
  maxLength?: number;
  /** Transformer only: query/passage prefix override. */
  prefixes?: { query?: string; passage?: string };
}

export interface EncoderDescription {
  kind: EncoderKind;
  id: string;
  dim: number;
  modelDir: string | null;
  /** One line for logs and /readyz. */
  summary: string;
}

export type LoadedEncoder = Encoder & { describe(): EncoderDescription };

const HELP =
  'Set ENCODER_MODEL_DIR to a directory holding either a sentence-transformers ONNX export ' +
  '(model.onnx or onnx/model.onnx + tokenizer.json + config.json) or a Model2Vec static model ' +
  '(model.safetensors + tokenizer.json; `npm run encoder:fit -- --out <dir>` writes one from your catalogue), ' +
  'or unset ENCODER_MODEL_DIR to use the built-in lexical encoder.';

/** Reads loader options from the environment (ENCODER_MODEL_DIR, ENCODER_DEVICE, ENCODER_THREADS, ENCODER_POOLING, ENCODER_MAX_LENGTH). */
export function encoderOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LoadEncoderOptions {
  const device = (env.ENCODER_DEVICE ?? 'cpu').trim().toLowerCase();
  if (device !== 'cpu' && device !== 'cuda') {
    throw new EncoderConfigError(`ENCODER_DEVICE must be "cpu" or "cuda", got "${env.ENCODER_DEVICE}".`);
  }
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0)
      throw new EncoderConfigError(`${name} must be a positive integer, got "${raw}".`);
    return n;
  };
  const pooling = env.ENCODER_POOLING?.trim().toLowerCase();
  if (pooling && pooling !== 'mean' && pooling !== 'cls' && pooling !== 'max') {
    throw new EncoderConfigError(`ENCODER_POOLING must be mean, cls or max, got "${env.ENCODER_POOLING}".`);
  }
  return {
    modelDir: env.ENCODER_MODEL_DIR?.trim() || null,
    device,
    threads: int('ENCODER_THREADS'),
    maxLength: int('ENCODER_MAX_LENGTH'),
    ...(pooling ? { pooling: pooling as Pooling } : {}),
  };
}

async function sha256Files(paths: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const p of paths) {
    if (!existsSync(p)) continue;
    h.update(`${basename(p)}\0`);
    for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

function withDescribe<E extends Encoder>(
  enc: E,
  modelDir: string | null,
  extra: string,
): E & { describe(): EncoderDescription } {
  const e = enc as E & { describe(): EncoderDescription };
  e.describe = () => ({
    kind: enc.kind,
    id: enc.id,
    dim: enc.dim,
    modelDir,
    summary: `${enc.kind} encoder ${enc.id} (dim ${enc.dim}${extra ? `, ${extra}` : ''})`,
  });
  return e;
}

export async function loadEncoder(opts: LoadEncoderOptions = {}): Promise<LoadedEncoder> {
  if (!opts.modelDir) {
    return withDescribe(
      new LexicalEncoder({ dim: opts.dim }),
      null,
      'lexical matching only, no semantic model: set ENCODER_MODEL_DIR or run `npm run encoder:fit`',
    );
  }
  const dir = resolve(opts.modelDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EncoderConfigError(`ENCODER_MODEL_DIR=${opts.modelDir}: no such directory. ${HELP}`);
  }
  const onnx = findOnnxFile(dir);
  const safetensors = join(dir, 'model.safetensors');
  const tokenizer = join(dir, 'tokenizer.json');
  const kind: 'transformer' | 'static' | null = onnx ? 'transformer' : existsSync(safetensors) ? 'static' : null;
  if (!kind) {
    throw new EncoderConfigError(
      `ENCODER_MODEL_DIR=${opts.modelDir}: found neither model.onnx, onnx/model.onnx nor model.safetensors. ${HELP}`,
    );
  }
  if (!existsSync(tokenizer)) {
    throw new EncoderConfigError(`ENCODER_MODEL_DIR=${opts.modelDir}: tokenizer.json is missing. ${HELP}`);
  }
  try {
    if (kind === 'transformer') {
      const files = [onnx!, `${onnx!}_data`, `${onnx!}.data`, tokenizer];
      const id = `${basename(dir)}-${(await sha256Files(files)).slice(0, 12)}`;
      const enc = await TransformerEncoder.load(dir, id, opts);
      const pfx = enc.prefixes.query || enc.prefixes.passage ? `, prefixes ${JSON.stringify(enc.prefixes)}` : '';
      return withDescribe(
        enc,
        dir,
        `${enc.pooling} pooling, max ${enc.maxLength} tokens, ${opts.device ?? 'cpu'}${pfx}`,
      );
    }
    const id = `${basename(dir)}-${(await sha256Files([safetensors, tokenizer])).slice(0, 12)}`;
    const enc = await StaticEncoder.load(dir, id, opts);
    return withDescribe(enc, dir, `static token embeddings, vocab ${enc.vocabSize}, ${opts.device ?? 'cpu'}`);
  } catch (err) {
    if (err instanceof EncoderConfigError) throw err;
    throw new EncoderConfigError(
      `ENCODER_MODEL_DIR=${opts.modelDir}: the ${kind} model could not be loaded (${(err as Error).message}). ${HELP}`,
      { cause: err },
    );
  }
}

/** Kind, id and dim of any encoder (for /readyz and logs). */
export function describeEncoder(enc: Encoder): EncoderDescription {
  const d = (enc as Partial<LoadedEncoder>).describe;
  return d
    ? d.call(enc)
    : {
        kind: enc.kind,
        id: enc.id,
        dim: enc.dim,
        modelDir: null,
        summary: `${enc.kind} encoder ${enc.id} (dim ${enc.dim})`,
      };
}
