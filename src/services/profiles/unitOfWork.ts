// The write path's unit of work: one transaction that appends the events, applies them through the pure domain,
// saves the profile with an optimistic version check and writes the new versions. The texts it needs are encoded
// before it (TextContexts); the recommender catching up with the log and publishing happen after it, in
// ProfileService. appendBatch writes several users' events in one transaction with one statement per table.
import {
  applyBehavior,
  decodeProfileState,
  diffFacets,
  driftBetween,
  encodeProfileState,
  isInOrder,
  newProfile,
  planVersions,
  replayProfile,
  summarizeProfile,
  type PlannedStep,
  type NewRelationEvent,
  type ProfileState,
} from '../../domain/profile/index.js';
import { compareEvents, type BehaviorEvent, type NewBehaviorEvent } from '../../domain/types.js';
import { VersionConflictError } from '../../store/errors.js';
import type {
  BehaviorRow,
  ProfileHead,
  ProfileRow,
  ProfileSave,
  ProfileVersionWrite,
  RelationRow,
  StoreTx,
  UserRow,
} from '../../store/types.js';
import { conflict } from '../errors.js';
import { ProfileView } from '../profileView.js';
import { keepSocial, socialChange, withRelation, withRelations } from './relations.js';
import { StateCache } from './stateCache.js';
import {
  BATCH_ATTEMPTS,
  ContendedBatch,
  LateEventInGroup,
  type Committed,
  type StateChange,
  type Step,
  type WriterDeps,
  type Written,
} from './writeTypes.js';
import { MissingTextVectors, type TextVectors } from './texts.js';
import { forEachSliced } from '../slices.js';

export { ContendedBatch, LateEventInGroup, type Committed, type WriterDeps } from './writeTypes.js';

const MAX_ATTEMPTS = 20;
const NO_CHANGE: StateChange = { drift: null, driftShort: null, changedFacets: [] };

export class ProfileWriter {
  private readonly states: StateCache;

  constructor(private readonly deps: WriterDeps) {
    this.states = new StateCache(deps.stateCacheSize ?? 0);
  }

  // ---- the units of work: encode what they need, then run the transaction until it commits -------------------

  /** Appends one event and applies it (replaying when it is late). Throws DuplicateEventError for a retried id. */
  async appendEvent(input: NewBehaviorEvent): Promise<Committed> {
    const vectors = await this.deps.texts.encode([input.text]);
    const ev = this.deps.texts.withOpinion(input, vectors);
    const run = () => this.deps.store.transaction((tx) => this.appendEventTx(tx, ev, vectors));
    return this.committed(ev.userId, await this.retrying(ev.userId, vectors, run));
  }

  /**
   * Appends several events of one user together: one profile read and write, the events and versions inserted
   * together. Throws (having written nothing) LateEventInGroup or DuplicateEventError when they must go one by one.
   */
  async appendEvents(inputs: NewBehaviorEvent[]): Promise<Committed> {
    const userId = inputs[0]!.userId;
    const vectors = await this.deps.texts.encode(inputs.map((e) => e.text));
    const evs = inputs.map((e) => this.deps.texts.withOpinion(e, vectors));
    const run = () => this.deps.store.transaction((tx) => this.appendEventsTx(tx, userId, evs, vectors));
    return this.committed(userId, await this.retrying(userId, vectors, run));
  }

  /**
   * Appends the events of several users in one transaction (each user's events applied in the given order): one
   * profile read, one insert per table and one profile save for the whole batch. Throws (having written nothing)
   * LateEventInGroup or DuplicateEventError when its events must be written user by user.
   */
  async appendBatch(inputs: NewBehaviorEvent[][], inputOrder?: NewBehaviorEvent[]): Promise<Committed[]> {
    const vectors = await this.deps.texts.encode(inputs.flatMap((g) => g.map((e) => e.text)));
    const order = new Map((inputOrder ?? inputs.flat()).map((e, i) => [e, i]));
    // The events as logged (with their opinion) keep the input's tie-break rank.
    const rank = new Map<NewBehaviorEvent, number>();
    const groups = inputs.map((g) =>
      g.map((e) => {
        const logged = this.deps.texts.withOpinion(e, vectors);
        rank.set(logged, order.get(e) ?? rank.size);
        return logged;
      }),
    );
    const run = () => this.deps.store.transaction((tx) => this.appendBatchTx(tx, groups, rank, vectors));
    const written = await this.retrying(`${groups[0]![0]!.userId} (batch)`, vectors, run, BATCH_ATTEMPTS);
    return written.map((w, i) => this.committed(groups[i]![0]!.userId, w));
  }

