// The Tastegraph path, in-process: histories through applyBehavior (as recordBehavior does), recommendations from
// RecommenderModel.recommend (as User.recommendations does), the shared model fed only training events.
import {
  applyBehavior,
  newProfile,
  profileSignals,
  validateProfileConfig,
  type ProfileConfig,
  type ProfileConfigOverrides,
  type ProfileState,
} from '../src/domain/profile/index.js';
import {
  mergeRecommendConfig,
  RecommenderModel,
  type DeepPartial,
  type RecommendConfig,
  type SourceName,
} from '../src/domain/recommend/index.js';
import { createVectorIndex } from '../src/vectorindex/index.js';
import {
  BEHAVIOR_TYPES,
  type BehaviorEvent,
  type BehaviorType,
  type ItemFeatures,
  type ProfileSignals,
  type TextOpinion,
} from '../src/domain/types.js';
import type { LoadedDataset } from './datasets/types.js';
import { easeMatrix, easeScorer } from './ease.js';
import type { Method, PhaseData, RankOutput } from './method.js';
import { trainingEvents } from './method.js';
import { historyEnd, LeakGuard, type Phase, visibleText } from './protocol.js';

/** How dataset interactions become behaviour events. */
export type EventMode = 'native' | 'implicit';

export interface TastegraphSettings {
  /** native: the dataset's own type (RATE with the star value for MovieLens, PURCHASE for Amazon); implicit: every interaction is a positive CLICK. */
  eventMode: EventMode;
  profile: ProfileConfigOverrides;
  recommend: DeepPartial<RecommendConfig>;
  /** Sources switched off for this run (ablations). */
  sourcesOff: SourceName[];
  /** Exploration share passed to recommend (0 in evaluation: exploration slots are random by design). */
  explore: number;
  /** Experiment: plug an EASE item-item model (eval/ease.ts) into the product's `ease` source. */
  easeLambda?: number;
  /**
   * Feed the users' review texts as recordBehavior does: the profile gets each text's vector and opinion, the shared
   * model each event's stored polarity (needs TastegraphContext.texts). Default off: the rows without text.
   */
  text?: boolean;
}

/** The run's encoder applied to the dataset's review texts, as the server's TextContexts would (eval/texts.ts). */
export interface EvalTexts {
  vector(text: string): Float32Array | null;
  opinion(text: string): TextOpinion | null;
  /** The encoder's common text direction (inference/textDirection.ts), as TextContexts puts it in every context. */
  direction: Float32Array | null;
}

export const DEFAULT_SETTINGS: TastegraphSettings = {
  eventMode: 'native',
  profile: {},
  recommend: {},
  sourcesOff: [],
  explore: 0,
};

/** The recommend-time config groups: changing only these does not change what observe() builds. */
const RECOMMEND_TIME_GROUPS = [
  'weights',
  'candidates',
  'normalization',
  'content',
  'diversity',
  'explore',
  'reasonVerbs',
  'defaultVerb',
  'recentRatings',
  'likeRecent',
] as const;

/** Profile overrides every evaluation applies: history exclusion must be complete (the product bounds it at 2000). */
export const EVAL_PROFILE_OVERRIDES: ProfileConfigOverrides = { maxConsumed: 1_000_000 };

export function mergeSettings(base: TastegraphSettings, over: Partial<TastegraphSettings>): TastegraphSettings {
  const rec: Record<string, unknown> = { ...(base.recommend as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over.recommend ?? {})) {
    rec[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...((rec[k] as object) ?? {}), ...v } : v;
  }
  return {
    eventMode: over.eventMode ?? base.eventMode,
    profile: { ...base.profile, ...(over.profile ?? {}) },
    recommend: rec as DeepPartial<RecommendConfig>,
    sourcesOff: over.sourcesOff ?? base.sourcesOff,
    explore: over.explore ?? base.explore,
    ...((over.easeLambda ?? base.easeLambda) !== undefined ? { easeLambda: over.easeLambda ?? base.easeLambda } : {}),
    ...((over.text ?? base.text) !== undefined ? { text: over.text ?? base.text } : {}),
  };
}

/** What every Tastegraph variant of one run shares: items, vectors, caches of profiles and models. */
export class TastegraphContext {
  readonly features: ItemFeatures[];
  private readonly profileCache = new Map<string, Map<number, { val: ProfileSignals; test: ProfileSignals }>>();
  private readonly modelCache = new Map<string, RecommenderModel>();
  /** Profile folds and model builds, for the run-time report. */
  stats = {
    profileFolds: 0,
    profileSeconds: 0,
    modelBuilds: 0,
    modelSeconds: 0,
    recommendCalls: 0,
    recommendSeconds: 0,
    eventsApplied: 0,
  };
  /** Leak-check counters over every fold. */
  leak = { profileEvents: 0, modelEvents: 0 };

