// recordBehavior end to end: validate -> look up the item and encode text -> one transaction (append the event,
// apply it to the profile through the domain, save state and version) -> feed the recommender -> publish.
import {
  applyBehavior, decayProfileTo, diffFacets, driftBetween, encodeProfileState, isInOrder, newProfile, replayProfile,
  summarizeProfile, type ProfileConfig, type ProfileSeed, type ProfileState,
} from '../domain/profile/index.js';
import { compareEvents, type BehaviorEvent, type EventContext } from '../domain/types.js';
import type { EncoderService } from '../inference/encoderService.js';
import type { Limits } from '../config.js';
import type { BehaviorRow, FacetChange, ProfileRow, ProfileVersionWrite, Store, StoreTx, UserRow } from '../store/types.js';
import type { CatalogService } from './catalogService.js';
import { conflict, notFound } from './errors.js';
import type { ProfileEvents, ProfileUpdatePayload } from './events.js';
import { KeyedMutex } from './keyedMutex.js';
import { ProfileView, type LabelVocabulary } from './profileView.js';
import type { RecommendationService } from './recommendationService.js';
import type { SummaryRewriter } from './summaryRewriter.js';
import { validateBehavior, validateUser, type BehaviorInputData, type UserInputData, type ValidBehavior } from './validation.js';

export interface RecordResult {
  behavior: BehaviorRow;
  profile: ProfileView;
  duplicate: boolean;
}

interface Deps {
  store: Store;
  encoder: EncoderService;
  catalog: CatalogService;
  recommendations: RecommendationService;
  events: ProfileEvents;
  config: ProfileConfig;
  limits: Limits;
  vocabulary: () => LabelVocabulary | null;
  summaries: SummaryRewriter | null;
  /** How writers of one profile in different processes are kept apart (bench/results/locking.json compares them). */
  locking: 'optimistic' | 'lock';
  log: (msg: string) => void;
}

/** One change to a profile inside a unit of work: the new state and what to record about it. */
interface Step {
  state: ProfileState;
  drift: number | null;
  driftShort: number | null;
  changedFacets: FacetChange[];
  behaviorId: number | null;
  asOf: Date;
  forceVersion: boolean;
  /** Set when a late event made snapshots after this time stale. */
  lateFrom?: Date;
  /** Consolidated states are never replay snapshots. */
  noSnapshot?: boolean;
}

/** Thrown inside a transaction when another process saved the profile first; the whole unit of work retries. */
class VersionConflict extends Error {}

/** Thrown inside a grouped transaction to roll it back and record the events one by one instead. */
class NeedsOneByOne extends Error {}

const MAX_ATTEMPTS = 20;

/** Where a newly written event goes next: the in-memory recommender, at once or after its batch. */
type Feed = (behavior: BehaviorRow, attributes: Record<string, unknown>) => void;

export function toDomainEvent(b: BehaviorRow): BehaviorEvent {
  return {
    seq: b.id, eventId: b.eventId, userId: b.userId, itemId: b.itemId, type: b.type, value: b.value, text: b.text,
    occurredAt: b.occurredAt.getTime(),
  };
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && (err as { code?: string }).code === 'P2002';
}

export class ProfileService {
  private readonly mutex = new KeyedMutex();
  private readonly observe: Feed = (behavior, attributes) => this.deps.recommendations.observe(toDomainEvent(behavior), attributes);

  constructor(private readonly deps: Deps) {}

