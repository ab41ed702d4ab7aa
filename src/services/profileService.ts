// The write path, top to bottom, for every way a profile changes:
//   validate -> require the items -> encode the texts (outside any transaction: TextContexts) -> one transaction
//   (append the events, apply them through the pure domain, save the state, write the versions: ProfileWriter)
//   -> after commit, feed the recommender -> then publish profileUpdated and enqueue summary rewrites.
// Writes of one user run one at a time under the user's in-process lock; users run in parallel.
import { decayProfileTo, decodeProfileState, type ProfileConfig, type ProfileState } from '../domain/profile/index.js';
import type { EncoderService } from '../inference/encoderService.js';
import type { Limits } from '../config.js';
import type { FacetWeight, NewBehaviorEvent } from '../domain/types.js';
import { DuplicateEventError } from '../store/errors.js';
import type { BehaviorRow, RelationRow, Store, UserRow } from '../store/types.js';
import type { CatalogService } from './catalogService.js';
import type { Metrics } from './metrics.js';
import { conflict, notFound } from './errors.js';
import { profileUpdatePayload, type ProfileEvents } from './events.js';
import { KeyedMutex } from './keyedMutex.js';
import { facetsWithReadTime } from './profiles/readFacets.js';
import { ProfileReader } from './profiles/reads.js';
import type { OpinionReader } from '../inference/opinion/reader.js';
import type { TextFeatureExtractor } from './textFeatures.js';
import { validateRelation, type RelationInputData } from './profiles/relations.js';
import { TextContexts } from './profiles/texts.js';
import { ContendedBatch, LateEventInGroup, ProfileWriter, type Committed } from './profiles/unitOfWork.js';
import { ProfileView, type LabelVocabulary } from './profileView.js';
import type { RecommendationService } from './recommendationService.js';
import type { SummaryRewriter } from './summaryRewriter.js';
import { validateBehavior, validateUser, type BehaviorInputData, type UserInputData } from './validation.js';

export interface RecordRelationResult {
  relation: RelationRow;
  profile: ProfileView;
  duplicate: boolean;
}

export interface RecordResult {
  behavior: BehaviorRow;
  profile: ProfileView;
  duplicate: boolean;
}

/** What the write path tells the log follower (src/services/logFollower.ts). */
export interface FollowerHooks {
  /** After commit: the recommender catches up with the log (this process's events included) and replicas wake. */
  committed(): Promise<void>;
  setUserAttributes(userId: string, attributes: Record<string, unknown>): void;
}

interface Deps {
  follower: FollowerHooks;
  metrics?: Pick<Metrics, 'eventsIngested' | 'writeBatchEvents'>;
  store: Store;
  encoder: EncoderService;
  catalog: CatalogService;
  recommendations: RecommendationService;
  events: ProfileEvents;
  config: ProfileConfig;
  limits: Limits;
  vocabulary: () => LabelVocabulary | null;
  summaries: SummaryRewriter | null;
  /** Reads the opinion of review and onboarding texts (default: OPINION_METHOD auto for the encoder). */
  opinion?: OpinionReader;
  /** LLM feature extraction: texts are queued when first encoded (never awaited). */
  textFeatures?: TextFeatureExtractor | null;
  /** How writers of one profile in different processes are kept apart (bench/results/locking.json compares them). */
  locking: 'optimistic' | 'lock';
  /** Decoded profile states kept in memory for batch writes (PROFILE_STATE_CACHE). */
  stateCacheSize?: number;
  log: (msg: string) => void;
}

/** One event's outcome: written (with what the unit of work committed) or answered as a duplicate. */
type Recorded = { result: RecordResult; committed: Committed | null };

/** A recordBehavior call waiting for its group commit. */
type PendingRecord = { event: NewBehaviorEvent; resolve: (r: RecordResult) => void; reject: (err: unknown) => void };

/** The most single events one group commit writes. */
const MAX_GROUP = 1000;

/** One user's part of a batch: results in input order, what was committed, and the error that stopped it. */
type UserWrites = { results: RecordResult[]; committed: Committed[]; error?: unknown };

export class ProfileService {
  private readonly mutex = new KeyedMutex();
  private pending: PendingRecord[] = [];
  private flushing = false;
  private readonly writer: ProfileWriter;
  private readonly reader: ProfileReader;

