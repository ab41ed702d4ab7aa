// recordBehavior end to end: validate -> look up the item and encode text -> one transaction (append the event,
// apply it to the profile through the domain, save state and version) -> feed the recommender -> publish.
import {
  applyBehavior, decayProfileTo, diffFacets, driftBetween, encodeProfileState, isInOrder, newProfile, replayProfile,
  summarizeProfile, type ProfileConfig, type ProfileSeed, type ProfileState,
} from '../domain/profile/index.js';
import { compareEvents, type BehaviorEvent, type EventContext } from '../domain/types.js';
import type { EncoderService } from '../inference/encoderService.js';
import type { Limits } from '../server/config.js';
import type { BehaviorRow, FacetChange, ProfileRow, Store, StoreTx, UserRow } from '../store/types.js';
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
  log: (msg: string) => void;
}

/** Thrown inside a transaction when another process saved the profile first; the whole unit of work retries. */
class VersionConflict extends Error {}

const MAX_ATTEMPTS = 20;

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

  constructor(private readonly deps: Deps) {}

  get vocabulary(): LabelVocabulary | null {
    return this.deps.vocabulary();
  }

  // ---- writes -------------------------------------------------------------------------------------------------

  async recordBehavior(input: BehaviorInputData): Promise<RecordResult> {
    const event = validateBehavior(input, this.deps.limits, Date.now());
    this.requireItem(event, 'input.itemId');
    return this.mutex.run(event.userId, () => this.recordLocked(event));
  }

  /** Validates every input (and every item) before writing any; then records per user in order, users in parallel. */
  async recordBehaviors(inputs: BehaviorInputData[]): Promise<RecordResult[]> {
    const now = Date.now();
    const events = inputs.map((input, i) => validateBehavior(input, this.deps.limits, now, `inputs[${i}]`));
    events.forEach((e, i) => this.requireItem(e, `inputs[${i}].itemId`));
    const byUser = new Map<string, number[]>();
    events.forEach((e, i) => byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), i]));
    const results = new Array<RecordResult>(events.length);
    await Promise.all(
      [...byUser.values()].map((indexes) =>
        this.mutex.run(events[indexes[0]!]!.userId, async () => {
          for (const i of indexes) results[i] = await this.recordLocked(events[i]!);
        }),
      ),
    );
    return results;
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

  private requireItem(event: ValidBehavior, field: string): void {
    if (event.itemId !== null && !this.deps.catalog.has(event.itemId)) throw notFound(field, `item ${event.itemId} does not exist`);
  }

  private async recordLocked(ev: ValidBehavior): Promise<RecordResult> {
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
      this.deps.recommendations.observe(toDomainEvent(behavior), saved.attributes);
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
   * saved the same profile first. Publishes the new version after commit (callers hold the user's mutex, so
   * versions are published in order).
   */
  private async saveWithRetry(
    userId: string,
    work: (tx: StoreTx, current: ProfileRow | null, user: () => Promise<UserRow>) => Promise<{
      state: ProfileState; drift: number | null; driftShort: number | null; changedFacets: FacetChange[];
      behaviorId: number | null; asOf: Date; forceVersion: boolean; lateFrom?: Date; noSnapshot?: boolean;
    }>,
  ): Promise<{ view: ProfileView; attributes: Record<string, unknown> }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.deps.store.transaction(async (tx) => {
          const current = await tx.getProfile(userId);
          // A user with a profile exists; only the first behaviour (or a replay needing the seed) reads or creates it.
          let userRow: UserRow | null = null;
          const user = async () => (userRow ??= current ? ((await tx.getUser(userId)) ?? (await tx.ensureUser(userId))) : await tx.ensureUser(userId));
          const out = await work(tx, current, user);
          const versioned = out.forceVersion || current === null;
          const version = (current?.version ?? 0) + (versioned ? 1 : 0);
          const now = new Date();
          const row: ProfileRow = {
            userId, version, eventCount: out.state.eventCount, state: encodeProfileState(out.state),
            summary: summarizeProfile(out.state, out.asOf.getTime(), this.deps.config),
            drift: out.drift, driftShort: out.driftShort, changedFacets: out.changedFacets, updatedAt: now,
          };
          if (!(await tx.saveProfile(row, current?.version ?? null, current?.eventCount ?? null))) throw new VersionConflict();
          if (out.lateFrom) await tx.dropSnapshotsAfter(userId, out.lateFrom);
          if (versioned) {
            const every = this.deps.config.snapshotEvery;
            await tx.insertProfileVersion({
              userId, version, behaviorId: out.behaviorId, drift: out.drift, driftShort: out.driftShort, changedFacets: out.changedFacets,
              eventCount: row.eventCount, asOf: out.asOf,
              // Snapshots every N versions (and after replays) bound both storage and the cost of replaying late events.
              snapshot: !out.noSnapshot && (version % every === 1 || every === 1 || out.lateFrom) ? row.state : null,
            });
          }
          return { row, versioned, attributes: out.state.attributes, state: out.state };
        });
        const view = new ProfileView(result.row, result.state, this.deps.config, this.deps.vocabulary(), Date.now());
        if (result.versioned) {
          this.publish(result.row);
          this.deps.summaries?.enqueue({
            userId, version: result.row.version, template: result.row.summary, interests: view.interests(), facets: view.facets(),
          });
        }
        return { view, attributes: result.attributes };
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
