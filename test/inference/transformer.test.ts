// The transformer path (tokenise, truncate, pad, mask, pool, normalise, batch) against a tiny BERT-shaped ONNX
// model built by the test with fixed weights, compared with a plain-JS reference forward pass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder, type LoadedEncoder } from '../../src/inference/loadEncoder.js';
import { type TransformerEncoder } from '../../src/inference/transformerEncoder.js';
import { referenceVector, tinyTokenizerJson, writeTinyBertDir, type TinyWeights } from './tinyBert.js';

const root = mkdtempSync(join(tmpdir(), 'tastegraph-tinybert-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tok = new Tokenizer(tinyTokenizerJson(), {});
const ids = (text: string) => tok.encode(text, { add_special_tokens: true }).ids as number[];

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const TEXTS = [
  'A man is playing a guitar.',
  'Someone plays an acoustic guitar!',
  'The stock market fell sharply today.',
  'space',
  'Haunted house full of ghosts, old film, bad movie.', // 14 tokens with [CLS]/[SEP] (max 16)
  'trail running and sci-fi',
  'players',
];

describe('transformer encoder on a tiny BERT-shaped model', () => {
  let meanDir: string;
  let w: TinyWeights;
  let enc: LoadedEncoder;

  beforeAll(async () => {
    meanDir = join(root, 'tiny-mean');
    w = writeTinyBertDir(meanDir, { pooling: 'mean' });
    enc = await loadEncoder({ modelDir: meanDir, threads: 1 });
  });

  it('detects the format and reads dim, pooling and max length from the files', () => {
    expect(enc.kind).toBe('transformer');
    expect(enc.dim).toBe(16);
    expect(enc.id).toMatch(/^tiny-mean-[0-9a-f]{12}$/);
    const t = enc as unknown as TransformerEncoder;
    expect(t.pooling).toBe('mean');
    expect(t.maxLength).toBe(16);
    expect(enc.describe().summary).toContain('transformer');
  });

  it('matches the reference forward pass (mean pooling over the mask, unit length)', async () => {
    const vecs = await enc.encodeBatch(TEXTS);
    TEXTS.forEach((t, i) => {
      expect(maxDiff(vecs[i]!, referenceVector(w, ids(t), 'mean'))).toBeLessThan(1e-5);
      const norm = Math.hypot(...vecs[i]!);
      expect(Math.abs(norm - 1)).toBeLessThan(1e-5);
    });
  });

  it('gives the same vectors batched and one at a time; padding does not change a text', async () => {
    const batched = await enc.encodeBatch(TEXTS);
    for (let i = 0; i < TEXTS.length; i++) {
      const [single] = await enc.encodeBatch([TEXTS[i]!]);
      expect(maxDiff(single!, batched[i]!)).toBeLessThan(1e-5);
    }
    // The shortest text padded next to the longest one (same chunk) equals it alone.
    const [padded] = await enc.encodeBatch(['space', TEXTS[4]!]);
    const [alone] = await enc.encodeBatch(['space']);
    expect(maxDiff(padded!, alone!)).toBeLessThan(1e-5);
  });

  it('truncates at the model max length, keeping [CLS] ... [SEP]', async () => {
    const long =
      'the man plays the guitar and the woman plays the guitar and someone plays music with the old guitar today';
    const full = ids(long);
    expect(full.length).toBeGreaterThan(16);
    const truncated = [...full.slice(0, 15), full[full.length - 1]!]; // 14 word pieces + [CLS] + [SEP]
    const [v] = await enc.encodeBatch([long]);
    expect(maxDiff(v!, referenceVector(w, truncated, 'mean'))).toBeLessThan(1e-5);
    // The same prefix with a different tail gives the same vector.
    const [v2] = await enc.encodeBatch([`${long} and the stock market fell sharply`]);
    expect(maxDiff(v!, v2!)).toBeLessThan(1e-6);
    // ...and a different vector than a short text.
    const [short] = await enc.encodeBatch(['the man plays']);
    expect(maxDiff(v!, short!)).toBeGreaterThan(1e-3);
  });

  it('respects CLS pooling from 1_Pooling/config.json, and the pooling option overrides it', async () => {
    const clsDir = join(root, 'tiny-cls');
    writeTinyBertDir(clsDir, { pooling: 'cls', nested: false });
    const cls = await loadEncoder({ modelDir: clsDir, threads: 1 });
    const vecs = await cls.encodeBatch(TEXTS);
    TEXTS.forEach((t, i) => {
      expect(maxDiff(vecs[i]!, referenceVector(w, ids(t), 'cls'))).toBeLessThan(1e-5);
      expect(maxDiff(vecs[i]!, referenceVector(w, ids(t), 'mean'))).toBeGreaterThan(1e-3);
    });
    const overridden = await loadEncoder({ modelDir: clsDir, threads: 1, pooling: 'mean' });
    const [m] = await overridden.encodeBatch([TEXTS[0]!]);
    expect(maxDiff(m!, referenceVector(w, ids(TEXTS[0]!), 'mean'))).toBeLessThan(1e-5);
  });

  it('uses the sentence_embedding output when the model has one', async () => {
    const dir = join(root, 'tiny-se');
    writeTinyBertDir(dir, { sentenceEmbedding: true });
    const se = await loadEncoder({ modelDir: dir, threads: 1 });
    const vecs = await se.encodeBatch(TEXTS);
    TEXTS.forEach((t, i) => {
      expect(maxDiff(vecs[i]!, referenceVector(w, ids(t), 'sentence_embedding'))).toBeLessThan(1e-5);
      expect(maxDiff(vecs[i]!, referenceVector(w, ids(t), 'mean'))).toBeGreaterThan(1e-3);
    });
  });

  it('works with models that take no token_type_ids', async () => {
    const dir = join(root, 'tiny-notypes');
    writeTinyBertDir(dir, { tokenTypes: false });
    const nt = await loadEncoder({ modelDir: dir, threads: 1 });
    const vecs = await nt.encodeBatch(TEXTS.slice(0, 3));
    vecs.forEach((v, i) => expect(maxDiff(v, referenceVector(w, ids(TEXTS[i]!), 'mean', false))).toBeLessThan(1e-5));
  });

  it('applies e5 prefixes by role (detected from the directory name) and changes the id with the weights', async () => {
    const dir = join(root, 'multilingual-e5-tiny');
    writeTinyBertDir(dir);
    const e5 = await loadEncoder({ modelDir: dir, threads: 1 });
    expect((e5 as unknown as TransformerEncoder).prefixes).toEqual({ query: 'query: ', passage: 'passage: ' });
    const [q] = await e5.encodeBatch(['a man'], 'query');
    const [p] = await e5.encodeBatch(['a man'], 'passage');
    // "query" and "passage" are not in the tiny vocab: both become [UNK] ":" pieces; the vectors still match the
    // reference of the prefixed text.
    expect(maxDiff(q!, referenceVector(w, ids('query: a man'), 'mean'))).toBeLessThan(1e-5);
    expect(maxDiff(p!, referenceVector(w, ids('passage: a man'), 'mean'))).toBeLessThan(1e-5);

    const other = join(root, 'multilingual-e5-tiny-2');
    writeTinyBertDir(other, { seed: 8 });
    const e5b = await loadEncoder({ modelDir: other, threads: 1 });
    expect(e5b.id.split('-').pop()).not.toBe(e5.id.split('-').pop());
  });

  it('returns a zero vector for an empty text', async () => {
    const [z, v] = await enc.encodeBatch(['', 'guitar']);
    expect(Array.from(z!).every((x) => x === 0)).toBe(true);
    expect(Math.abs(Math.hypot(...v!) - 1)).toBeLessThan(1e-5);
  });
});
