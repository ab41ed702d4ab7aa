// Deterministic synthetic catalogues (topic directions + seeded noise) for recommender tests and benchmarks.
// Outside src/domain: makeModel builds a real vector index.
import type { BehaviorEvent, BehaviorType, ProfileSignals } from '../../src/domain/types.js';
import { RecommenderModel } from '../../src/domain/recommend/model.js';
import type { DeepPartial, RecommendConfig } from '../../src/domain/recommend/config.js';
import { createVectorIndex } from '../../src/vectorindex/index.js';

import { mulberry32 } from '../../src/domain/recommend/random.js';

export { mulberry32 };

export function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
}

export function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export function dotp(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export interface Catalogue {
  dim: number;
  topics: Float32Array[];
  items: Array<{
    id: string;
    title: string;
    category: string;
    tags: string[];
    brand: string | null;
    price: number;
    vector: Float32Array;
  }>;
  vectorOf: Map<string, Float32Array>;
  categoryOf: Map<string, string>;
}

/** `topics` categories (cat0..), `perTopic` items each: item = topic + noise, price 1..100. */
export function makeCatalogue(
  opts: { topics?: number; perTopic?: number; dim?: number; noise?: number; seed?: number } = {},
): Catalogue {
  const { topics = 8, perTopic = 60, dim = 32, noise = 0.5, seed = 1 } = opts;
  const rand = mulberry32(seed);
  const dirs = Array.from({ length: topics }, () => unit(Float32Array.from({ length: dim }, () => gauss(rand))));
  const items: Catalogue['items'] = [];
  for (let t = 0; t < topics; t++) {
    for (let i = 0; i < perTopic; i++) {
      const v = unit(
        Float32Array.from({ length: dim }, (_, j) => dirs[t]![j]! + ((noise * gauss(rand)) / Math.sqrt(dim)) * 2),
      );
      items.push({
        id: `c${t}-i${i}`,
        title: `Item ${i} of cat${t}`,
        category: `cat${t}`,
        tags: [],
        brand: null,
        price: 1 + ((i * 7 + t * 13) % 100),
        vector: v,
      });
    }
  }
  return {
    dim,
    topics: dirs,
    items,
    vectorOf: new Map(items.map((i) => [i.id, i.vector])),
    categoryOf: new Map(items.map((i) => [i.id, i.category])),
  };
}

export function makeModel(cat: Catalogue, config?: DeepPartial<RecommendConfig>): RecommenderModel {
  const model = new RecommenderModel({
    dim: cat.dim,
    index: createVectorIndex({ dim: cat.dim, kind: 'exact' }),
    config,
  });
  model.upsertItems(cat.items);
  return model;
}

let seq = 0;
export function ev(
  userId: string,
  itemId: string,
  occurredAt: number,
  type: BehaviorType = 'PURCHASE',
  value: number | null = null,
): BehaviorEvent {
  seq++;
  return { seq, eventId: `e${seq}`, userId, itemId, type, value, text: null, occurredAt };
}

function mean(vs: Float32Array[], dim: number): Float32Array | null {
  if (vs.length === 0) return null;
  const out = new Float32Array(dim);
  for (const v of vs) for (let i = 0; i < dim; i++) out[i]! += v[i]!;
  return unit(out);
}

/**
 * Profile signals the way a profile builder would derive them: interactions newest last in the input,
 * one interest cluster per category, short-term = mean of the last 5, consumed = all positive items.
 */
export function signalsFrom(
  cat: Catalogue,
  userId: string,
  interactions: Array<{ itemId: string; type?: BehaviorType; weight?: number; at: number }>,
  extra: Partial<ProfileSignals> = {},
): ProfileSignals {
  const newestFirst = [...interactions].sort((a, b) => b.at - a.at);
  const positive = newestFirst.filter((i) => (i.weight ?? 1) > 0);
  const byCat = new Map<string, string[]>();
  for (const i of positive) {
    const c = cat.categoryOf.get(i.itemId)!;
    byCat.set(c, [...(byCat.get(c) ?? []), i.itemId]);
  }
  const interests = [...byCat].map(([c, ids]) => ({
    label: c,
    weight: ids.length / Math.max(1, positive.length),
    vector: mean(
      ids.map((id) => cat.vectorOf.get(id)!),
      cat.dim,
    )!,
    topItemIds: ids.slice(0, 5),
  }));
  return {
    userId,
    longTerm: mean(
      positive.map((i) => cat.vectorOf.get(i.itemId)!),
      cat.dim,
    ),
    shortTerm: mean(
      positive.slice(0, 5).map((i) => cat.vectorOf.get(i.itemId)!),
      cat.dim,
    ),
    interests,
    facets: interests.map((i) => ({ kind: 'category', value: i.label, weight: i.weight })),
    recent: newestFirst
      .slice(0, 20)
      .map((i) => ({ itemId: i.itemId, type: i.type ?? 'PURCHASE', occurredAt: i.at, weight: i.weight ?? 1 })),
    consumed: new Set(positive.map((i) => i.itemId)),
    rejected: new Set(newestFirst.filter((i) => (i.weight ?? 1) < 0).map((i) => i.itemId)),
    attributes: {},
    onboarding: null,
    eventCount: interactions.length,
    ...extra,
  };
}

export function emptySignals(userId: string, extra: Partial<ProfileSignals> = {}): ProfileSignals {
  return {
    userId,
    longTerm: null,
    shortTerm: null,
    interests: [],
    facets: [],
    recent: [],
    consumed: new Set(),
    rejected: new Set(),
    attributes: {},
    onboarding: null,
    eventCount: 0,
    ...extra,
  };
}

/**
 * Background traffic: `users` users each viewing `perUser` items (seeded), a minute apart. With `topical`
 * (default 0.8) each user has a favourite topic (u mod topics) and picks from it with that probability,
 * otherwise uniformly: behaviour correlates with content, as in real logs.
 */
export function backgroundEvents(
  cat: Catalogue,
  users: number,
  perUser: number,
  seed: number,
  t0: number,
  topical = 0.8,
): BehaviorEvent[] {
  const rand = mulberry32(seed);
  const out: BehaviorEvent[] = [];
  const perTopic = cat.items.length / cat.topics.length;
  for (let u = 0; u < users; u++) {
    const topic = u % cat.topics.length;
    for (let k = 0; k < perUser; k++) {
      const item =
        rand() < topical
          ? cat.items[topic * perTopic + Math.floor(rand() * perTopic)]!
          : cat.items[Math.floor(rand() * cat.items.length)]!;
      out.push(ev(`bg${seed}-${u}`, item.id, t0 + u * 1000 + k * 60_000, 'VIEW'));
    }
  }
  return out;
}

export function intraListDiversity(ids: string[], cat: Catalogue): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      s += 1 - dotp(cat.vectorOf.get(ids[i]!)!, cat.vectorOf.get(ids[j]!)!);
      n++;
    }
  return n ? s / n : 0;
}
