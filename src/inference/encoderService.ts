// The one batcher every encode request in the process goes through: DataLoader collects single-text requests
// for up to `maxWaitMs` (or until `maxBatchSize`), identical in-flight (role, text) keys share one promise,
// and an LRU keyed by (encoder id, role, text) skips re-encoding.
//
// Returned vectors are always fresh copies: callers may mutate them without corrupting the cache or each other.
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { Encoder, TextRole } from './types.js';

export interface EncoderServiceOptions {
  /** Most texts per encodeBatch call (default 64). */
  maxBatchSize?: number;
  /** Longest a request waits for others to join its batch, in ms (default 2). */
  maxWaitMs?: number;
  /** LRU entries (default 10000); 0 disables the cache. */
  cacheSize?: number;
  /** Called with the number of texts of each encodeBatch call (the metrics' batch size histogram). */
  onBatch?: (texts: number) => void;
}

export interface EncoderServiceStats {
  /** encodeBatch calls made. */
  batches: number;
  /** Texts sent to the encoder. */
  texts: number;
  /** Requests answered from the LRU. */
  cacheHits: number;
}

type Key = string; // `${role}\u0000${text}`

export class EncoderService {
  readonly encoder: Encoder;
  private readonly loader: DataLoader<Key, Float32Array, Key>;
  private readonly cache: LRUCache<string, Float32Array> | null;
  private readonly counters: EncoderServiceStats = { batches: 0, texts: 0, cacheHits: 0 };

  constructor(encoder: Encoder, opts: EncoderServiceOptions = {}) {
    this.encoder = encoder;
    const maxBatchSize = opts.maxBatchSize ?? 64;
    const maxWaitMs = opts.maxWaitMs ?? 2;
    const cacheSize = opts.cacheSize ?? 10_000;
    this.cache = cacheSize > 0 ? new LRUCache<string, Float32Array>({ max: cacheSize }) : null;
    // DataLoader's own cache holds only in-flight promises (deleted on settle), which dedupes identical
    // concurrent keys; the LRU above is the long-lived cache.
    const inflight = new Map<Key, Promise<Float32Array>>();
    this.inflight = inflight;
    this.maxBatchSize = maxBatchSize;
    this.onBatch = opts.onBatch ?? null;
    this.loader = new DataLoader<Key, Float32Array, Key>((keys) => this.runBatch(keys), {
      maxBatchSize,
      cacheMap: inflight,
      // Dispatch after maxWaitMs, or at once when the batch is full (see encode()).
      batchScheduleFn: (cb) => {
        let fired = false;
        const fire = () => {
          if (fired) return;
          fired = true;
          clearTimeout(timer);
          cb();
        };
        const timer = setTimeout(fire, maxWaitMs);
        this.openBatch = { fire, size: 0 };
      },
    });
  }

  private readonly inflight: Map<Key, Promise<Float32Array>>;
  private readonly maxBatchSize: number;
  private readonly onBatch: ((texts: number) => void) | null;
  /** The batch new keys currently join: its size and a function that dispatches it now. */
  private openBatch: { fire: () => void; size: number } | null = null;

  private async runBatch(keys: readonly Key[]): Promise<Array<Float32Array | Error>> {
    // One encodeBatch per role present (a batch normally has one role).
    const byRole = new Map<TextRole, number[]>();
    keys.forEach((k, i) => {
      const role = (k.startsWith('q') ? 'query' : 'passage') as TextRole;
      const list = byRole.get(role) ?? [];
      list.push(i);
      byRole.set(role, list);
    });
    const out = new Array<Float32Array | Error>(keys.length);
    for (const [role, idx] of byRole) {
      const texts = idx.map((i) => keys[i]!.slice(keys[i]!.indexOf('\u0000') + 1));
      this.counters.batches++;
      this.counters.texts += texts.length;
      this.onBatch?.(texts.length);
      try {
        const vecs = await this.encoder.encodeBatch(texts, role);
        if (vecs.length !== texts.length)
          throw new Error(`encoder returned ${vecs.length} vectors for ${texts.length} texts`);
        idx.forEach((i, k) => {
          out[i] = vecs[k]!;
          this.cache?.set(this.cacheKey(keys[i]!), vecs[k]!);
        });
      } catch (err) {
        for (const i of idx) out[i] = err instanceof Error ? err : new Error(String(err));
      }
    }
    return out;
  }

  private cacheKey(key: Key): string {
    return `${this.encoder.id}\u0000${key}`;
  }

  /** Encodes one text (batched with concurrent callers). Returns a copy the caller owns. */
  async encode(text: string, role: TextRole = 'passage'): Promise<Float32Array> {
    const key: Key = `${role === 'query' ? 'q' : 'p'}\u0000${text}`;
    const hit = this.cache?.get(this.cacheKey(key));
    if (hit) {
      this.counters.cacheHits++;
      return hit.slice();
    }
    try {
      const isNew = !this.inflight.has(key);
      const pending = this.loader.load(key); // may open a new batch (batchScheduleFn runs synchronously)
      if (isNew && this.openBatch && ++this.openBatch.size >= this.maxBatchSize) {
        const full = this.openBatch;
        this.openBatch = null;
        full.fire();
      }
      const v = await pending;
      return v.slice();
    } finally {
      this.loader.clear(key);
    }
  }

  /** Encodes many texts through the same batcher (each text is one request). */
  encodeMany(texts: string[], role: TextRole = 'passage'): Promise<Float32Array[]> {
    return Promise.all(texts.map((t) => this.encode(t, role)));
  }

  stats(): EncoderServiceStats {
    return { ...this.counters };
  }
}