  /** Recomputes the profile from the log alone and stores it as a new version. */
  async rebuild(user: UserRow): Promise<Committed> {
    const rows = await this.deps.store.userBehaviors(user.id);
    const vectors = await this.deps.texts.encode(this.deps.texts.textsOf(user, rows));
    const run = () => this.deps.store.transaction((tx) => this.rebuildTx(tx, user, vectors));
    return this.committed(user.id, await this.retrying(user.id, vectors, run));
  }

  /**
   * Appends one relation and folds it into the social ties (refolding the user's relations when it is late): one
   * version. Throws DuplicateEventError for a retried (userId, eventId).
   */
  async appendRelation(rel: NewRelationEvent): Promise<{ committed: Committed; relation: RelationRow }> {
    const vectors = await this.deps.texts.encode([]);
    let relation: RelationRow | null = null;
    const run = () =>
      this.deps.store.transaction(async (tx) => {
        const current = await this.open(tx, rel.userId);
        relation = await tx.insertRelation(rel);
        const previous = current ? decodeProfileState(current.state) : await this.newState(tx, rel.userId, vectors);
        const state = await withRelation(tx, previous, relation);
        // Not before the state's clock: a snapshot's asOf must cover every behaviour it holds (late replays).
        const asOf = new Date(Math.max(state.lastEventAt ?? relation.occurredAt, relation.occurredAt));
        const drift = state.long ? 0 : null;
        const change = { drift, driftShort: state.short ? 0 : null, changedFacets: socialChange(previous, state) };
        return this.save(tx, rel.userId, current, [{ state, change, behaviorId: null, asOf, versioned: true }], []);
      });
    const written = await this.retrying(rel.userId, vectors, run);
    return { committed: this.committed(rel.userId, written), relation: relation! };
  }

  /** Stores a consolidated (re-decayed, pruned) state of `read`, if the profile is still at that version. */
  async consolidate(read: ProfileRow, state: ProfileState, change: StateChange, now: number): Promise<Committed> {
    const step: Step = { state, change, behaviorId: null, asOf: new Date(now), versioned: true, consolidated: true };
    const run = () => this.deps.store.transaction((tx) => this.consolidateTx(tx, read, step));
    return this.committed(read.userId, await this.retrying(read.userId, new Map(), run));
  }