  constructor(
    readonly ds: LoadedDataset,
    readonly vectors: Float32Array[],
    readonly dim: number,
    /** Users whose profiles are built (the evaluated ones). */
    readonly users: number[],
    /** Profile folds kept in memory (each holds two ProfileSignals per user). */
    readonly profileCacheSize = 8,
    /** Review texts read through the run's encoder (settings with `text` need them). */
    readonly texts: EvalTexts | null = null,
  ) {
    this.features = ds.items.map((it) => ({
      id: it.id,
      title: it.title,
      category: it.category,
      tags: it.tags,
      brand: it.brand,
      price: it.price,
    }));
  }

  private idx: Map<string, number> | null = null;

  indexOf(id: string): number {
    if (!this.idx) this.idx = new Map(this.ds.items.map((it, i) => [it.id, i]));
    const i = this.idx.get(id);
    if (i === undefined) throw new Error(`recommend returned unknown item ${id}`);
    return i;
  }

  eventType(u: number, k: number, mode: EventMode): { type: BehaviorType; value: number | null } {
    const user = this.ds.users[u]!;
    if (mode === 'implicit') return { type: 'CLICK', value: null };
    const type = user.types ? BEHAVIOR_TYPES[user.types[k]!]! : this.ds.defaultType;
    const r = user.ratings ? user.ratings[k]! : Number.NaN;
    return { type, value: Number.isNaN(r) ? null : r };
  }

  /**
   * One log event. With a `phase`, a copy of one of that phase's held-out reviews on another item comes without its
   * text (protocol.ts visibleText).
   */
  event(u: number, k: number, mode: EventMode, timeShift = 0, withOpinion = false, phase?: Phase): BehaviorEvent {
    const user = this.ds.users[u]!;
    const { type, value } = this.eventType(u, k, mode);
    const text = phase ? visibleText(user, k, phase) : (user.texts?.[k] ?? null);
    return {
      // The polarity the write path stores on the log row (TextContexts.withOpinion).
      ...(withOpinion && text ? { opinion: this.textsFor().opinion(text)?.polarity ?? null } : {}),
      seq: u * 100_000 + k,
      eventId: `${user.id}:${k}`,
      userId: user.id,
      itemId: this.ds.items[user.items[k]!]!.id,
      type,
      value,
      text,
      occurredAt: user.times[k]! + timeShift,
    };
  }

  private textsFor(): EvalTexts {
    if (!this.texts) throw new Error('settings with text need the review texts encoded (TastegraphContext.texts)');
    return this.texts;
  }

  profileConfig(s: TastegraphSettings): ProfileConfig {
    return validateProfileConfig({ ...s.profile, ...EVAL_PROFILE_OVERRIDES });
  }

  /**
   * Each user's profile signals for both phases. Without text from ONE fold: apply positions [0, n-2) -> validation
   * signals (now = time of the last applied event), apply position n-2 -> test signals. With text, one fold per
   * phase, because a copy of the validation review on another item is fed without its text for validation and with
   * it for test (protocol.ts visibleText). Positions n-2 (validation target) and n-1 (test target) are checked by
   * the leak guards before anything is applied, and every text fed by the guard of each phase it reaches.
   */
  profiles(s: TastegraphSettings): Map<number, { val: ProfileSignals; test: ProfileSignals }> {
    const key = JSON.stringify([s.eventMode, s.profile, !!s.text]);
    const hit = this.profileCache.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    const cfg = this.profileConfig(s);
    const guards = { val: new LeakGuard(this.ds, 'val'), test: new LeakGuard(this.ds, 'test') };
    const out = new Map<number, { val: ProfileSignals; test: ProfileSignals }>();
    for (const u of this.users) {
      const user = this.ds.users[u]!;
      const n = user.items.length;
      // Which phases' signals each fold yields: both from one fold without text, one each with text.
      const folds: Phase[][] = s.text ? [['val'], ['test']] : [['val', 'test']];
      const signals: Partial<Record<Phase, ProfileSignals>> = {};
      for (const phases of folds) {
        // Texts are read as the earliest phase of the fold may see them.
        const textPhase = phases[0]!;
        const last = phases.includes('test') ? n - 2 : n - 3;
        let state: ProfileState = newProfile(user.id, {}, cfg);
        for (let k = 0; k <= last; k++) {
          for (const p of phases) if (k < historyEnd(user, p)) guards[p].profile(u, k);
          const ev = this.event(u, k, s.eventMode, 0, false, textPhase);
          const it = user.items[k]!;
          const text = s.text ? ev.text : null;
          for (const p of phases) guards[p].text(u, text);
          const textCtx = text
            ? {
                textVector: this.textsFor().vector(text),
                textDirection: this.textsFor().direction,
                textOpinion: this.textsFor().opinion(text),
              }
            : { textVector: null };
          state = applyBehavior(
            state,
            ev,
            { item: this.features[it]!, itemVector: this.vectors[it]!, ...textCtx },
            cfg,
          ).state;
          this.stats.eventsApplied++;
          if (k === n - 3 && phases.includes('val')) signals.val = this.signals(state, user.times[n - 3]!, cfg);
        }
        if (phases.includes('test')) signals.test = this.signals(state, user.times[n - 2]!, cfg);
      }
      // Item-level leak check on what was fed (a target may legitimately repeat an earlier item in Amazon data).
      guards.val.assertTargetNotFed(u, user.items.subarray(0, n - 2));
      guards.test.assertTargetNotFed(u, user.items.subarray(0, n - 1));
      out.set(u, { val: signals.val!, test: signals.test! });
    }
    this.leak.profileEvents += guards.val.profileEvents + guards.test.profileEvents;
    if (this.profileCache.size >= this.profileCacheSize)
      this.profileCache.delete(this.profileCache.keys().next().value as string);
    this.profileCache.set(key, out);
    this.stats.profileFolds++;
    this.stats.profileSeconds += (performance.now() - t0) / 1000;
    return out;
  }

