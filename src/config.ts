// Every setting comes from the environment; README.md lists each variable with its default.
import { createHash } from 'node:crypto';
import { securityConfigFromEnv, type SecurityConfig } from './auth/config.js';
import { BEHAVIOR_TYPES, type BehaviorType } from './domain/types.js';
import { encoderOptionsFromEnv, type LoadEncoderOptions } from './inference/loadEncoder.js';
import { OPINION_METHODS, type OpinionMethod } from './inference/opinion/reader.js';
import { DEFAULT_DATABASE_URL } from './store/databaseUrl.js';

export interface Limits {
  /** Longest accepted id (users, items, events). */
  maxIdLength: number;
  /** Longest accepted behaviour or onboarding text, in characters. */
  maxTextLength: number;
  /** Most inputs in one recordBehaviors / upsertItems call. */
  maxBatchSize: number;
  /** Largest page of a connection. */
  maxPageSize: number;
  /** How far in the future an occurredAt may be (clock skew), in ms. */
  futureSkewMs: number;
  ratingMin: number;
  ratingMax: number;
  /** Largest `first` of recommendations and similarItems. */
  maxRecommendations: number;
}

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | null;
  /** How often (ms) each process polls the shared logs when Redis does not wake it (LOG_POLL_MS; 0: never). */
  logPollMs: number;
  /**
   * Bearer token that /metrics requires (METRICS_TOKEN). Unset: /metrics is open outside production and answers
   * 403 in production (NODE_ENV=production), so a production server never exposes it unauthenticated.
   */
  metricsToken: string | null;
  /** Authentication, per-operation limits and rate limits (src/auth/config.ts). */
  security: SecurityConfig;
  encoder: LoadEncoderOptions & {
    maxBatchSize: number;
    maxWaitMs: number;
    cacheSize: number;
    /** Re-embed items whose stored vectors came from another encoder, in the background at start. */
    reembedOnStart: boolean;
  };
  limits: Limits;
  profile: {
    versioning: 'realtime' | 'event-triggered';
    triggerTypes: BehaviorType[];
    driftThreshold: number;
    longHalfLifeDays: number | undefined;
    shortHalfLifeDays: number | undefined;
    snapshotEvery: number | undefined;
    /** File with one interest label per line, for zero-shot interest labels. */
    labelVocabularyFile: string | null;
    consolidateIntervalMinutes: number;
    /** optimistic: version check on save, retry on conflict; lock: a per-user database lock for the transaction. */
    locking: 'optimistic' | 'lock';
    /** Decoded profile states kept in memory by (user, version) so a write need not read and decode the state. */
    stateCacheSize: number;
  };
  recommend: {
    indexKind: 'auto' | 'exact' | 'approximate';
    exactLimit: number;
    /** usearch search breadth (ef) and vector storage of the approximate index. */
    expansionSearch: number;
    quantization: 'f32' | 'f16' | 'i8';
    explore: number;
    /** Apply the newest configuration stored by `npm run model:tune` at start (RECOMMEND_USE_TUNED, default on). */
    useTuned: boolean;
  };
  /**
   * Recommender snapshots in the database (RECOMMENDER_SNAPSHOTS, default on): start from the newest + the log tail;
   * one is written after SNAPSHOT_EVERY_EVENTS new behaviours, at most every SNAPSHOT_EVERY_SECONDS when the log
   * moved, and at graceful shutdown.
   */
  snapshots: { enabled: boolean; everyEvents: number; everySeconds: number };
  llm: { baseUrl: string | null; model: string; apiKey: string | null; timeoutMs: number; features: boolean };
  /** Opinion from text: OPINION_METHOD (auto | lexicon | encoder | blend), OPINION_ASPECTS_FILE (JSON aspect -> words). */
  opinion: { method: OpinionMethod; aspectsFile: string | null };
  logLevel: 'silent' | 'info' | 'debug';
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`${name} must be a number, got "${raw}"`);
  return v;
}

