// The only place that creates onnxruntime sessions.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EncoderConfigError } from './errors.js';

export type Device = 'cpu' | 'cuda';
export interface SessionOpts {
  device?: Device;
  /** Intra-op threads (0 or undefined: onnxruntime's default, one per core). */
  threads?: number;
}

/** Whether this onnxruntime-node install can run the CUDA execution provider. */
export function cudaAvailable(): boolean {
  const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  if (!cuda) return false;
  if (cuda.bundled) return true;
  // Not bundled: the install script puts libonnxruntime_providers_cuda.so next to the binding.
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const binDir = join(dirname(pkg), 'bin');
    const stack = [binDir];
    while (stack.length) {
      const d = stack.pop()!;
      if (!existsSync(d)) continue;
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) stack.push(join(d, e.name));
        else if (e.name.startsWith('libonnxruntime_providers_cuda')) return true;
      }
    }
  } catch {
    /* fall through */
  }
  return false;
}

export async function createSession(model: string | Uint8Array, opts: SessionOpts = {}): Promise<ort.InferenceSession> {
  const device = opts.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') {
    throw new EncoderConfigError(`ENCODER_DEVICE must be "cpu" or "cuda", got "${String(device)}"`);
  }
  if (device === 'cuda' && !cudaAvailable()) {
    throw new EncoderConfigError(
      'ENCODER_DEVICE=cuda was asked for, but this onnxruntime-node install has no CUDA execution provider ' +
        '(libonnxruntime_providers_cuda.so is missing). Reinstall onnxruntime-node on a machine with CUDA 12 and ' +
        'cuDNN 9 without ONNXRUNTIME_NODE_INSTALL=skip (so it can fetch the CUDA provider), or set ENCODER_DEVICE=cpu.',
    );
  }
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(opts.threads && opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
  };
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (err) {
    if (device === 'cuda') {
      throw new EncoderConfigError(
        `ENCODER_DEVICE=cuda: onnxruntime could not start the CUDA execution provider (${(err as Error).message}). ` +
          'Check the CUDA 12 / cuDNN 9 runtime libraries, or set ENCODER_DEVICE=cpu.',
        { cause: err },
      );
    }
    throw err;
  }
}

/** int64 tensor from small non-negative integers without a BigInt per element (little-endian). */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const big = new BigInt64Array(values.length);
  const lo = new Int32Array(big.buffer);
  for (let i = 0; i < values.length; i++) lo[2 * i] = values[i]!;
  return new ort.Tensor('int64', big, dims);
}

export { ort };
