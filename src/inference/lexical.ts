// The zero-download default: signed feature hashing of word unigrams, word bigrams and character 3-5-grams
// into a fixed dimension, sublinear (1 + log tf) weights, L2-normalised. Lexical overlap only, no semantics.
import type { Encoder } from './types.js';
import { l2normalize } from './batching.js';

const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
/** Relative weights of the three feature groups (character n-grams are many, so each counts less). */
const W_WORD = 1.0;
const W_BIGRAM = 0.7;
const W_CHAR = 0.35;

/** 32-bit FNV-1a over UTF-16 code units with a murmur3 finaliser; deterministic across runs and machines. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lowercase, strip accents, split into letter/digit runs. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export class LexicalEncoder implements Encoder {
  readonly kind = 'lexical' as const;
  readonly id: string;
  readonly dim: number;

  constructor(opts: { dim?: number } = {}) {
    const dim = opts.dim ?? 512;
    if (!Number.isInteger(dim) || dim < 8) throw new Error(`lexical encoder dim must be an integer >= 8, got ${dim}`);
    this.dim = dim;
    this.id = `lexical-v1-${dim}`;
  }

  encode(text: string): Float32Array {
    const counts = new Map<string, number>(); // feature key (group-tagged) -> term frequency
    const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
    const ws = words(text);
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      add(`w\u0001${w}`);
      if (i + 1 < ws.length) add(`b\u0001${w}\u0002${ws[i + 1]}`);
      const padded = `<${w}>`;
      for (let n = 3; n <= 5; n++) {
        for (let s = 0; s + n <= padded.length; s++) add(`c\u0001${padded.slice(s, s + n)}`);
      }
    }
    const v = new Float32Array(this.dim);
    for (const [k, tf] of counts) {
      const g = k.charCodeAt(0);
      const [seed, gw] =
        g === 119 /* w */ ? [SEED_WORD, W_WORD] : g === 98 /* b */ ? [SEED_BIGRAM, W_BIGRAM] : [SEED_CHAR, W_CHAR];
      const h = hash(k, seed);
      const sign = h & 0x80000000 ? -1 : 1;
      v[(h & 0x7fffffff) % this.dim]! += sign * gw * (1 + Math.log(tf));
    }
    return l2normalize(v);
  }

  async encodeBatch(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.encode(t));
  }
}
