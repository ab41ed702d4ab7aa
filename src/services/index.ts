// Wires the process-wide services: store, encoder, in-memory recommender, profile engine, live events.
import { readFileSync } from 'node:fs';
import { validateProfileConfig, type ProfileConfig } from '../domain/profile/index.js';
import { RecommenderModel, type DeepPartial, type RecommendConfig } from '../domain/recommend/index.js';
import { EncoderService } from '../inference/encoderService.js';
import { loadEncoder, type LoadedEncoder } from '../inference/loadEncoder.js';
import type { AppConfig } from '../config.js';
import {
  migrate,
  openStore,
  parseDatabaseUrl,
  pendingMigrations,
  type DatabaseTarget,
  type Store,
} from '../store/index.js';
import { createVectorIndex } from '../vectorindex/index.js';
import { CatalogService } from './catalogService.js';
import { LogFollower, type LogPosition } from './logFollower.js';
import { createMetrics, type Metrics } from './metrics.js';
import { ModelInfoService } from './modelInfoService.js';
import { createProfileEvents, type ProfileEvents } from './events.js';
import { PrivacyService } from './privacyService.js';
import { ProfileService } from './profileService.js';
import type { LabelVocabulary } from './profileView.js';
import { RecommendationService } from './recommendationService.js';
import { RecommenderSnapshots } from './recommenderSnapshots.js';
import { SummaryRewriter } from './summaryRewriter.js';
import { loadAspectLexicon } from '../inference/opinion/aspects.js';
import { opinionReaderFor } from './profiles/texts.js';
import { TextFeatureExtractor } from './textFeatures.js';
import { UserService } from './userService.js';

export interface ReadyReport {
  ready: boolean;
  database: { provider: string; reachable: boolean; pendingMigrations: string[] };
  encoder: { kind: string; id: string; dim: number; summary: string };
  items: number;
  staleItems: number;
  /** How far this replica's recommender and catalogue are behind the shared logs (sequence numbers). */
  log: LogPosition | null;
}

export interface Services {
  config: AppConfig;
  profileConfig: ProfileConfig;
  store: Store;
  encoder: EncoderService;
  catalog: CatalogService;
  profiles: ProfileService;
  users: UserService;
  recommendations: RecommendationService;
  /** Sizes and configuration for the admin console's model page. */
  modelInfo: ModelInfoService;
  /** Erasure and export of one user's data. */
  privacy: PrivacyService;
  events: ProfileEvents;
  model: RecommenderModel;
  /** LLM summary rewriter, when LLM_BASE_URL is set. */
  summaries: SummaryRewriter | null;
  /** LLM feature extraction from review and onboarding text (read-side only), when LLM_BASE_URL is set. */
  textFeatures: TextFeatureExtractor | null;
  log: (msg: string) => void;
  readiness(): Promise<ReadyReport>;
  /** Prometheus metrics of this process (/metrics). */
  metrics: Metrics;
  /** Follows the shared logs by sequence for the recommender and the catalogue. */
  follower: LogFollower;
  /** Resolves when background start-up work (re-embedding) is done; for jobs and tests. */
  backgroundWork: Promise<void>;
  close(): Promise<void>;
}

export function profileConfigFrom(config: AppConfig): ProfileConfig {
  const p = config.profile;
  return validateProfileConfig({
    ratingScale: { min: config.limits.ratingMin, max: config.limits.ratingMax },
    versioning: { strategy: p.versioning, triggerTypes: p.triggerTypes, driftThreshold: p.driftThreshold },
    ...(p.longHalfLifeDays !== undefined ? { longHalfLifeDays: p.longHalfLifeDays } : {}),
    ...(p.shortHalfLifeDays !== undefined ? { shortHalfLifeDays: p.shortHalfLifeDays } : {}),
    ...(p.snapshotEvery !== undefined ? { snapshotEvery: p.snapshotEvery } : {}),
  });
}

/** The recommender's overrides: RATE values are read on the configured rating scale (as the profile reads them). */
export function recommendConfigFrom(config: AppConfig): DeepPartial<RecommendConfig> {
  return { rating: { scale: { min: config.limits.ratingMin, max: config.limits.ratingMax } } };
}

async function loadVocabulary(file: string | null, encoder: EncoderService): Promise<LabelVocabulary | null> {
  if (!file) return null;
  const labels = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const vectors = await encoder.encodeMany(labels, 'query');
  return { entries: labels.map((label, i) => ({ label, vector: vectors[i]! })) };
}