function optNum(env: NodeJS.ProcessEnv, name: string): number | undefined {
  return env[name] ? num(env, name, 0) : undefined;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const triggerTypes = (env.PROFILE_TRIGGER_TYPES ?? 'PURCHASE')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of triggerTypes) {
    if (!(BEHAVIOR_TYPES as readonly string[]).includes(t))
      throw new Error(`PROFILE_TRIGGER_TYPES: unknown behaviour type "${t}"`);
  }
  return {
    port: num(env, 'PORT', 4000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL || null,
    logPollMs: num(env, 'LOG_POLL_MS', 1000),
    metricsToken: env.METRICS_TOKEN || null,
    security: securityConfigFromEnv(env, (s) => createHash('sha256').update(s).digest('hex')),
    encoder: {
      // ENCODER_MODEL_DIR, ENCODER_DEVICE, ENCODER_THREADS, ENCODER_POOLING, ENCODER_MAX_LENGTH
      ...encoderOptionsFromEnv(env),
      maxBatchSize: num(env, 'ENCODER_MAX_BATCH', 64),
      maxWaitMs: num(env, 'ENCODER_MAX_WAIT_MS', 2),
      cacheSize: num(env, 'ENCODER_CACHE_SIZE', 10_000),
      reembedOnStart: env.ENCODER_REEMBED_ON_START !== 'false',
    },
    limits: {
      maxIdLength: num(env, 'MAX_ID_LENGTH', 256),
      maxTextLength: num(env, 'MAX_TEXT_LENGTH', 10_000),
      maxBatchSize: num(env, 'MAX_BATCH_SIZE', 500),
      maxPageSize: num(env, 'MAX_PAGE_SIZE', 100),
      futureSkewMs: num(env, 'FUTURE_SKEW_SECONDS', 300) * 1000,
      ratingMin: num(env, 'RATING_MIN', 1),
      ratingMax: num(env, 'RATING_MAX', 5),
      maxRecommendations: num(env, 'MAX_RECOMMENDATIONS', 100),
    },
    profile: {
      versioning: oneOf(env, 'PROFILE_VERSIONING', ['realtime', 'event-triggered'] as const, 'realtime'),
      triggerTypes: triggerTypes as BehaviorType[],
      driftThreshold: num(env, 'PROFILE_DRIFT_THRESHOLD', 0.05),
      longHalfLifeDays: optNum(env, 'LONG_HALF_LIFE_DAYS'),
      shortHalfLifeDays: optNum(env, 'SHORT_HALF_LIFE_DAYS'),
      snapshotEvery: optNum(env, 'PROFILE_SNAPSHOT_EVERY'),
      labelVocabularyFile: env.INTEREST_LABELS_FILE || null,
      consolidateIntervalMinutes: num(env, 'CONSOLIDATE_INTERVAL_MINUTES', 0),
      locking: oneOf(env, 'PROFILE_LOCKING', ['optimistic', 'lock'] as const, 'lock'),
      stateCacheSize: num(env, 'PROFILE_STATE_CACHE', 20_000),
    },
    recommend: {
      indexKind: oneOf(env, 'INDEX_KIND', ['auto', 'exact', 'approximate'] as const, 'auto'),
      exactLimit: num(env, 'INDEX_EXACT_LIMIT', 20_000),
      expansionSearch: num(env, 'INDEX_EXPANSION_SEARCH', 128),
      quantization: oneOf(env, 'INDEX_QUANTIZATION', ['f32', 'f16', 'i8'] as const, 'f16'),
      explore: num(env, 'RECOMMEND_EXPLORE', 0.1),
      useTuned: oneOf(env, 'RECOMMEND_USE_TUNED', ['on', 'off'] as const, 'on') === 'on',
    },
    snapshots: {
      enabled: oneOf(env, 'RECOMMENDER_SNAPSHOTS', ['on', 'off'] as const, 'on') === 'on',
      everyEvents: num(env, 'SNAPSHOT_EVERY_EVENTS', 100_000),
      everySeconds: num(env, 'SNAPSHOT_EVERY_SECONDS', 600),
    },
    llm: {
      baseUrl: env.LLM_BASE_URL || null,
      model: env.LLM_MODEL || 'gpt-4o-mini',
      apiKey: env.LLM_API_KEY || null,
      timeoutMs: num(env, 'LLM_TIMEOUT_MS', 10_000),
      features: env.LLM_FEATURES !== 'false',
    },
    opinion: {
      method: oneOf(env, 'OPINION_METHOD', OPINION_METHODS, 'auto'),
      aspectsFile: env.OPINION_ASPECTS_FILE || null,
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['silent', 'info', 'debug'] as const, 'info'),
  };
}