  get vocabulary(): LabelVocabulary | null {
    return this.deps.vocabulary();
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  async recordBehavior(input: BehaviorInputData): Promise<RecordResult> {
    const event = validateBehavior(input, this.deps.limits, Date.now());
    await this.requireItems([event], () => 'input.itemId');
    return this.mutex.run(event.userId, () => this.recordLocked(event, this.observe));
  }

  /** Validates every input (and every item) before writing any; then records per user in order, users in parallel. */
  async recordBehaviors(inputs: BehaviorInputData[]): Promise<RecordResult[]> {
    const now = Date.now();
    const events = inputs.map((input, i) => validateBehavior(input, this.deps.limits, now, `inputs[${i}]`));
    await this.requireItems(events, (i) => `inputs[${i}].itemId`);
    const byUser = new Map<string, number[]>();
    events.forEach((e, i) => byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), i]));
    const results = new Array<RecordResult>(events.length);
    const written: Array<{ behavior: BehaviorRow; attributes: Record<string, unknown> }> = [];
    const collect: Feed = (behavior, attributes) => written.push({ behavior, attributes });
    const settled = await Promise.allSettled(
      [...byUser.values()].map((indexes) =>
        this.mutex.run(events[indexes[0]!]!.userId, async () => {
          const grouped = indexes.length > 1 ? await this.recordGroupLocked(indexes.map((i) => events[i]!), collect) : null;
          if (grouped) grouped.forEach((r, k) => (results[indexes[k]!] = r));
          else for (const i of indexes) results[i] = await this.recordLocked(events[i]!, collect);
        }),
      ),
    );
    // The recommender's counts depend on the order events reach it, and users' transactions commit in a different
    // order on every run: so a batch is fed once written, in event-time order, ties in input order.
    const keyOf = (e: { userId: string; eventId: string }) => `${e.userId}\u0000${e.eventId}`;
    const position = new Map<string, number>();
    events.forEach((e, i) => position.has(keyOf(e)) || position.set(keyOf(e), i));
    const pos = (b: BehaviorRow) => position.get(keyOf(b))!;
    written.sort((a, b) => a.behavior.occurredAt.getTime() - b.behavior.occurredAt.getTime() || pos(a.behavior) - pos(b.behavior));
    for (const w of written) this.observe(w.behavior, w.attributes);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results;
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
      const seedChanged =
        !before || before.onboardingText !== user.onboardingText || JSON.stringify(before.attributes) !== JSON.stringify(user.attributes);
      // The seed (attributes, onboarding vector) is where replay starts, so a changed seed means a rebuild.
      if (seedChanged && (user.onboardingText || (await this.deps.store.getProfile(user.id)))) await this.rebuildLocked(user.id);
      return user;
    });
  }

  /** Recomputes the profile from the event log alone and stores it as a new version. */
  async rebuildProfile(userId: string): Promise<ProfileView> {
    if (!(await this.deps.store.getUser(userId))) throw notFound('userId', `user ${userId} does not exist`);
    return this.mutex.run(userId, () => this.rebuildLocked(userId));
  }

  /** Computes the state the log implies, without writing anything (tests compare it with the stored one). */
  async replayFromLog(userId: string): Promise<ProfileState> {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw notFound('userId', `user ${userId} does not exist`);
    const rows = await this.deps.store.userBehaviors(userId);
    return replayProfile(userId, await this.seedOf(user), await this.withContexts(rows), this.deps.config);
  }

  /**
   * Periodic consolidation: re-decays one profile to `now`, prunes faded interests and writes a version when
   * something changed. Returns whether a version was written.
   */
  async consolidate(userId: string, now: number): Promise<boolean> {
    return this.mutex.run(userId, async () => {
      const row = await this.deps.store.getProfile(userId);
      if (!row) return false;
      const view = ProfileView.fromRow(row, this.deps.config, null);
      const { state, change } = decayProfileTo(view.state, now, this.deps.config);
      if (!change.versioned) return false;
      await this.saveWithRetry(userId, async (tx, current) => {
        if (!current || current.version !== row.version || current.eventCount !== row.eventCount) throw new VersionConflict();
        return { state, drift: change.drift, driftShort: change.driftShort, changedFacets: change.changedFacets, behaviorId: null, asOf: new Date(now), forceVersion: true, noSnapshot: true };
      });
      return true;
    });
  }

  /** Every event's item must exist; items another server process added since start are picked up from the store. */
  private async requireItems(events: ValidBehavior[], field: (i: number) => string): Promise<void> {
    const unknown = [...new Set(events.flatMap((e) => (e.itemId !== null && !this.deps.catalog.has(e.itemId) ? [e.itemId] : [])))];
    if (unknown.length) await this.deps.catalog.loadItems(unknown);
    events.forEach((e, i) => {
      if (e.itemId !== null && !this.deps.catalog.has(e.itemId)) throw notFound(field(i), `item ${e.itemId} does not exist`);
    });
  }

  private async recordLocked(ev: ValidBehavior, feed: Feed): Promise<RecordResult> {
    const { store } = this.deps;
    // Encoding happens before the transaction: it is the slow part and needs no lock on the database.
    const textVector = ev.text?.trim() ? await this.deps.encoder.encode(ev.text, 'query') : null;
    let inserted: BehaviorRow | null = null;
    try {
      const saved = await this.saveWithRetry(ev.userId, async (tx, current, user) => {
        // A retried (userId, eventId) fails here on the unique key and is answered as a duplicate below.
        inserted = await tx.insertBehavior(ev);
        const event = toDomainEvent(inserted);
        const ctx: EventContext = { ...this.deps.catalog.eventContext(event.itemId), textVector };
        const previous = current ? this.decode(current) : newProfile(ev.userId, await this.seedOf(await user()), this.deps.config);
        if (isInOrder(previous, event)) {
          const { state, change } = applyBehavior(previous, event, ctx, this.deps.config);
          return { state, drift: change.drift, driftShort: change.driftShort, changedFacets: change.changedFacets, behaviorId: inserted.id, asOf: new Date(state.lastEventAt ?? event.occurredAt), forceVersion: change.versioned };
        }
        // A late event: replay from the newest snapshot that precedes it, in event-time order.
        const state = await this.replayLate(tx, await user(), event, { event, ctx });
        const diff = this.diffStates(previous, state);
        return { state, ...diff, behaviorId: inserted.id, asOf: new Date(state.lastEventAt ?? event.occurredAt), forceVersion: true, lateFrom: new Date(event.occurredAt) };
      });
      const behavior = inserted as BehaviorRow | null;
      if (!behavior) throw new Error('behaviour was not inserted');
      feed(behavior, saved.attributes);
      return { behavior, profile: saved.view, duplicate: false };
    } catch (err) {
      // The same (userId, eventId) was recorded before (a client retry), here or by another process.
      if (isUniqueViolation(err)) {
        const again = await store.findBehavior(ev.userId, ev.eventId);
        if (again) return this.duplicateResult(again);
      }
      throw err;
    }
  }

  /**
   * Applies several events of one user in one transaction (bulk imports, batched clients): one profile read and
   * write, the events and versions inserted together. Returns null, having written nothing, when the batch needs
   * the one-by-one path: a retried event id, or an event older than what the profile has seen (late).
   */
  private async recordGroupLocked(evs: ValidBehavior[], feed: Feed): Promise<RecordResult[] | null> {
    const userId = evs[0]!.userId;
    const texts = [...new Set(evs.flatMap((e) => (e.text?.trim() ? [e.text] : [])))];
    const encoded = await this.deps.encoder.encodeMany(texts, 'query');
    const textVector = new Map(texts.map((t, i) => [t, encoded[i]!]));
    let inserted: BehaviorRow[] = [];
    try {
      const saved = await this.saveWithRetry(userId, async (tx, current, user) => {
        // Applied in event-time order, so a batch never makes its own events late.
        inserted = await tx.insertBehaviors([...evs].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()));
        let state = current ? this.decode(current) : newProfile(userId, await this.seedOf(await user()), this.deps.config);
        return inserted.map((row) => {
          const event = toDomainEvent(row);
          if (!isInOrder(state, event)) throw new NeedsOneByOne();
          const { state: next, change } = applyBehavior(state, event, { ...this.deps.catalog.eventContext(event.itemId), textVector: (event.text && textVector.get(event.text)) || null }, this.deps.config);
          state = next;
          return { state, drift: change.drift, driftShort: change.driftShort, changedFacets: change.changedFacets, behaviorId: row.id, asOf: new Date(state.lastEventAt ?? event.occurredAt), forceVersion: change.versioned };
        });
      });
      for (const row of inserted) feed(row, saved.attributes);
      // Results in the caller's order; each shows the profile as its event left it.
      const byEventId = new Map(inserted.map((behavior, i) => [behavior.eventId, { behavior, profile: saved.stepViews[i]!, duplicate: false }]));
      return evs.map((e) => byEventId.get(e.eventId)!);
    } catch (err) {
      if (err instanceof NeedsOneByOne || isUniqueViolation(err)) return null;
      throw err;
    }
  }

  private async duplicateResult(existing: BehaviorRow): Promise<RecordResult> {
    const row = await this.deps.store.getProfile(existing.userId);
    if (!row) throw conflict(`event ${existing.eventId} is recorded but its profile is not saved yet; retry`);
    return { behavior: existing, profile: this.view(row), duplicate: true };
  }

  private async rebuildLocked(userId: string): Promise<ProfileView> {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw notFound('userId', `user ${userId} does not exist`);
    const saved = await this.saveWithRetry(userId, async (tx, current) => {
      const rows = await tx.userBehaviors(userId);
      const state = replayProfile(userId, await this.seedOf(user), await this.withContexts(rows), this.deps.config);
      const diff = current ? this.diffStates(this.decode(current), state) : { drift: null, driftShort: null, changedFacets: [] };
      return { state, ...diff, behaviorId: null, asOf: new Date(state.lastEventAt ?? Date.now()), forceVersion: true, lateFrom: new Date(0) };
    });
    return saved.view;
  }

  /**
   * Runs one unit of work in a transaction with an optimistic version check, retrying when another process
   * saved the same profile first. The work returns one step per applied change (several when a batch of one
   * user's events is applied together); each versioned step becomes a ProfileVersion, the last step's state is
   * saved. Publishes the new versions after commit, in order (callers hold the user's mutex).
   */
  private async saveWithRetry(
    userId: string,
    work: (tx: StoreTx, current: ProfileRow | null, user: () => Promise<UserRow>) => Promise<Step | Step[]>,
  ): Promise<{ view: ProfileView; stepViews: ProfileView[]; attributes: Record<string, unknown> }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.deps.store.transaction(async (tx) => {
          if (this.deps.locking === 'lock') await tx.lockUser(userId);
          const current = await tx.getProfile(userId);
          // A user with a profile exists; only the first behaviour (or a replay needing the seed) reads or creates it.
          let userRow: UserRow | null = null;
          const user = async () => (userRow ??= current ? ((await tx.getUser(userId)) ?? (await tx.ensureUser(userId))) : await tx.ensureUser(userId));
          const out = await work(tx, current, user);
          const steps = Array.isArray(out) ? out : [out];
          let version = current?.version ?? 0;
          const rows: Array<{ row: ProfileRow; state: ProfileState; versioned: boolean; step: number }> = [];
          const versions: ProfileVersionWrite[] = [];
          const every = this.deps.config.snapshotEvery;
          const now = new Date();
          steps.forEach((step, i) => {
            const versioned = step.forceVersion || (current === null && i === 0);
            if (versioned) version++;
            const last = i === steps.length - 1;
            // Intermediate states are encoded only when a version publishes or snapshots them.
            const snapshot = versioned && !step.noSnapshot && (version % every === 1 || every === 1 || step.lateFrom !== undefined);
            if (!last && !versioned) return;
            const row: ProfileRow = {
              userId, version, eventCount: step.state.eventCount, state: encodeProfileState(step.state),
              summary: summarizeProfile(step.state, step.asOf.getTime(), this.deps.config),
              drift: step.drift, driftShort: step.driftShort, changedFacets: step.changedFacets, updatedAt: now,
            };
            rows.push({ row, state: step.state, versioned, step: i });
            if (versioned) {
              versions.push({
                userId, version, behaviorId: step.behaviorId, drift: step.drift, driftShort: step.driftShort, changedFacets: step.changedFacets,
                eventCount: row.eventCount, asOf: step.asOf,
                // Snapshots every N versions (and after replays) bound both storage and the cost of replaying late events.
                snapshot: snapshot ? row.state : null,
              });
            }
          });
          const final = rows[rows.length - 1]!;
          if (!(await tx.saveProfile(final.row, current?.version ?? null, current?.eventCount ?? null))) throw new VersionConflict();
          const lateFrom = steps.find((st) => st.lateFrom)?.lateFrom;
          if (lateFrom) await tx.dropSnapshotsAfter(userId, lateFrom);
          if (versions.length) await tx.insertProfileVersions(versions);
          return { rows, steps: steps.length, attributes: final.state.attributes };
        });
        const vocabulary = this.deps.vocabulary();
        const views = result.rows.map((r) => new ProfileView(r.row, r.state, this.deps.config, vocabulary, Date.now()));
        result.rows.forEach((r, i) => {
          if (!r.versioned) return;
          this.publish(r.row);
          this.deps.summaries?.enqueue({ userId, version: r.row.version, template: r.row.summary, interests: views[i]!.interests(), facets: views[i]!.facets() });
        });
        // Each step is shown as the newest version at or before it (the final state for steps before any version).
        const stepViews = Array.from({ length: result.steps }, (_, i) => {
          let r = -1;
          for (let j = 0; j < result.rows.length && result.rows[j]!.step <= i; j++) r = j;
          return views[r >= 0 ? r : views.length - 1]!;
        });
        return { view: views[views.length - 1]!, stepViews, attributes: result.attributes };
      } catch (err) {
        if (err instanceof VersionConflict && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
          continue;
        }
        if (err instanceof VersionConflict) throw conflict(`profile ${userId} is being updated concurrently; retry`);
        throw err;
      }
    }
  }

  private publish(row: ProfileRow): void {
    const payload: ProfileUpdatePayload = {
      userId: row.userId, version: row.version, drift: row.drift, changedFacets: row.changedFacets,
      profile: {
        userId: row.userId, version: row.version, eventCount: row.eventCount, summary: row.summary, drift: row.drift,
        driftShort: row.driftShort, changedFacets: row.changedFacets, updatedAt: row.updatedAt.toISOString(),
        stateBase64: Buffer.from(row.state).toString('base64'),
      },
    };
    this.deps.events.publishProfileUpdate(payload);
  }

  private async replayLate(tx: StoreTx, user: UserRow, late: BehaviorEvent, lateWithCtx: { event: BehaviorEvent; ctx: EventContext }): Promise<ProfileState> {
    const snapshotRow = await tx.snapshotBefore(user.id, new Date(late.occurredAt));
    const from = snapshotRow?.snapshot ? this.decodeBytes(snapshotRow.snapshot) : null;
    const start = from?.lastEventAt ?? null;
    const rows = start === null ? await tx.userBehaviors(user.id) : await tx.behaviorsFrom(user.id, new Date(start));
    const after = rows.filter((r) => r.id !== late.seq && (from === null || compareEvents(toDomainEvent(r), { occurredAt: from.lastEventAt!, seq: from.lastSeq ?? 0 }) > 0));
    const events = [...(await this.withContexts(after)), lateWithCtx];
    return replayProfile(user.id, await this.seedOf(user), events, this.deps.config, from ?? undefined);
  }

  // ---- reads --------------------------------------------------------------------------------------------------

  /** Current profiles by user id (DataLoader batch function). */
  async currentProfiles(userIds: readonly string[]): Promise<Array<ProfileView | null>> {
    const rows = await this.deps.store.profilesByUserIds(userIds);
    return rows.map((r) => (r ? this.view(r) : null));
  }

  /** The version in force at `asOf` (event time), rebuilt from its nearest snapshot. */
  async profileAt(userId: string, asOf: Date): Promise<ProfileView | null> {
    const { store, config } = this.deps;
    const versionRow = await store.profileVersionAt(userId, asOf);
    if (!versionRow) return null;
    const user = await store.getUser(userId);
    if (!user) return null;
    const snapshotRow = await store.snapshotBefore(userId, asOf);
    const from = snapshotRow?.snapshot ? this.decodeBytes(snapshotRow.snapshot) : null;
    const rows = from?.lastEventAt != null ? await store.behaviorsFrom(userId, new Date(from.lastEventAt)) : await store.userBehaviors(userId);
    const upTo = rows.filter((r) => r.occurredAt.getTime() <= asOf.getTime() && (from === null || compareEvents(toDomainEvent(r), { occurredAt: from.lastEventAt!, seq: from.lastSeq ?? 0 }) > 0));
    const state = replayProfile(userId, await this.seedOf(user), await this.withContexts(upTo), config, from ?? undefined);
    return new ProfileView(
      {
        userId, version: versionRow.version, eventCount: state.eventCount, summary: summarizeProfile(state, asOf.getTime(), config),
        drift: versionRow.drift, driftShort: versionRow.driftShort, changedFacets: versionRow.changedFacets, updatedAt: versionRow.createdAt,
      },
      state, config, this.deps.vocabulary(), asOf.getTime(),
    );
  }

  private view(row: ProfileRow): ProfileView {
    return ProfileView.fromRow(row, this.deps.config, this.deps.vocabulary());
  }

  private decode(row: ProfileRow): ProfileState {
    return this.decodeBytes(row.state);
  }

  private decodeBytes(bytes: Uint8Array): ProfileState {
    return ProfileView.fromRow({ state: bytes } as ProfileRow, this.deps.config, null).state;
  }

  private async seedOf(user: UserRow): Promise<ProfileSeed> {
    const onboardingVector = user.onboardingText?.trim() ? await this.deps.encoder.encode(user.onboardingText, 'query') : null;
    return { attributes: user.attributes, onboardingVector, at: user.createdAt.getTime() };
  }

  /** Pairs log rows with what the domain needs to apply them (item features and vectors, text vectors). */
  private async withContexts(rows: BehaviorRow[]): Promise<Array<{ event: BehaviorEvent; ctx: EventContext }>> {
    const texts = rows.map((r) => (r.text?.trim() ? r.text : null));
    const toEncode = texts.filter((t): t is string => t !== null);
    const vectors = toEncode.length ? await this.deps.encoder.encodeMany(toEncode, 'query') : [];
    let k = 0;
    return rows.map((r, i) => {
      const event = toDomainEvent(r);
      return { event, ctx: { ...this.deps.catalog.eventContext(event.itemId), textVector: texts[i] !== null ? vectors[k++]! : null } };
    });
  }

  /** Drift and facet changes between two states (where the change is a replay, not one applied event). */
  private diffStates(a: ProfileState, b: ProfileState): { drift: number | null; driftShort: number | null; changedFacets: FacetChange[] } {
    return {
      drift: driftBetween(a.long?.vec ?? null, b.long?.vec ?? null),
      driftShort: driftBetween(a.short?.vec ?? null, b.short?.vec ?? null),
      changedFacets: diffFacets(a.facets, b.facets, this.deps.config.changedFacetsLimit),
    };
  }
}
