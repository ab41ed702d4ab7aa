// Small hand-built recommender parts for testing one module at a time (4-dim vectors, exact index).
import type { BehaviorEvent } from '../../../src/domain/types.js';
import { Catalogue, type ModelItem } from '../../../src/domain/recommend/catalogue.js';
import { mergeRecommendConfig, type DeepPartial, type RecommendConfig } from '../../../src/domain/recommend/config.js';
import { InternedAccept } from '../../../src/domain/recommend/request.js';
import type { CandidateRequest, Observation } from '../../../src/domain/recommend/source.js';
import { Interner } from '../../../src/domain/recommend/state/interner.js';
import { StatsTable } from '../../../src/domain/recommend/state/statsTable.js';
import { UserTable, type UserState } from '../../../src/domain/recommend/state/users.js';
import { ExactIndex } from '../../../src/vectorindex/index.js';
import { emptySignals } from '../../helpers/syntheticCatalogue.js';

export const DIM = 4;
export const T0 = Date.UTC(2026, 0, 1);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function vec(...xs: number[]): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, i) => xs[i] ?? 0);
  let n = 0;
  for (const x of v) n += x * x;
  for (let i = 0; i < DIM; i++) v[i]! /= Math.sqrt(n) || 1;
  return v;
}

export function item(id: string, category: string | null, vector: Float32Array | null, price = 10): ModelItem {
  return { id, title: `Title ${id}`, category, tags: [], brand: null, price, vector };
}

export function parts(overrides?: DeepPartial<RecommendConfig>) {
  const config = mergeRecommendConfig(overrides);
  const ids = new Interner();
  const stats = new StatsTable();
  const users = new UserTable(() => config.users.maxTracked);
  const catalogue = new Catalogue(DIM, new ExactIndex(DIM, { native: false }));
  return { config, ids, stats, users, catalogue };
}

/**
 * A request for `userId` with everything in the catalogue acceptable unless `accept` says otherwise; `acceptItem`
 * is that filter on the interned ids of `p.ids`, decided once per item as the model's is.
 */
export function request(
  p: { catalogue: Catalogue; ids: Interner },
  over: Partial<Omit<CandidateRequest, 'acceptItem'>> = {},
): CandidateRequest {
  const accept = over.accept ?? ((id: string) => p.catalogue.has(id));
  return {
    signals: emptySignals('u'),
    now: T0,
    recentPositive: [],
    seeds: [],
    ...over,
    accept,
    acceptItem: new InternedAccept(p.ids, p.catalogue).begin((id) => accept(id)),
  };
}

export function user(buffer: UserState['buffer'] = []): UserState {
  return { buffer, segments: null, attributesRef: null };
}

let seq = 0;
/** An Observation of a positive event, the way the model builds one (stats counted, item interned). */
export function observation(
  p: { ids: Interner; stats: StatsTable },
  u: UserState,
  itemId: string,
  t: number,
  weight = 1,
  userId = 'u',
): Observation {
  const n = p.ids.id(itemId);
  p.stats.ensure(n);
  p.stats.events[n]!++;
  p.stats.pos[n]!++;
  seq++;
  const event: BehaviorEvent = {
    seq,
    eventId: `e${seq}`,
    userId,
    itemId,
    type: 'PURCHASE',
    value: null,
    text: null,
    occurredAt: t,
  };
  return { event, item: n, t, weight, user: u, repeat: u.buffer.some((b) => b.item === n) };
}