  constructor(private readonly deps: Deps) {
    const { encoder, catalog, opinion, textFeatures } = deps;
    const texts = new TextContexts({ encoder, catalog, opinion, features: textFeatures });
    const { store, config, vocabulary, locking, stateCacheSize } = deps;
    this.writer = new ProfileWriter({ store, texts, config, vocabulary, locking, stateCacheSize });
    this.reader = new ProfileReader({ store, texts, config, vocabulary });
  }

  get vocabulary(): LabelVocabulary | null {
    return this.deps.vocabulary();
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  /**
   * Records one event. Calls arriving while a write is in flight are coalesced into one group commit (one
   * transaction for all of them, see commitGroup); a call alone is written by itself.
   */
  async recordBehavior(input: BehaviorInputData): Promise<RecordResult> {
    const event = validateBehavior(input, this.deps.limits, Date.now());
    await this.requireItems([event], () => 'input.itemId');
    return new Promise<RecordResult>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flushPending());
      }
    });
  }

  /** Writes the queued single events, one group at a time, until none are left. */
  private async flushPending(): Promise<void> {
    while (this.pending.length) await this.commitGroup(this.pending.splice(0, MAX_GROUP));
    this.flushing = false;
  }

  /**
   * One group commit: the queued events of all their users in one transaction, each user's in arrival order.
   * When one is a retry or late (or the group is one event) they are written one by one, as before grouping.
   */
  private async commitGroup(group: PendingRecord[]): Promise<void> {
    const byUser = new Map<string, PendingRecord[]>();
    for (const p of group) byUser.set(p.event.userId, [...(byUser.get(p.event.userId) ?? []), p]);
    await this.mutex
      .runAll(byUser.keys(), async () => {
        const batch =
          group.length > 1 ? await this.appendBatch([...byUser.values()].map((ps) => ps.map((p) => p.event))) : null;
        if (batch) {
          this.counted('group', group.length);
          await this.deps.follower.committed();
          batch.forEach((c) => this.announce(c));
          [...byUser.values()].forEach((ps, u) =>
            ps.forEach((p, k) =>
              p.resolve({ behavior: batch[u]!.behaviors[k]!, profile: batch[u]!.stepViews[k]!, duplicate: false }),
            ),
          );
          return;
        }
        for (const p of group) {
          try {
            const { result, committed } = await this.appendOrDuplicate(p.event);
            if (committed) {
              this.counted('single', committed.behaviors.length);
              await this.deps.follower.committed();
              this.announce(committed);
            }
            p.resolve(result);
          } catch (err) {
            p.reject(err);
          }
        }
      })
      .catch((err: unknown) => group.forEach((p) => p.reject(err)));
  }

  /** Several users' events in one transaction, or null (nothing written) when they must go one by one. */
  private async appendBatch(
    groups: NewBehaviorEvent[][],
    inputOrder?: NewBehaviorEvent[],
  ): Promise<Committed[] | null> {
    try {
      return await this.writer.appendBatch(groups, inputOrder);
    } catch (err) {
      if (err instanceof LateEventInGroup || err instanceof DuplicateEventError || err instanceof ContendedBatch)
        return null;
      throw err;
    }
  }

  /**
   * Validates every input (and every item) before writing any; then writes each user's events (together when
   * they can be, else one by one), users in parallel. The recommender is fed once the whole batch is written; then
   * the new versions are published. The batch holds its users' locks until then, so versions publish in order.
   */
  async recordBehaviors(inputs: BehaviorInputData[]): Promise<RecordResult[]> {
    const now = Date.now();
    const events = inputs.map((input, i) => validateBehavior(input, this.deps.limits, now, `inputs[${i}]`));
    await this.requireItems(events, (i) => `inputs[${i}].itemId`);
    const byUser = new Map<string, number[]>();
    events.forEach((e, i) => byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), i]));
    return this.mutex.runAll(byUser.keys(), async () => {
      const users = [...byUser.values()];
      // Each user's events in event-time order (ties in input order), so a batch never makes its own events late.
      const inEventTime = users.map((ix) => ix.map((i) => events[i]!).sort((a, b) => a.occurredAt - b.occurredAt));
      const batch = await this.appendBatch(inEventTime, events);
      if (batch) {
        this.counted('batch', events.length);
        await this.deps.follower.committed();
        batch.forEach((c) => this.announce(c));
        const results = new Array<RecordResult>(events.length);
        users.forEach((indexes, u) => {
          const c = batch[u]!;
          const byEventId = new Map(c.behaviors.map((behavior, k) => [behavior.eventId, { behavior, k }]));
          for (const i of indexes) {
            const { behavior, k } = byEventId.get(events[i]!.eventId)!;
            results[i] = { behavior, profile: c.stepViews[k]!, duplicate: false };
          }
        });
        return results;
      }
      const writes = await Promise.all(users.map((indexes) => this.writeUserEvents(indexes.map((i) => events[i]!))));
      const committed = writes.flatMap((w) => w.committed);
      this.counted(
        'per-user',
        committed.reduce((n, c) => n + c.behaviors.length, 0),
      );
      if (committed.length) await this.deps.follower.committed();
      committed.forEach((c) => this.announce(c));
      const failed = writes.find((w) => 'error' in w);
      if (failed) throw failed.error;
      const results = new Array<RecordResult>(events.length);
      users.forEach((indexes, u) => indexes.forEach((i, k) => (results[i] = writes[u]!.results[k]!)));
      return results;
    });
  }

  /**
   * Appends a relation (FOLLOW, UNFOLLOW, BLOCK) to the relation log and folds it into the user's social ties: one
   * version, published like a behaviour's. A retried (userId, eventId) is answered with the original.
   */
  async recordRelation(input: RelationInputData): Promise<RecordRelationResult> {
    const rel = validateRelation(input, this.deps.limits, Date.now());
    return this.mutex.run(rel.userId, async () => {
      try {
        const { committed, relation } = await this.writer.appendRelation(rel);
        this.announce(committed);
        return { relation, profile: committed.view, duplicate: false };
      } catch (err) {
        const { store, config } = this.deps;
        const original = err instanceof DuplicateEventError ? await store.findRelation(rel.userId, rel.eventId) : null;
        const row = original ? await store.getProfile(original.userId) : null;
        if (!original || !row) throw err;
        return {
          relation: original,
          profile: ProfileView.fromRow(row, config, this.deps.vocabulary()),
          duplicate: true,
        };
      }
    });
  }

  private counted(path: string, events: number): void {
    if (!events || !this.deps.metrics) return;
    this.deps.metrics.eventsIngested.inc({ path }, events);
    this.deps.metrics.writeBatchEvents.observe(events);
  }

  /** Runs `fn` while no write to this user's profile runs in this process (erasure uses it). */
  runExclusive<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(userId, fn);
  }

  async upsertUser(input: UserInputData): Promise<UserRow> {
    const valid = validateUser(input, this.deps.limits);
    return this.mutex.run(valid.id, async () => {
      const before = (await this.deps.store.usersByIds([valid.id]))[0];
      const user = await this.deps.store.upsertUser(valid);
      this.deps.recommendations.setUserAttributes(user.id, user.attributes);
      this.deps.follower.setUserAttributes(user.id, user.attributes);
      const seedChanged =
        !before ||
        before.onboardingText !== user.onboardingText ||
        JSON.stringify(before.attributes) !== JSON.stringify(user.attributes);
      // The seed (attributes, onboarding vector) is where replay starts, so a changed seed means a rebuild.
      const hasProfile = async () => (await this.deps.store.getProfile(user.id)) !== null;
      if (seedChanged && (user.onboardingText || (await hasProfile()))) await this.rebuildLocked(user.id);
      return user;
    });
  }

  /** Recomputes the profile from the event log alone and stores it as a new version. */
  async rebuildProfile(userId: string): Promise<ProfileView> {
    if (!(await this.deps.store.getUser(userId))) throw notFound('userId', `user ${userId} does not exist`);
    return this.mutex.run(userId, () => this.rebuildLocked(userId));
  }

  /**
   * Periodic consolidation: re-decays one profile to `now`, prunes faded interests and writes a version when
   * something changed. Returns whether a version was written.
   */
  async consolidate(userId: string, now: number): Promise<boolean> {
    return this.mutex.run(userId, async () => {
      const row = await this.deps.store.getProfile(userId);
      if (!row) return false;
      const { state, change } = decayProfileTo(decodeProfileState(row.state), now, this.deps.config);
      if (!change.versioned) return false;
      this.announce(await this.writer.consolidate(row, state, change, now));
      return true;
    });
  }

  /** Every event's item must exist; items another server process added since start are picked up from the store. */
  private async requireItems(events: NewBehaviorEvent[], field: (i: number) => string): Promise<void> {
    const { catalog } = this.deps;
    const isUnknown = (itemId: string | null): itemId is string => itemId !== null && !catalog.isLoaded(itemId);
    const unknown = [...new Set(events.flatMap((e) => (isUnknown(e.itemId) ? [e.itemId] : [])))];
    if (unknown.length) await catalog.loadItems(unknown);
    events.forEach((e, i) => {
      if (isUnknown(e.itemId)) throw notFound(field(i), `item ${e.itemId} does not exist`);
    });
  }

  /** Writes one event; a (userId, eventId) recorded before (a client retry) is answered with the original. */
  private async appendOrDuplicate(ev: NewBehaviorEvent): Promise<Recorded> {
    try {
      const committed = await this.writer.appendEvent(ev);
      return { result: { behavior: committed.behaviors[0]!, profile: committed.view, duplicate: false }, committed };
    } catch (err) {
      const { store } = this.deps;
      const original = err instanceof DuplicateEventError ? await store.findBehavior(ev.userId, ev.eventId) : null;
      if (!original) throw err;
      const row = await store.getProfile(original.userId);
      if (!row) throw conflict(`event ${original.eventId} is recorded but its profile is not saved yet; retry`);
      const profile = ProfileView.fromRow(row, this.deps.config, this.deps.vocabulary());
      return { result: { behavior: original, profile, duplicate: true }, committed: null };
    }
  }

  /** One user's events of a batch: in one transaction when possible; one by one when one is retried or late. */
  private async writeUserEvents(evs: NewBehaviorEvent[]): Promise<UserWrites> {
    const writes: UserWrites = { results: [], committed: [] };
    try {
      const together = evs.length > 1 ? await this.appendTogether(evs) : null;
      if (together) {
        // Results in the caller's order; each shows the profile as its event left it.
        const byEventId = new Map(together.behaviors.map((behavior, i) => [behavior.eventId, { behavior, i }]));
        writes.results = evs.map((e) => {
          const { behavior, i } = byEventId.get(e.eventId)!;
          return { behavior, profile: together.stepViews[i]!, duplicate: false };
        });
        writes.committed.push(together);
        return writes;
      }
      for (const ev of evs) {
        const { result, committed } = await this.appendOrDuplicate(ev);
        writes.results.push(result);
        if (committed) writes.committed.push(committed);
      }
      return writes;
    } catch (error) {
      return { ...writes, error };
    }
  }

  /** The events written together, or null (nothing written) when they must be recorded one by one. */
  private async appendTogether(evs: NewBehaviorEvent[]): Promise<Committed | null> {
    try {
      return await this.writer.appendEvents(evs);
    } catch (err) {
      if (err instanceof LateEventInGroup || err instanceof DuplicateEventError) return null;
      throw err;
    }
  }

  private async rebuildLocked(userId: string): Promise<ProfileView> {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw notFound('userId', `user ${userId} does not exist`);
    const committed = await this.writer.rebuild(user);
    this.announce(committed);
    return committed.view;
  }

  /** After the recommender caught up: publishes each new version in order and queues its summary for the LLM rewrite. */
  private announce(committed: Committed): void {
    for (const { row, view, versioned } of committed.saved) {
      if (!versioned) continue;
      this.deps.events.publishProfileUpdate(profileUpdatePayload(row));
      const { userId, version } = row;
      // The row's summary is made when read (unitOfWork.ts): only here when rewrites are on.
      this.deps.summaries?.enqueue({
        userId,
        version,
        template: row.summary,
        interests: view.interests(),
        facets: view.facets(),
      });
    }
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  /** Current profiles by user id (DataLoader batch function). */
  currentProfiles(userIds: readonly string[]): Promise<Array<ProfileView | null>> {
    return this.reader.currentProfiles(userIds);
  }

  /** The version in force at `asOf` (event time), rebuilt from its nearest snapshot. */
  profileAt(userId: string, asOf: Date): Promise<ProfileView | null> {
    return this.reader.profileAt(userId, asOf);
  }

  /** A profile's facets with the read-time ones (novelty from the live recommender). */
  facets(view: ProfileView, kind?: string): Promise<FacetWeight[]> {
    const { recommendations } = this.deps;
    return facetsWithReadTime(view, kind, {
      novelty: (consumed) => recommendations.novelty(consumed),
      followers: (userId) => this.deps.store.followerCount(userId),
    });
  }

  /** Computes the state the log implies, without writing anything (tests compare it with the stored one). */
  replayFromLog(userId: string): Promise<ProfileState> {
    return this.reader.replayFromLog(userId);
  }
}
