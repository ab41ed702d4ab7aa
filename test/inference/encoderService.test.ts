import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncoderService } from '../../src/inference/encoderService.js';
import { LexicalEncoder } from '../../src/inference/lexical.js';
import { loadEncoder, type LoadedEncoder } from '../../src/inference/loadEncoder.js';
import type { Encoder, TextRole } from '../../src/inference/types.js';
import { VOCAB, writeTinyBertDir } from './tinyBert.js';

const root = mkdtempSync(join(tmpdir(), 'tastegraph-service-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Wraps an encoder and records every encodeBatch call. */
class Recording implements Encoder {
  calls: Array<{ texts: string[]; role?: TextRole }> = [];
  fail = false;
  constructor(private readonly inner: Encoder) {}
  get id() {
    return this.inner.id;
  }
  get kind() {
    return this.inner.kind;
  }
  get dim() {
    return this.inner.dim;
  }
  async encodeBatch(texts: string[], role?: TextRole) {
    this.calls.push({ texts: [...texts], role });
    if (this.fail) throw new Error('model exploded');
    return this.inner.encodeBatch(texts, role);
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

// 64 distinct texts over the tiny model's vocabulary (so each has a distinct vector).
const WORDS = VOCAB.filter((w) => /^[a-z]+$/.test(w));
const TEXTS = Array.from({ length: 64 }, (_, i) => {
  const n = WORDS.length; // > 32, so (a, b) pairs below are all distinct
  const a = i % n;
  const b = (a + 1 + Math.floor(i / n)) % n;
  return `${WORDS[a]} ${WORDS[b]} ${WORDS[(a * 7 + 3) % n]}${i % 2 ? ' guitar' : ''}`;
});

describe('EncoderService', () => {
  let tiny: LoadedEncoder;
  beforeAll(async () => {
    const dir = join(root, 'tiny');
    writeTinyBertDir(dir, { maxLength: 32 });
    tiny = await loadEncoder({ modelDir: dir, threads: 1 });
  });

  it("64 concurrent callers each get their own text's vector, in few batches", async () => {
    expect(new Set(TEXTS).size).toBe(64);
    const direct: Float32Array[] = [];
    for (const t of TEXTS) direct.push((await tiny.encodeBatch([t]))[0]!);
    // The texts really have distinct vectors, so a mix-up would be seen.
    for (let i = 1; i < 64; i++) expect(maxDiff(direct[0]!, direct[i]!)).toBeGreaterThan(1e-3);

    for (const maxBatchSize of [64, 16]) {
      const rec = new Recording(tiny);
      const svc = new EncoderService(rec, { maxBatchSize, maxWaitMs: 2, cacheSize: 0 });
      // Shuffle the call order so a positional mix-up cannot line up by accident.
      const order = TEXTS.map((_, i) => i).sort((a, b) => ((a * 37) % 64) - ((b * 37) % 64));
      const results = await Promise.all(order.map((i) => svc.encode(TEXTS[i]!)));
      results.forEach((v, k) => expect(maxDiff(v, direct[order[k]!]!)).toBeLessThan(1e-5));
      const s = svc.stats();
      expect(s.texts).toBe(64);
      expect(s.batches).toBeLessThanOrEqual(Math.ceil(64 / maxBatchSize) + 1);
      expect(rec.calls.every((c) => c.texts.length <= maxBatchSize)).toBe(true);
    }
  });

  it('encodes identical in-flight texts once', async () => {
    const rec = new Recording(tiny);
    const svc = new EncoderService(rec, { cacheSize: 0 });
    const calls = [...Array(20).fill('a man playing guitar'), ...Array(5).fill('the stock market')] as string[];
    const out = await Promise.all(calls.map((t) => svc.encode(t)));
    expect(svc.stats()).toEqual({ batches: 1, texts: 2, cacheHits: 0 });
    expect(rec.calls[0]!.texts.sort()).toEqual(['a man playing guitar', 'the stock market']);
    for (let i = 1; i < 20; i++) expect(Array.from(out[i]!)).toEqual(Array.from(out[0]!));
    // Each caller owns its vector: mutating one leaves the others alone.
    out[0]![0] = 42;
    expect(out[1]![0]).not.toBe(42);
  });

  it('caches by (encoder id, role, text) and returns identical, unaliased vectors', async () => {
    const rec = new Recording(tiny);
    const svc = new EncoderService(rec, { cacheSize: 100 });
    const a = await svc.encode('someone plays an acoustic guitar');
    a.fill(0); // must not corrupt the cache
    const b = await svc.encode('someone plays an acoustic guitar');
    const c = await svc.encode('someone plays an acoustic guitar');
    expect(svc.stats()).toEqual({ batches: 1, texts: 1, cacheHits: 2 });
    expect(Array.from(b)).toEqual(Array.from(c));
    expect(Math.abs(Math.hypot(...b) - 1)).toBeLessThan(1e-5);
    expect(b).not.toBe(c);
    const [direct] = await tiny.encodeBatch(['someone plays an acoustic guitar']);
    expect(maxDiff(b, direct!)).toBeLessThan(1e-6);
  });

  it('keeps roles apart (key and cache) and passes the role to the encoder', async () => {
    const rec = new Recording(new LexicalEncoder());
    const svc = new EncoderService(rec);
    await Promise.all([svc.encode('sci-fi', 'query'), svc.encode('sci-fi', 'passage'), svc.encode('sci-fi')]);
    const roles = rec.calls.map((c) => `${c.role}:${c.texts.join('|')}`).sort();
    expect(roles).toEqual(['passage:sci-fi', 'query:sci-fi']);
    await svc.encode('sci-fi', 'query');
    expect(svc.stats().cacheHits).toBe(1);
  });

  it('encodeMany goes through the same batcher; errors reach every caller and the service recovers', async () => {
    const rec = new Recording(new LexicalEncoder());
    const svc = new EncoderService(rec, { maxBatchSize: 8 });
    const many = await svc.encodeMany(TEXTS.slice(0, 20));
    expect(many).toHaveLength(20);
    expect(svc.stats().batches).toBeLessThanOrEqual(4);
    rec.fail = true;
    const settled = await Promise.allSettled([svc.encode('x1'), svc.encode('x2')]);
    expect(settled.every((s) => s.status === 'rejected' && /model exploded/.test(String(s.reason)))).toBe(true);
    rec.fail = false;
    const v = await svc.encode('x1');
    expect(v.length).toBe(512);
  });
});
