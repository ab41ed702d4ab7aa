// What the admin console's model page shows: encoder, vector index, catalogue and log sizes, the recommender's
// configuration and its candidate sources. Read-only; sizes come from the store and the in-memory model.
import type { RecommenderModel } from '../domain/recommend/index.js';
import { SOURCE_NAMES } from '../domain/recommend/config.js';
import type { EncoderService } from '../inference/encoderService.js';
import type { AppConfig } from '../config.js';
import type { Store } from '../store/types.js';
import type { CatalogService } from './catalogService.js';

export interface ModelInfo {
  encoder: { id: string; kind: string; dim: number };
  index: { kind: string; mode: string; size: number; dim: number };
  catalogue: { items: number; indexedItems: number; staleItems: number };
  log: { users: number; behaviors: number; profiles: number; profileVersions: number };
  memory: { users: number; coVisitationEntries: number; transitionEntries: number; segments: number };
  sources: Array<{ name: string; weight: number; candidates: number }>;
  explore: number;
  /** The recommender's full configuration and the profile engine's settings, as plain JSON. */
  recommenderConfig: Record<string, unknown>;
  profileConfig: Record<string, unknown>;
  databaseProvider: string;
}

interface Deps {
  store: Store;
  model: RecommenderModel;
  encoder: EncoderService;
  catalog: CatalogService;
  config: AppConfig;
}

export class ModelInfoService {
  constructor(private readonly deps: Deps) {}

  async modelInfo(): Promise<ModelInfo> {
    const { store, model, encoder, catalog, config } = this.deps;
    const counts = await store.tableCounts();
    const { id, kind, dim } = encoder.encoder;
    const index = model.index as { mode?: string };
    const { items: _items, ...memory } = model.memoryStats();
    const rc = model.config;
    return {
      encoder: { id, kind, dim },
      index: {
        kind: config.recommend.indexKind,
        mode: index.mode ?? config.recommend.indexKind,
        size: model.index.size,
        dim: model.index.dim,
      },
      catalogue: { items: counts.items ?? 0, indexedItems: model.itemCount, staleItems: catalog.staleItems },
      log: {
        users: counts.users ?? 0,
        behaviors: counts.behaviors ?? 0,
        profiles: counts.profiles ?? 0,
        profileVersions: counts.profileVersions ?? 0,
      },
      memory,
      sources: SOURCE_NAMES.map((name) => ({ name, weight: rc.weights[name], candidates: rc.candidates[name] })),
      explore: config.recommend.explore,
      recommenderConfig: JSON.parse(JSON.stringify(rc)) as Record<string, unknown>,
      profileConfig: JSON.parse(JSON.stringify(config.profile)) as Record<string, unknown>,
      databaseProvider: store.provider,
    };
  }
}
