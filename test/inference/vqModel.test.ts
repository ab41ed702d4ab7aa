// The second pretrained encoder: a vocabulary-quantized Model2Vec model distilled from bge-base-en-v1.5
// (shared/models/m2v-bge-base-vq128). Layout checks on hand-built tensors, meaning checks on the real model.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dot } from '../../src/domain/vector.js';
import { EncoderConfigError, loadEncoder, type LoadedEncoder } from '../../src/inference/loadEncoder.js';
import { readStaticMatrix } from '../../src/inference/staticEncoder.js';
import { M2V_BGE_DIR, sharedModelPresent } from '../helpers/catalogEncoder.js';

type Raw = { dtype: 'F32' | 'F64' | 'I32'; shape: number[]; data: Float32Array | Float64Array | Int32Array };

/** safetensors bytes with mixed dtypes (the project's writer only writes F32). */
function safetensors(tensors: Record<string, Raw>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let p = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}

const clusters: Raw = { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 0, 0, 0, 1, 0]) };

describe('vocabulary-quantized static layout (embeddings + mapping + weights)', () => {
  it('expands token rows as embeddings[mapping[id]] * weights[id]', () => {
    const m = readStaticMatrix(
      safetensors({
        embeddings: clusters,
        mapping: { dtype: 'I32', shape: [3], data: Int32Array.from([1, 0, 1]) },
        weights: { dtype: 'F64', shape: [3], data: Float64Array.from([2, 0.5, -1]) },
      }),
    );
    expect(m.vocabSize).toBe(3);
    expect(m.dim).toBe(3);
    expect([...m.matrix]).toEqual([0, 2, 0, 0.5, 0, 0, -0, -1, -0]);
  });

  it('rejects a mapping that points outside the cluster rows', () => {
    const bytes = safetensors({
      embeddings: clusters,
      mapping: { dtype: 'I32', shape: [2], data: Int32Array.from([0, 7]) },
    });
    expect(() => readStaticMatrix(bytes)).toThrow(/"mapping"\[1\] = 7 is not a row/);
  });

  it('rejects weights of the wrong length and a non-integer mapping', () => {
    expect(() =>
      readStaticMatrix(
        safetensors({
          embeddings: clusters,
          mapping: { dtype: 'I32', shape: [3], data: Int32Array.from([0, 1, 0]) },
          weights: { dtype: 'F64', shape: [2], data: Float64Array.from([1, 1]) },
        }),
      ),
    ).toThrow(/"weights" has 2 values; expected 3/);
    expect(() =>
      readStaticMatrix(
        safetensors({ embeddings: clusters, mapping: { dtype: 'F32', shape: [2], data: Float32Array.from([0, 1]) } }),
      ),
    ).toThrow(/"mapping" must hold integers/);
  });
});

describe.skipIf(!sharedModelPresent(M2V_BGE_DIR, 'm2v-bge-base-vq128'))('m2v-bge-base-vq128 (pretrained)', () => {
  let enc: LoadedEncoder;
  const root = mkdtempSync(join(tmpdir(), 'tastegraph-vq-'));
  beforeAll(async () => {
    enc = await loadEncoder({ modelDir: M2V_BGE_DIR });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads as a static model: 29,524 tokens, dim 64, content-hash id', () => {
    expect(enc.kind).toBe('static');
    expect(enc.dim).toBe(64);
    expect(enc.describe().summary).toMatch(/vocab 29524/);
    expect(enc.id).toMatch(/^m2v-bge-base-vq128-[0-9a-f]{12}$/);
  });

  it('paraphrases are closer than unrelated sentences (MODEL.md: 0.76 vs 0.18)', async () => {
    const [a, b, c] = await enc.encodeBatch([
      'a haunted house with ghosts',
      'a horror film about a possessed mansion',
      'a romantic comedy in Paris',
    ]);
    expect(dot(a!, b!)).toBeGreaterThan(0.6);
    expect(dot(a!, c!)).toBeLessThan(0.35);
  });

  it('separates praise from complaint: each is closer to its own kind', async () => {
    const [good1, good2, bad1, bad2] = await enc.encodeBatch([
      'great product, I love it',
      'excellent and wonderful',
      'terrible, it broke after a day',
      'awful and disappointing',
    ]);
    expect(dot(good1!, good2!)).toBeGreaterThan(dot(good1!, bad1!) + 0.2);
    expect(dot(bad1!, bad2!)).toBeGreaterThan(dot(bad1!, good1!) + 0.2);
  });

  it('a directory with the real tokenizer but a broken mapping -> EncoderConfigError saying why', async () => {
    const dir = join(root, 'bad-mapping');
    mkdirSync(dir);
    copyFileSync(join(M2V_BGE_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(
      join(dir, 'model.safetensors'),
      safetensors({ embeddings: clusters, mapping: { dtype: 'I32', shape: [3], data: Int32Array.from([0, 1, 2]) } }),
    );
    const err = await loadEncoder({ modelDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncoderConfigError);
    expect((err as Error).message).toMatch(/ENCODER_MODEL_DIR=.*"mapping"\[2\] = 2 is not a row/);
  });
});