export async function createServices(config: AppConfig, log: (msg: string) => void = () => {}): Promise<Services> {
  const target: DatabaseTarget = parseDatabaseUrl(config.databaseUrl);
  // The embedded default creates and migrates its database on first start; so does PostgreSQL (idempotent).
  await migrate(target, log);
  const store = await openStore(target);
  let loaded: LoadedEncoder;
  try {
    loaded = await loadEncoder(config.encoder);
  } catch (err) {
    await store.close();
    throw err;
  }
  const description = loaded.describe();
  log(`encoder: ${description.summary}`);
  const metrics = createMetrics();
  metrics.database(target.provider, store.stats);
  const encoder = new EncoderService(loaded, {
    ...config.encoder,
    onBatch: (texts) => metrics.encoderBatchTexts.observe(texts),
  });
  const profileConfig = profileConfigFrom(config);
  // The newest configuration chosen by `npm run model:tune` on this deployment's log (RECOMMEND_USE_TUNED=off ignores it).
  const tuned = config.recommend.useTuned ? await store.latestTunedConfiguration() : null;
  const model = new RecommenderModel({
    dim: loaded.dim,
    index: createVectorIndex({
      dim: loaded.dim,
      kind: config.recommend.indexKind,
      exactLimit: config.recommend.exactLimit,
      usearch: { expansionSearch: config.recommend.expansionSearch, quantization: config.recommend.quantization },
    }),
    config: { ...(tuned?.config as DeepPartial<RecommendConfig> | undefined), ...recommendConfigFrom(config) },
  });
  if (tuned) log(`recommender: tuned configuration version ${tuned.version} (npm run model:tune)`);
  const events = createProfileEvents(config.redisUrl);
  const catalog = new CatalogService({ store, encoder, model, limits: config.limits, log });
  const recommendations = new RecommendationService({ store, model, encoder, explore: config.recommend.explore });
  const vocabulary = await loadVocabulary(config.profile.labelVocabularyFile, encoder);
  const summaries = config.llm.baseUrl
    ? new SummaryRewriter({
        baseUrl: config.llm.baseUrl,
        model: config.llm.model,
        apiKey: config.llm.apiKey,
        timeoutMs: config.llm.timeoutMs,
        store,
        log,
      })
    : null;
  const opinion = opinionReaderFor(encoder, {
    method: config.opinion.method,
    aspects: loadAspectLexicon(config.opinion.aspectsFile),
  });
  const textFeatures =
    config.llm.baseUrl && config.llm.features
      ? new TextFeatureExtractor({
          baseUrl: config.llm.baseUrl,
          model: config.llm.model,
          apiKey: config.llm.apiKey,
          timeoutMs: config.llm.timeoutMs,
          log,
        })
      : null;
  log(
    `opinion from text: ${opinion.method}${config.opinion.aspectsFile ? `, aspects from ${config.opinion.aspectsFile}` : ''}`,
  );
  // The follower is created below; the write path reaches it through this indirection.
  let followerRef: LogFollower | null = null;
  const profiles = new ProfileService({
    metrics,
    follower: {
      committed: () => followerRef?.committed() ?? Promise.resolve(),
      setUserAttributes: (userId, attributes) => followerRef?.setUserAttributes(userId, attributes),
    },
    store,
    encoder,
    opinion,
    textFeatures,
    catalog,
    recommendations,
    events,
    config: profileConfig,
    limits: config.limits,
    vocabulary: () => vocabulary,
    summaries,
    locking: config.profile.locking,
    stateCacheSize: config.profile.stateCacheSize,
    log,
  });

  const follower = new LogFollower({
    store,
    recommendations,
    catalog,
    redisUrl: config.redisUrl,
    pollMs: config.logPollMs,
    log,
    snapshots: config.snapshots.enabled
      ? {
          store: new RecommenderSnapshots({
            store,
            model,
            describe: { encoder: description.id, dim: loaded.dim },
            log,
          }),
          everyEvents: Math.max(1, config.snapshots.everyEvents),
          everySeconds: config.snapshots.everySeconds,
        }
      : null,
  });
  followerRef = follower;
  metrics.follow(follower);
  catalog.onChange = () => follower.committed();
  let loadedItems = { items: 0, stale: 0 };
  const lastSeq = await follower.start(async () => {
    loadedItems = await catalog.loadAll();
  });
  const { items, stale } = loadedItems;
  log(`loaded ${items} items and the event log up to ${lastSeq} from ${target.provider}`);

  let backgroundWork: Promise<void> = Promise.resolve();
  if (stale > 0 && config.encoder.reembedOnStart) {
    log(`re-embedding ${stale} items whose vectors came from another encoder (in the background)`);
    let lastLogged = 0;
    backgroundWork = catalog
      .reembed(({ done, total }) => {
        if (done - lastLogged >= 1000 || done === total) {
          lastLogged = done;
          log(`re-embedded ${done}/${total} items`);
        }
      })
      .then(() => undefined)
      .catch((err: unknown) => log(`re-embedding stopped: ${(err as Error).message}; run npm run encoder:reembed`));
  }

  let consolidateTimer: NodeJS.Timeout | null = null;
  if (config.profile.consolidateIntervalMinutes > 0) {
    const { consolidateProfiles } = await import('./profileJobs.js');
    consolidateTimer = setInterval(() => {
      void consolidateProfiles(profiles, store, { now: Date.now(), log }).catch((err: unknown) =>
        log(`consolidation failed: ${(err as Error).message}`),
      );
    }, config.profile.consolidateIntervalMinutes * 60_000);
    consolidateTimer.unref();
  }

  return {
    config,
    profileConfig,
    store,
    encoder,
    catalog,
    profiles,
    users: new UserService(store),
    recommendations,
    modelInfo: new ModelInfoService({ store, model, encoder, catalog, config }),
    events,
    model,
    summaries,
    textFeatures,
    log,
    backgroundWork,
    privacy: new PrivacyService({ store, profiles, recommendations, follower, limits: config.limits, log }),
    follower,
    metrics,
    async readiness() {
      let reachable = true;
      let pending: string[] = [];
      try {
        await store.ping();
        pending = await pendingMigrations(target);
      } catch {
        reachable = false;
      }
      return {
        ready: reachable && pending.length === 0,
        database: { provider: target.provider, reachable, pendingMigrations: pending },
        encoder: { kind: description.kind, id: description.id, dim: description.dim, summary: description.summary },
        items: model.itemCount,
        staleItems: catalog.staleItems,
        log: reachable ? await follower.position().catch(() => null) : null,
      };
    },
    async close() {
      if (consolidateTimer) clearInterval(consolidateTimer);
      await follower.close();
      await backgroundWork;
      await summaries?.idle();
      await textFeatures?.idle();
      await events.close();
      await loaded.close?.();
      await store.close();
    },
  };
}