  /**
   * Runs a transaction again when another writer saved the profile first (after a short random pause), or when it
   * met texts that were not encoded (encoding them first; the encoder's cache keeps repeats cheap).
   */
  private async retrying<T>(
    userId: string,
    vectors: TextVectors,
    transaction: () => Promise<T>,
    maxAttempts = MAX_ATTEMPTS,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction();
      } catch (err) {
        const retryable = err instanceof VersionConflictError || err instanceof MissingTextVectors;
        if (!retryable) throw err;
        if (attempt >= maxAttempts && maxAttempts < MAX_ATTEMPTS && err instanceof VersionConflictError)
          throw new ContendedBatch();
        if (attempt >= MAX_ATTEMPTS) throw conflict(`profile ${userId} is being updated concurrently; retry`);
        if (err instanceof MissingTextVectors) await this.deps.texts.encode(err.texts, vectors);
        else await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  // ---- inside the transaction ---------------------------------------------------------------------------------

  private async appendEventTx(tx: StoreTx, ev: NewBehaviorEvent, vectors: TextVectors): Promise<Written> {
    const current = await this.open(tx, ev.userId);
    // A retried (userId, eventId) fails here with DuplicateEventError, rolling the transaction back.
    const event = await tx.insertBehavior(ev);
    const previous = current ? decodeProfileState(current.state) : await this.newState(tx, ev.userId, vectors);
    if (isInOrder(previous, event)) {
      return this.save(tx, ev.userId, current, [this.apply(previous, event, vectors)], [event]);
    }
    // A late event: replay from the newest snapshot that precedes it, in event-time order.
    const state = keepSocial(await this.replayLate(tx, event, vectors), previous);
    const asOf = new Date(state.lastEventAt ?? event.occurredAt);
    const change = this.diff(previous, state);
    const step: Step = { state, change, behaviorId: event.seq, asOf, versioned: true, replayed: true };
    return this.save(tx, ev.userId, current, [step], [event], new Date(event.occurredAt));
  }

  private async appendEventsTx(
    tx: StoreTx,
    userId: string,
    evs: NewBehaviorEvent[],
    vectors: TextVectors,
  ): Promise<Written> {
    const current = await this.open(tx, userId);
    // Applied in event-time order, so a group never makes its own events late.
    const inEventTime = [...evs].sort((a, b) => a.occurredAt - b.occurredAt);
    const behaviors = await tx.insertBehaviors(inEventTime);
    let state = current ? decodeProfileState(current.state) : await this.newState(tx, userId, vectors);
    const steps = behaviors.map((event) => {
      if (!isInOrder(state, event)) throw new LateEventInGroup();
      const step = this.apply(state, event, vectors);
      state = step.state;
      return step;
    });
    return this.save(tx, userId, current, steps, behaviors);
  }

  private async appendBatchTx(
    tx: StoreTx,
    groups: NewBehaviorEvent[][],
    rank: Map<NewBehaviorEvent, number>,
    vectors: TextVectors,
  ): Promise<Written[]> {
    const userIds = groups.map((g) => g[0]!.userId);
    if (this.deps.locking === 'lock') await tx.lockUsers(userIds);
    // Only the heads are read; states come from the cache, and from the database where it has none.
    const heads = await tx.profileHeads(userIds);
    // Taken now: other batches' writes may evict entries from the cache while this transaction waits.
    const cached = heads.map((h) => (h ? this.states.get(h) : null));
    const misses = heads.flatMap((h, i) => (h && !cached[i] ? [h.userId] : []));
    const rows = new Map((misses.length ? await tx.getProfiles(misses) : []).map((r) => [r!.userId, r!]));
    const states = heads.map((h, i) => (h ? (cached[i] ?? decodeProfileState(rows.get(h.userId)!.state)) : null));
    // A late event is found before anything is written (a new row's seq is above every logged one, and within a
    // group the log keeps its order for equal times): the domain work below yields to the event loop, and no reader
    // should meet rows that a LateEventInGroup would then roll back. The check in the loop stays as the invariant.
    groups.forEach((group, i) =>
      group.forEach((e, k) => {
        const state = states[i];
        const inOrder =
          k > 0
            ? e.occurredAt >= group[k - 1]!.occurredAt
            : !state || isInOrder(state, { occurredAt: e.occurredAt, seq: Number.POSITIVE_INFINITY });
        if (!inOrder) throw new LateEventInGroup();
      }),
    );
    // The log takes the batch in event-time order (ties in input order): the order every replica's recommender
    // reads it in. Each user's events keep their order (they come in event-time order or go one by one).
    const flat = groups.flat();
    const tie = (i: number) => rank.get(flat[i]!) ?? i;
    const order = flat.map((_, i) => i).sort((a, b) => flat[a]!.occurredAt - flat[b]!.occurredAt || tie(a) - tie(b));
    const appended = await tx.insertBehaviors(order.map((i) => flat[i]!));
    const behaviors = new Array<BehaviorRow>(flat.length);
    order.forEach((i, k) => (behaviors[i] = appended[k]!));
    const newUsers = await tx.ensureUsers(userIds.filter((_, i) => !heads[i]));
    const seeds = new Map(newUsers.map((u) => [u.id, u]));
    const firstEvent = new Array<number>(groups.length);
    groups.reduce((k, group, i) => ((firstEvent[i] = k), k + group.length), 0);
    const plans: Array<ReturnType<ProfileWriter['plan']>> = [];
    // The domain work of a large batch runs in slices with turns of the event loop between them (reads are answered
    // in between); each user's state bytes and summary are made in its slice, not all at once by the statement.
    await forEachSliced(
      userIds.map((_, i) => i),
      (i) => {
        const userId = userIds[i]!;
        const current = heads[i] ?? null;
        const events = behaviors.slice(firstEvent[i]!, firstEvent[i]! + groups[i]!.length);
        let state = current
          ? states[i]!
          : newProfile(userId, this.deps.texts.seed(seeds.get(userId)!, vectors), this.deps.config);
        const steps = events.map((event) => {
          if (!isInOrder(state, event)) throw new LateEventInGroup();
          const step = this.apply(state, event, vectors);
          state = step.state;
          return step;
        });
        const plan = this.plan(userId, current, steps, events);
        void plan.save.row.state;
        void plan.save.row.summary;
        plans.push(plan);
      },
    );
    await tx.saveProfiles(plans.map((p) => p.save));
    const versions = plans.flatMap((p) => p.versions);
    if (versions.length) await tx.insertProfileVersions(versions);
    return plans.map((p) => p.written);
  }

  private async rebuildTx(tx: StoreTx, user: UserRow, vectors: TextVectors): Promise<Written> {
    const current = await this.open(tx, user.id);
    const rows = await tx.userBehaviors(user.id);
    const { texts, config } = this.deps;
    const replayed = replayProfile(user.id, texts.seed(user, vectors), texts.withContexts(rows, vectors), config);
    const state = await withRelations(tx, replayed);
    const change = current ? this.diff(decodeProfileState(current.state), state) : NO_CHANGE;
    const asOf = new Date(state.lastEventAt ?? Date.now());
    const step: Step = { state, change, behaviorId: null, asOf, versioned: true, replayed: true };
    // Every snapshot may differ from the rebuilt states: all are dropped (the new version carries one).
    return this.save(tx, user.id, current, [step], [], new Date(0));
  }

  private async consolidateTx(tx: StoreTx, read: ProfileRow, step: Step): Promise<Written> {
    if (this.deps.locking === 'lock') await tx.lockUser(read.userId);
    // Saved against the version read before: a concurrent write makes it a VersionConflictError.
    return this.save(tx, read.userId, read, [step], []);
  }

  /** Takes the user's lock where writers lock, and reads the profile the unit of work starts from. */
  private async open(tx: StoreTx, userId: string): Promise<ProfileRow | null> {
    if (this.deps.locking === 'lock') await tx.lockUser(userId);
    return tx.getProfile(userId);
  }

  /** The first state of a profile: seeded from the user (created here if only its events exist). */
  private async newState(tx: StoreTx, userId: string, vectors: TextVectors): Promise<ProfileState> {
    return newProfile(userId, this.deps.texts.seed(await tx.ensureUser(userId), vectors), this.deps.config);
  }

  private apply(previous: ProfileState, event: BehaviorEvent, vectors: TextVectors): Step {
    const { state, change } = applyBehavior(previous, event, this.deps.texts.context(event, vectors), this.deps.config);
    const asOf = new Date(state.lastEventAt ?? event.occurredAt);
    return { state, change, behaviorId: event.seq, asOf, versioned: change.versioned };
  }

  /** The state with a late event: the log from the nearest snapshot before it (or the seed) on, replayed. */
  private async replayLate(tx: StoreTx, late: BehaviorEvent, vectors: TextVectors): Promise<ProfileState> {
    const { texts, config } = this.deps;
    const snapshotRow = await tx.snapshotBefore(late.userId, new Date(late.occurredAt));
    const from = snapshotRow?.snapshot ? decodeProfileState(snapshotRow.snapshot) : null;
    const start = from?.lastEventAt ?? null;
    const rows =
      start === null ? await tx.userBehaviors(late.userId) : await tx.behaviorsFrom(late.userId, new Date(start));
    const after = rows.filter((r) => r.seq !== late.seq && (from === null || afterSnapshot(r, from)));
    const events = [...texts.withContexts(after, vectors), { event: late, ctx: texts.context(late, vectors) }];
    if (from) return replayProfile(late.userId, undefined, events, config, from);
    const user = (await tx.getUser(late.userId)) ?? (await tx.ensureUser(late.userId));
    return replayProfile(late.userId, texts.seed(user, vectors), events, config);
  }

  /**
   * Stores the steps: each versioned one as a ProfileVersion (with a snapshot where the plan says), the last as
   * the current profile, checked against the version the unit of work started from.
   */
  private async save(
    tx: StoreTx,
    userId: string,
    current: ProfileRow | null,
    steps: Step[],
    behaviors: BehaviorRow[],
    lateFrom?: Date,
  ): Promise<Written> {
    const { save, versions, written } = this.plan(userId, current, steps, behaviors);
    await tx.saveProfile(save.row, save.expectedVersion, save.expectedEventCount);
    // A late event (or a rebuild) made the snapshots after it stale.
    if (lateFrom) await tx.dropSnapshotsAfter(userId, lateFrom);
    if (versions.length) await tx.insertProfileVersions(versions);
    return written;
  }

  /** What storing the steps writes: the profile save (against the version read), the versions, the rows made. */
  private plan(userId: string, current: ProfileHead | null, steps: Step[], behaviors: BehaviorRow[]) {
    const plan = planVersions(steps, current?.version ?? null, this.deps.config.snapshotEvery);
    const now = new Date();
    // Intermediate states are encoded only when they become versions.
    const stored = plan.stored.map((p) => {
      const step = steps[p.step]!;
      return { ...p, state: step.state, row: this.profileRow(userId, p, step, now) };
    });
    const row = stored[stored.length - 1]!.row;
    const save: ProfileSave = {
      row,
      expectedVersion: current?.version ?? null,
      expectedEventCount: current?.eventCount ?? null,
    };
    const versions = stored.filter((s) => s.versioned).map((s) => this.versionRow(s, steps[s.step]!));
    const written: Written = { behaviors, stored, shownBy: plan.shownBy };
    return { save, versions, written };
  }

  /**
   * The row of a stored step. Its state bytes and summary are made when first read: the last row is saved (both
   * read), a snapshot version reads the bytes, but an intermediate version of a group may never need either.
   */
  private profileRow(userId: string, plan: PlannedStep, step: Step, now: Date): ProfileRow {
    const { config } = this.deps;
    let state: Uint8Array | null = null;
    let summary: string | null = null;
    return {
      userId,
      version: plan.version,
      eventCount: step.state.eventCount,
      get state() {
        return (state ??= encodeProfileState(step.state));
      },
      get summary() {
        return (summary ??= summarizeProfile(step.state, step.asOf.getTime(), config));
      },
      drift: step.change.drift,
      driftShort: step.change.driftShort,
      changedFacets: step.change.changedFacets,
      updatedAt: now,
    };
  }

  private versionRow(stored: PlannedStep & { row: ProfileRow }, step: Step): ProfileVersionWrite {
    const { row } = stored;
    return {
      userId: row.userId,
      version: row.version,
      behaviorId: step.behaviorId,
      drift: row.drift,
      driftShort: row.driftShort,
      changedFacets: row.changedFacets,
      eventCount: row.eventCount,
      asOf: step.asOf,
      snapshot: stored.snapshot ? row.state : null,
    };
  }

  /** Drift and facet changes between two states (where the change is a replay, not one applied event). */
  private diff(a: ProfileState, b: ProfileState): StateChange {
    return {
      drift: driftBetween(a.long?.vec ?? null, b.long?.vec ?? null),
      driftShort: driftBetween(a.short?.vec ?? null, b.short?.vec ?? null),
      changedFacets: diffFacets(a.facets, b.facets, this.deps.config.changedFacetsLimit),
    };
  }

  // ---- after commit ----------------------------------------------------------------------------------------------

  private committed(userId: string, written: Written): Committed {
    const vocabulary = this.deps.vocabulary();
    const saved = written.stored.map((s) => ({
      row: s.row,
      versioned: s.versioned,
      view: new ProfileView(s.row, s.state, this.deps.config, vocabulary, Date.now()),
    }));
    const last = written.stored[written.stored.length - 1]!;
    this.states.set(last.row, last.state);
    return {
      userId,
      behaviors: written.behaviors,
      saved,
      view: saved[saved.length - 1]!.view,
      stepViews: written.shownBy.map((k) => saved[k]!.view),
      attributes: last.state.attributes,
    };
  }
}

/** Whether a log row comes after the state a snapshot holds (rows at its last event time may precede it). */
export function afterSnapshot(row: BehaviorRow, from: ProfileState): boolean {
  return compareEvents(row, { occurredAt: from.lastEventAt!, seq: from.lastSeq ?? 0 }) > 0;
}
