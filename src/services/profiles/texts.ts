// What the domain needs besides the log rows: the seed a profile starts from, and each event's context (item
// features and vectors, the text's vector and opinion, the encoder's common text direction). Texts are encoded and
// their opinion read up front, outside any transaction; code that runs inside one only looks them up, and asks for a
// retry (MissingTextVectors) when a text it meets was not encoded. The opinion is a deterministic function of (text,
// vector, reader), so a rebuild reads the same one; it is cached by text, and recomputed (synchronously, cheaply) if
// the cache dropped it. The common direction is a function of the encoder alone (inference/textDirection.ts).
import { LRUCache } from 'lru-cache';
import type { ProfileSeed } from '../../domain/profile/index.js';
import type { BehaviorEvent, EventContext, NewBehaviorEvent, TextOpinion } from '../../domain/types.js';
import type { EncoderService } from '../../inference/encoderService.js';
import { OpinionReader } from '../../inference/opinion/reader.js';
import { commonTextDirection } from '../../inference/textDirection.js';
import type { BehaviorRow, UserRow } from '../../store/types.js';
import type { CatalogService } from '../catalogService.js';
import type { TextFeatureExtractor } from '../textFeatures.js';

/** Vectors of the texts a unit of work needs, by text. */
export type TextVectors = Map<string, Float32Array>;

/** Thrown (inside a transaction) when a text met there was not encoded before it: encode these and retry. */
export class MissingTextVectors extends Error {
  constructor(readonly texts: string[]) {
    super(`${texts.length} text(s) to encode before the unit of work can run`);
  }
}

/** Only non-blank texts have vectors; blank or absent ones contribute none. */
const encodable = (text: string | null | undefined): text is string => !!text?.trim();

/** The opinion reader for an encoder service (OPINION_METHOD auto: the lexicon for the lexical encoder). */
export function opinionReaderFor(encoder: EncoderService, opts?: ConstructorParameters<typeof OpinionReader>[1]) {
  return new OpinionReader({ kind: encoder.encoder.kind, encode: (texts) => encoder.encodeMany(texts, 'query') }, opts);
}

export class TextContexts {
  readonly opinion: OpinionReader;
  private readonly opinions = new LRUCache<string, TextOpinion>({ max: 10_000 });
  private direction: Promise<Float32Array | null> | null = null;
  private directionReady: Float32Array | null = null;

  constructor(
    private readonly deps: {
      encoder: EncoderService;
      catalog: CatalogService;
      opinion?: OpinionReader;
      /** Queued for LLM feature extraction (read-side only; never awaited). */
      features?: Pick<TextFeatureExtractor, 'enqueue'> | null;
    },
  ) {
    this.opinion = deps.opinion ?? opinionReaderFor(deps.encoder);
  }

  /**
   * Encodes the texts not yet in `into` (the encoder's LRU cache makes repeats cheap), reads their opinion, and
   * returns the map.
   */
  async encode(texts: Iterable<string | null | undefined>, into: TextVectors = new Map()): Promise<TextVectors> {
    // The encoder's common text direction, once per process (every context() after an encode() carries it).
    this.direction ??= commonTextDirection((xs) => this.deps.encoder.encodeMany(xs, 'query')).catch((err) => {
      this.direction = null;
      throw err;
    });
    this.directionReady = await this.direction;
    const todo = [...new Set([...texts].filter(encodable))].filter((t) => !into.has(t));
    const vectors = todo.length ? await this.deps.encoder.encodeMany(todo, 'query') : [];
    todo.forEach((t, i) => into.set(t, vectors[i]!));
    if (todo.length) {
      await this.opinion.prepare();
      for (const t of todo) {
        const op = this.opinions.get(t) ?? this.opinion.read(t, into.get(t)!)!;
        this.opinions.set(t, op);
        if (op.key) this.deps.features?.enqueue(op.key, t);
      }
    }
    return into;
  }

  /** The texts a seed and a run of log rows need. */
  textsOf(user: UserRow | null, rows: readonly BehaviorRow[]): Array<string | null> {
    return [user?.onboardingText ?? null, ...rows.map((r) => r.text)];
  }

  /** Where a new profile (or a replay from the start) begins: the user's attributes and onboarding vector. */
  seed(user: UserRow, vectors: TextVectors): ProfileSeed {
    const onboardingVector = this.vector(user.onboardingText, vectors);
    const onboardingOpinion = this.opinionOf(user.onboardingText, onboardingVector);
    return { attributes: user.attributes, onboardingVector, onboardingOpinion, at: user.createdAt.getTime() };
  }

  /** The context one event is applied with. */
  context(event: BehaviorEvent, vectors: TextVectors): EventContext {
    const textVector = this.vector(event.text, vectors);
    return {
      ...this.deps.catalog.eventContext(event.itemId),
      textVector,
      textDirection: textVector ? this.directionReady : null,
      textOpinion: this.opinionOf(event.text, textVector),
    };
  }

  /** The opinion of a text already encoded (cached by encode(); recomputed from the same inputs if evicted). */
  private opinionOf(text: string | null | undefined, vector: Float32Array | null): TextOpinion | null {
    if (!encodable(text)) return null;
    return this.opinions.get(text) ?? this.opinion.read(text, vector);
  }

  /**
   * The event as the log stores it: with its text's polarity (null without text), read once here at write time so
   * that every follower of the log reads the same liking evidence (the text must be in `vectors`).
   */
  withOpinion<E extends NewBehaviorEvent>(event: E, vectors: TextVectors): E {
    const opinion = this.opinionOf(event.text, this.vector(event.text, vectors))?.polarity ?? null;
    return { ...event, opinion: opinion !== null && Number.isFinite(opinion) ? opinion : null };
  }

  /** Pairs log rows with their contexts. Every missing vector is reported at once, so one retry suffices. */
  withContexts(rows: readonly BehaviorRow[], vectors: TextVectors): Array<{ event: BehaviorEvent; ctx: EventContext }> {
    const missing = [...new Set(rows.flatMap((r) => (encodable(r.text) && !vectors.has(r.text) ? [r.text] : [])))];
    if (missing.length) throw new MissingTextVectors(missing);
    return rows.map((event) => ({ event, ctx: this.context(event, vectors) }));
  }

  private vector(text: string | null | undefined, vectors: TextVectors): Float32Array | null {
    if (!encodable(text)) return null;
    const v = vectors.get(text);
    if (!v) throw new MissingTextVectors([text]);
    return v;
  }
}
