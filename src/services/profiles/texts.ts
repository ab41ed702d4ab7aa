// What the domain needs besides the log rows: the seed a profile starts from, and each event's context (item
// features and vectors, the text's vector). Texts are encoded up front, outside any transaction; code that runs
// inside one only looks vectors up, and asks for a retry (MissingTextVectors) when a text it meets was not encoded.
import type { ProfileSeed } from '../../domain/profile/index.js';
import type { BehaviorEvent, EventContext } from '../../domain/types.js';
import type { EncoderService } from '../../inference/encoderService.js';
import type { BehaviorRow, UserRow } from '../../store/types.js';
import type { CatalogService } from '../catalogService.js';

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

export class TextContexts {
  constructor(private readonly deps: { encoder: EncoderService; catalog: CatalogService }) {}

  /** Encodes the texts not yet in `into` (the encoder's LRU cache makes repeats cheap) and returns the map. */
  async encode(texts: Iterable<string | null | undefined>, into: TextVectors = new Map()): Promise<TextVectors> {
    const todo = [...new Set([...texts].filter(encodable))].filter((t) => !into.has(t));
    const vectors = todo.length ? await this.deps.encoder.encodeMany(todo, 'query') : [];
    todo.forEach((t, i) => into.set(t, vectors[i]!));
    return into;
  }

  /** The texts a seed and a run of log rows need. */
  textsOf(user: UserRow | null, rows: readonly BehaviorRow[]): Array<string | null> {
    return [user?.onboardingText ?? null, ...rows.map((r) => r.text)];
  }

  /** Where a new profile (or a replay from the start) begins: the user's attributes and onboarding vector. */
  seed(user: UserRow, vectors: TextVectors): ProfileSeed {
    const onboardingVector = this.vector(user.onboardingText, vectors);
    return { attributes: user.attributes, onboardingVector, at: user.createdAt.getTime() };
  }

  /** The context one event is applied with. */
  context(event: BehaviorEvent, vectors: TextVectors): EventContext {
    return { ...this.deps.catalog.eventContext(event.itemId), textVector: this.vector(event.text, vectors) };
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
