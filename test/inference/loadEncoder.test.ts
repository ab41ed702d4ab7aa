import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cudaAvailable } from '../../src/inference/ort.js';
import {
  EncoderConfigError,
  describeEncoder,
  encoderOptionsFromEnv,
  loadEncoder,
} from '../../src/inference/loadEncoder.js';
import { GLOVE_DIR } from '../helpers/catalogEncoder.js';
import { writeTinyBertDir } from './tinyBert.js';

const root = mkdtempSync(join(tmpdir(), 'tastegraph-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function configError(p: Promise<unknown>): Promise<EncoderConfigError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EncoderConfigError);
  expect((err as Error).message).toContain('ENCODER_MODEL_DIR');
  return err as EncoderConfigError;
}

describe('loadEncoder', () => {
  it('no model dir -> the lexical encoder, honestly described', async () => {
    const enc = await loadEncoder({});
    expect(enc.kind).toBe('lexical');
    expect(enc.id).toBe('lexical-v1-512');
    expect(enc.describe().summary).toMatch(/lexical/);
    expect(describeEncoder(enc).kind).toBe('lexical');
    expect((await loadEncoder({ modelDir: '', dim: 64 })).dim).toBe(64);
  });

  it('missing directory -> EncoderConfigError naming ENCODER_MODEL_DIR', async () => {
    const err = await configError(loadEncoder({ modelDir: join(root, 'does-not-exist') }));
    expect(err.message).toMatch(/no such directory/);
  });

  it('directory without model files -> EncoderConfigError', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    const err = await configError(loadEncoder({ modelDir: dir }));
    expect(err.message).toMatch(/model\.onnx/);
  });

  it('missing tokenizer.json -> EncoderConfigError', async () => {
    const dir = join(root, 'no-tokenizer');
    writeTinyBertDir(dir);
    rmSync(join(dir, 'tokenizer.json'));
    const err = await configError(loadEncoder({ modelDir: dir }));
    expect(err.message).toMatch(/tokenizer\.json/);
  });

  it('corrupt model.onnx -> EncoderConfigError with the cause', async () => {
    const dir = join(root, 'corrupt-onnx');
    writeTinyBertDir(dir);
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not an onnx file');
    const err = await configError(loadEncoder({ modelDir: dir }));
    expect(err.message).toMatch(/could not be loaded/);
    expect(err.cause).toBeDefined();
  });

  it('corrupt model.safetensors -> EncoderConfigError', async () => {
    const dir = join(root, 'corrupt-static');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.safetensors'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    await configError(loadEncoder({ modelDir: dir }));
  });

  it.skipIf(!existsSync(GLOVE_DIR))('the id changes when the weights change', async () => {
    const a = join(root, 'glove-copy');
    mkdirSync(a);
    for (const f of ['model.safetensors', 'tokenizer.json', 'config.json'])
      copyFileSync(join(GLOVE_DIR, f), join(a, f));
    const e1 = await loadEncoder({ modelDir: a });
    const orig = await loadEncoder({ modelDir: GLOVE_DIR });
    expect(e1.id.split('-').pop()).toBe(orig.id.split('-').pop());
    const buf = readFileSync(join(a, 'model.safetensors'));
    buf[buf.length - 1]! ^= 0x01;
    writeFileSync(join(a, 'model.safetensors'), buf);
    const e2 = await loadEncoder({ modelDir: a });
    expect(e2.id).not.toBe(e1.id);
  });

  it('ENCODER_DEVICE=cuda without a CUDA provider -> one clear error', async () => {
    const dir = join(root, 'cuda');
    writeTinyBertDir(dir);
    if (cudaAvailable()) return; // a GPU build: nothing to check here
    const err = await loadEncoder({ modelDir: dir, device: 'cuda' }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(EncoderConfigError);
    expect(err!.message).toMatch(/ENCODER_DEVICE=cuda/);
    expect(err!.message).toMatch(/CUDA execution provider/);
  });

  it('reads options from the environment and rejects bad values', () => {
    expect(
      encoderOptionsFromEnv({ ENCODER_MODEL_DIR: ' /m ', ENCODER_DEVICE: 'CUDA', ENCODER_THREADS: '2' }),
    ).toMatchObject({
      modelDir: '/m',
      device: 'cuda',
      threads: 2,
    });
    expect(encoderOptionsFromEnv({}).modelDir).toBeNull();
    expect(() => encoderOptionsFromEnv({ ENCODER_DEVICE: 'tpu' })).toThrow(EncoderConfigError);
    expect(() => encoderOptionsFromEnv({ ENCODER_THREADS: 'many' })).toThrow(/ENCODER_THREADS/);
  });
});