  /** Signals without the consumed set (rebuilt per request from the history, to keep the cache small). */
  private signals(state: ProfileState, now: number, cfg: ProfileConfig): ProfileSignals {
    const sig = profileSignals(state, now, cfg);
    sig.consumed = new Set();
    return sig;
  }

  /** The shared model of a phase: catalogue + every user's training events (never a held-out one), in time order. */
  model(s: TastegraphSettings, p: Pick<PhaseData, 'ds' | 'plan' | 'phase'>): RecommenderModel {
    const full = s.recommend as Record<string, unknown>;
    const observeKey = JSON.stringify([
      p.phase,
      s.eventMode,
      !!s.text,
      Object.fromEntries(
        Object.entries(full).filter(([k]) => !(RECOMMEND_TIME_GROUPS as readonly string[]).includes(k)),
      ),
    ]);
    let model = this.modelCache.get(observeKey);
    if (!model) {
      const t0 = performance.now();
      model = new RecommenderModel({
        dim: this.dim,
        index: createVectorIndex({ dim: this.dim, kind: 'auto' }),
        config: s.recommend,
      });
      model.upsertItems(this.features.map((f, i) => ({ ...f, vector: this.vectors[i]! })));
      const guard = new LeakGuard(this.ds, p.phase);
      for (const e of trainingEvents({ ...p, guard })) {
        const ev = this.event(e.user, e.pos, s.eventMode, 0, !!s.text, p.phase);
        if (s.text) guard.text(e.user, ev.text);
        model.observe(ev);
      }
      this.leak.modelEvents += guard.modelEvents;
      if (this.modelCache.size >= 2) this.modelCache.delete(this.modelCache.keys().next().value as string);
      this.modelCache.set(observeKey, model);
      this.stats.modelBuilds++;
      this.stats.modelSeconds += (performance.now() - t0) / 1000;
    }
    // Recommend-time groups are read by recommend() only, so a cached model takes this run's values.
    const fresh = mergeRecommendConfig(s.recommend);
    const cfg = model.config as unknown as Record<string, unknown>;
    for (const g of RECOMMEND_TIME_GROUPS) cfg[g] = structuredClone((fresh as unknown as Record<string, unknown>)[g]);
    model.setItemItemScorer(
      s.easeLambda !== undefined ? easeScorer(this.ds, easeMatrix(this.ds, p.plan, p.phase, s.easeLambda)) : null,
    );
    return model;
  }
}

export class TastegraphMethod implements Method {
  private model: RecommenderModel | null = null;
  private profiles: Map<number, { val: ProfileSignals; test: ProfileSignals }> | null = null;
  private readonly sources: Partial<Record<SourceName, boolean>>;

  constructor(
    readonly name: string,
    readonly group: 'tastegraph' | 'ablation' | 'experiment',
    readonly description: string,
    readonly settings: TastegraphSettings,
    readonly ctx: TastegraphContext,
  ) {
    this.sources = Object.fromEntries(settings.sourcesOff.map((s) => [s, false]));
  }

  prepare(p: PhaseData): void {
    this.profiles = this.ctx.profiles(this.settings);
    this.model = this.ctx.model(this.settings, p);
  }

  private call(u: number, phase: Phase, first: number): Int32Array {
    const user = this.ctx.ds.users[u]!;
    const end = historyEnd(user, phase);
    const base = this.profiles!.get(u)![phase];
    const consumed = new Set<string>();
    for (let k = 0; k < end; k++) consumed.add(this.ctx.ds.items[user.items[k]!]!.id);
    const signals: ProfileSignals = { ...base, consumed };
    const t0 = performance.now();
    const recs = this.model!.recommend({
      signals,
      first,
      now: user.times[end - 1]!,
      explore: this.settings.explore,
      sources: this.sources,
    });
    this.ctx.stats.recommendCalls++;
    this.ctx.stats.recommendSeconds += (performance.now() - t0) / 1000;
    const out = new Int32Array(recs.length);
    recs.forEach((r, i) => (out[i] = this.ctx.indexOf(r.itemId)));
    return out;
  }

  rank(u: number, p: PhaseData): RankOutput {
    const top10 = this.call(u, p.phase, 10);
    if (p.quick) return { top10 };
    return { top10, top20: this.call(u, p.phase, 20), deep: this.call(u, p.phase, p.depth) };
  }
}
