// Opinion from text, next to the text's vector: a polarity in [-1, 1] and the aspects named.
//
// The polarity is read zero-shot through the configured encoder: the cosine of the text's vector to the centroid of
// positive anchor phrases minus that to the negative centroid, centred on neutral anchors and scaled by the anchors'
// own spread (calibrated without labels), squashed with tanh. With the lexical default encoder (vectors without
// meaning) the maintained VADER lexicon reads it instead. OPINION_METHOD picks explicitly: lexicon | encoder | blend
// (the mean of both) | auto (lexicon for the lexical encoder, blend otherwise: the blend agreed best with star
// ratings, see eval/results/opinion-amazon-all-beauty.md). Deterministic for (text, encoder, method, lexicons).
import { createHash } from 'node:crypto';
import { cosine, normalized } from '../../domain/vector.js';
import type { TextOpinion } from '../../domain/types.js';
import type { EncoderKind } from '../types.js';
import { DEFAULT_ASPECTS, extractAspects, type AspectLexicon } from './aspects.js';
import { lexiconPolarity, round4 } from './lexicon.js';

export const OPINION_METHODS = ['auto', 'lexicon', 'encoder', 'blend'] as const;
export type OpinionMethod = (typeof OPINION_METHODS)[number];

export const POSITIVE_ANCHORS = [
  'I love it, it works great',
  'excellent product, highly recommend',
  'very happy with this purchase',
  'the best I have ever used',
  'great quality and a great price',
  'wonderful, exactly what I wanted',
  'five stars, would buy again',
  'it feels nice and smells amazing',
];
export const NEGATIVE_ANCHORS = [
  'I hate it, it does not work',
  'terrible product, do not buy',
  'very disappointed with this purchase',
  'the worst I have ever used',
  'poor quality and a waste of money',
  'awful, I returned it',
  'one star, would never buy again',
  'it broke and smells horrible',
];
export const NEUTRAL_ANCHORS = [
  'I bought this last week',
  'it comes in a bottle',
  'the package arrived on Tuesday',
  'I use it in the morning',
  'this is a shampoo for hair',
  'it is the same as the other one',
];

/** Encodes texts as the profile's query texts are encoded (EncoderService.encodeMany or an Encoder's encodeBatch). */
export type EncodeTexts = (texts: string[]) => Promise<Float32Array[]>;

interface Calibration {
  pos: Float32Array;
  neg: Float32Array;
  center: number;
  scale: number;
}

export interface OpinionReaderOptions {
  method?: OpinionMethod;
  aspects?: AspectLexicon;
}

export class OpinionReader {
  readonly method: Exclude<OpinionMethod, 'auto'>;
  private readonly aspects: AspectLexicon;
  private calibration: Promise<Calibration> | null = null;
  private ready: Calibration | null = null;

  constructor(
    private readonly encoder: { kind: EncoderKind; encode: EncodeTexts } | null,
    opts: OpinionReaderOptions = {},
  ) {
    const m = opts.method ?? 'auto';
    const meaningful = !!encoder && encoder.kind !== 'lexical';
    this.method = m === 'auto' ? (meaningful ? 'blend' : 'lexicon') : m;
    if (this.method !== 'lexicon' && !encoder) throw new Error(`OPINION_METHOD=${m} needs an encoder`);
    this.aspects = opts.aspects ?? DEFAULT_ASPECTS;
  }

  /** Encodes the anchors once (before the first read that needs them). */
  async prepare(): Promise<void> {
    if (this.method === 'lexicon' || this.ready) return;
    this.calibration ??= calibrate(this.encoder!.encode);
    this.ready = await this.calibration;
  }

  /** The encoder's zero-shot polarity of a text vector (needs prepare()). */
  encoderPolarity(vector: Float32Array): number {
    const c = this.ready;
    if (!c) throw new Error('OpinionReader.prepare() must run before reading with the encoder');
    if (vector.length !== c.pos.length) return 0;
    return round4(Math.tanh((rawScore(vector, c) - c.center) / c.scale));
  }

  /** The opinion of one text, given its vector (null for a blank text). Synchronous once prepared. */
  read(text: string | null | undefined, vector: Float32Array | null): TextOpinion | null {
    if (!text?.trim()) return null;
    const lex = () => lexiconPolarity(text);
    const enc = () => (vector ? this.encoderPolarity(vector) : lex());
    const polarity =
      this.method === 'lexicon' ? lex() : this.method === 'encoder' ? enc() : round4((lex() + enc()) / 2);
    return { polarity, aspects: extractAspects(text, this.aspects), key: textKey(text) };
  }
}

/** The stable key of a text: the first 16 hex digits of its SHA-256 (what LLM features are cached under). */
export function textKey(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function centroid(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0]!.length);
  for (const v of vs) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  return normalized(out);
}

function rawScore(v: Float32Array, c: Pick<Calibration, 'pos' | 'neg'>): number {
  return cosine(v, c.pos) - cosine(v, c.neg);
}

async function calibrate(encode: EncodeTexts): Promise<Calibration> {
  const all = await encode([...POSITIVE_ANCHORS, ...NEGATIVE_ANCHORS, ...NEUTRAL_ANCHORS]);
  const p = all.slice(0, POSITIVE_ANCHORS.length);
  const n = all.slice(POSITIVE_ANCHORS.length, POSITIVE_ANCHORS.length + NEGATIVE_ANCHORS.length);
  const z = all.slice(POSITIVE_ANCHORS.length + NEGATIVE_ANCHORS.length);
  const c = { pos: centroid(p), neg: centroid(n) };
  const mean = (vs: Float32Array[]) => vs.reduce((s, v) => s + rawScore(v, c), 0) / vs.length;
  const center = mean(z);
  // Half the gap between the anchor sets maps to tanh(1) ~ 0.76: a text as clear as an anchor reads strongly.
  const scale = Math.max(1e-3, (mean(p) - mean(n)) / 2);
  return { ...c, center, scale };
}
