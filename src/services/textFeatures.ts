// Optional: language-model feature extraction from review and onboarding text (LLM_BASE_URL, LLM_FEATURES).
//
// An OpenAI-compatible endpoint in JSON mode turns a text into structured features: interests, aspects with an
// opinion each, and an overall opinion. Asynchronous and never on the request path: texts are queued (bounded,
// deduplicated) when they are first encoded, a few requests run at a time, results are cached by (text key, model).
//
// Replay equality: the features never enter ProfileState. They arrive later, from a model that may change or be down,
// so letting them move the stored profile would make a rebuild differ from the live profile and rewrite stored
// versions silently. They are a read-side view only (Profile.textFeatures): the state keeps the keys of the user's
// newest texts (a deterministic function of the text), and the view joins them with whatever features are cached now,
// labelled with the model, falling back to the deterministic reading (lexicon / encoder) for texts not yet extracted
// and on any failure.
import { LRUCache } from 'lru-cache';
import { KeyedQueue } from './keyedQueue.js';
import { chatCompletion, type LlmEndpoint } from './llm.js';
import { aspectFacets } from '../domain/profile/index.js';
import type { ProfileState } from '../domain/profile/index.js';
import type { FacetWeight } from '../domain/types.js';

export interface TextFeatures {
  interests: string[];
  aspects: Array<{ aspect: string; opinion: number }>;
  opinion: number;
}

export interface TextFeatureExtractorOptions extends LlmEndpoint {
  log: (msg: string) => void;
  concurrency?: number;
  /** Cached feature sets (default 20,000). */
  cacheSize?: number;
  /** Most texts waiting for extraction; more are dropped until the queue drains (default 1,000). */
  maxPending?: number;
  /** After a failure the same text is not retried for this long (default 10 minutes). */
  retryAfterMs?: number;
}

const MAX_TEXT_CHARS = 4_000;
const MAX_ITEMS = 8;
const MAX_LABEL_CHARS = 60;

const SYSTEM_PROMPT =
  'You extract structured features from a product review or a user\'s description of their tastes. Answer with one JSON object only: {"interests": [short lower-case topics the writer likes or is interested in], "aspects": [{"aspect": short lower-case product aspect such as price, smell, battery, sound, quality, "opinion": number from -1 (very negative) to 1 (very positive)}], "opinion": overall opinion from -1 to 1}. At most 8 interests and 8 aspects. Use only what the text says.';

export class TextFeatureExtractor {
  readonly model: string;
  private readonly cache: LRUCache<string, TextFeatures>;
  private readonly failedAt = new Map<string, number>();
  /** key -> text */
  private readonly queue: KeyedQueue<string>;
  readonly stats = { requests: 0, failures: 0, dropped: 0 };

  constructor(private readonly opts: TextFeatureExtractorOptions) {
    this.model = opts.model;
    this.cache = new LRUCache({ max: opts.cacheSize ?? 20_000 });
    this.queue = new KeyedQueue(opts.concurrency ?? 2, (key, text) => this.extractInto(key, text));
  }

  /** Features cached for a text key, or null (not extracted yet, failed, or evicted). */
  get(key: string): TextFeatures | null {
    return this.cache.get(key) ?? null;
  }

  /** Queues a text for extraction unless it is cached, queued, or failed recently. Never waits. */
  enqueue(key: string, text: string): void {
    if (!text.trim() || this.cache.has(key) || this.queue.has(key)) return;
    const failed = this.failedAt.get(key);
    if (failed !== undefined && Date.now() - failed < (this.opts.retryAfterMs ?? 600_000)) return;
    if (this.queue.size >= (this.opts.maxPending ?? 1_000)) {
      this.stats.dropped++;
      return;
    }
    this.queue.enqueue(key, text);
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async extractInto(key: string, text: string): Promise<void> {
    try {
      this.cache.set(key, await this.extract(text));
      this.failedAt.delete(key);
    } catch (err) {
      this.stats.failures++;
      if (this.failedAt.size > 10_000) this.failedAt.clear();
      this.failedAt.set(key, Date.now());
      this.opts.log(`text feature extraction failed, deterministic features kept: ${(err as Error).message}`);
    }
  }

  private async extract(text: string): Promise<TextFeatures> {
    this.stats.requests++;
    const content = await chatCompletion(this.opts, {
      temperature: 0,
      maxTokens: 300,
      json: true,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: text.slice(0, MAX_TEXT_CHARS) },
      ],
    });
    return parseFeatures(content);
  }
}

const clamp = (x: number) => Math.max(-1, Math.min(1, x));
const label = (x: unknown): string | null => {
  if (typeof x !== 'string') return null;
  const s = x.replace(/\s+/g, ' ').trim().toLowerCase();
  return s && s.length <= MAX_LABEL_CHARS ? s : null;
};

/** Validates the model's JSON answer; throws on anything that is not the asked-for shape. */
export function parseFeatures(content: string): TextFeatures {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    throw new Error('the answer is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('the answer is not a JSON object');
  const o = raw as { interests?: unknown; aspects?: unknown; opinion?: unknown };
  if (typeof o.opinion !== 'number' || !Number.isFinite(o.opinion)) throw new Error('"opinion" is not a number');
  const interests = Array.isArray(o.interests) ? o.interests.map(label).filter((x): x is string => !!x) : [];
  const aspects: TextFeatures['aspects'] = [];
  for (const a of Array.isArray(o.aspects) ? o.aspects : []) {
    const name = label((a as { aspect?: unknown })?.aspect);
    const op = (a as { opinion?: unknown })?.opinion;
    if (name && typeof op === 'number' && Number.isFinite(op)) aspects.push({ aspect: name, opinion: clamp(op) });
  }
  return {
    interests: [...new Set(interests)].slice(0, MAX_ITEMS),
    aspects: aspects.slice(0, MAX_ITEMS),
    opinion: clamp(o.opinion),
  };
}

/** The read-side view of what the user's newest texts say (GraphQL Profile.textFeatures). */
export interface TextFeaturesView {
  /** 'llm' when every recent text has LLM features, 'mixed' when some do, 'rules' when none do. */
  source: 'llm' | 'mixed' | 'rules';
  model: string | null;
  texts: number;
  extracted: number;
  /** Mean opinion of the recent texts (LLM where extracted), null without texts. */
  opinion: number | null;
  /** Interests named across the recent texts, weight = share of texts naming them (LLM only). */
  interests: FacetWeight[];
  /** Aspects with mean opinion: LLM aspects when any text was extracted, else the profile's `aspect` facets. */
  aspects: FacetWeight[];
}

export function textFeaturesView(state: ProfileState, extractor: TextFeatureExtractor | null): TextFeaturesView {
  const o = state.opinion;
  const keys = o?.recentTexts ?? [];
  const found = extractor ? keys.map((k) => extractor.get(k)).filter((f): f is TextFeatures => !!f) : [];
  const tone = o && o.texts > 0 ? o.polaritySum / o.texts : null;
  if (found.length === 0) {
    return {
      source: 'rules',
      model: null,
      texts: keys.length,
      extracted: 0,
      opinion: tone,
      interests: [],
      aspects: aspectFacets(o),
    };
  }
  const interestCount = new Map<string, number>();
  const aspectSum = new Map<string, { sum: number; n: number }>();
  for (const f of found) {
    for (const i of f.interests) interestCount.set(i, (interestCount.get(i) ?? 0) + 1);
    for (const a of f.aspects) {
      const e = aspectSum.get(a.aspect) ?? { sum: 0, n: 0 };
      e.sum += a.opinion;
      e.n += 1;
      aspectSum.set(a.aspect, e);
    }
  }
  const cmp = (a: FacetWeight, b: FacetWeight) =>
    Math.abs(b.weight) - Math.abs(a.weight) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  return {
    source: found.length === keys.length ? 'llm' : 'mixed',
    model: extractor!.model,
    texts: keys.length,
    extracted: found.length,
    opinion: found.reduce((s, f) => s + f.opinion, 0) / found.length,
    interests: [...interestCount]
      .map(([value, n]) => ({ kind: 'interest', value, weight: n / found.length }))
      .sort(cmp),
    aspects: [...aspectSum].map(([value, e]) => ({ kind: 'aspect', value, weight: e.sum / e.n })).sort(cmp),
  };
}
