// Every server process's recommender and catalogue follow the shared logs in the database by sequence: the
// behaviour log (Behavior.id) and the catalogue's change log (CatalogChange.id). Nothing is fed from a process's
// own writes directly, so every replica sees the same events in the same order as a model rebuilt from the log
// at start, and is identical to it by construction. Redis only wakes followers (the new heads are published after
// each commit); a poll catches up where Redis is absent or a message is lost. An erasure deletes log entries, which
// no follower can unlearn by sequence: it appends an Erasure row in its transaction, and a follower that sees an
// Erasure.id beyond its own rebuilds its model from the remaining log, so every replica forgets the erased user.
// With snapshots (RecommenderSnapshots), start loads the newest one and replays only the log after its positions;
// the follower writes one every SNAPSHOT_EVERY_EVENTS behaviours, every SNAPSHOT_EVERY_SECONDS when the log moved,
// and when it closes.
import { Redis } from 'ioredis';
import type { LogHeads, Store } from '../store/types.js';
import type { CatalogService } from './catalogService.js';
import type { RecommendationService } from './recommendationService.js';
import type { RecommenderSnapshots } from './recommenderSnapshots.js';
import { forEachSliced } from './slices.js';

const CHANNEL = 'tastegraph:log-heads';
const PAGE = 5000;

interface Deps {
  store: Store;
  recommendations: RecommendationService;
  catalog: CatalogService;
  redisUrl: string | null;
  /** Poll interval in ms when nothing wakes the follower (LOG_POLL_MS); 0: no polling. */
  pollMs: number;
  log: (msg: string) => void;
  /** Null: no snapshots (RECOMMENDER_SNAPSHOTS=off); start replays the whole log. */
  snapshots?: { store: RecommenderSnapshots; everyEvents: number; everySeconds: number } | null;
}

export interface LogPosition {
  /** Sequence of the last log entry the recommender has seen, and the newest one known in the database. */
  behaviors: { position: number; head: number; lag: number };
  catalog: { position: number; head: number; lag: number };
}

export class LogFollower {
  private behaviors = 0;
  private catalogSeq = 0;
  /** The newest erasure the model reflects. */
  private erasureSeq = 0;
  private heads: LogHeads = { behaviors: 0, catalog: 0, erasures: 0 };
  private attributes = new Map<string, Record<string, unknown>>();
  /** Catch-ups run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private closed = false;

  constructor(private readonly deps: Deps) {}

  /**
   * Start-up: the catalogue's change log position is taken before the catalogue is loaded (changes made during the
   * load are applied again: upserts are idempotent), then the whole behaviour log is replayed in sequence order.
   * With a usable snapshot, only the behaviour log after its position is replayed (and, when its vector index was
   * restored, the catalogue changes after its catalogue position).
   */
  async start(loadCatalogue: () => Promise<void>): Promise<number> {
    const heads = await this.deps.store.logHeads();
    this.catalogSeq = heads.catalog;
    // The replay below reads the log after these erasures; a later one is seen by follow().
    this.erasureSeq = heads.erasures;
    const snapshots = this.deps.snapshots;
    const snapshot = snapshots ? await snapshots.store.read(heads.erasures) : null;
    // A restored index is as of the snapshot: the catalogue changes after it are replayed (upserts are idempotent).
    if (snapshot && snapshots!.store.restoreIndex(snapshot))
      this.catalogSeq = Math.min(this.catalogSeq, snapshot.positions.catalog);
    await loadCatalogue();
    this.attributes = await this.deps.recommendations.userAttributes();
    if (snapshots) {
      if (snapshot) {
        snapshots.store.importState(snapshot, (id) => this.attributes.get(id));
        this.behaviors = snapshot.positions.behaviors;
      }
      if (snapshots.everySeconds > 0) {
        this.snapshotTimer = setInterval(() => {
          if (snapshots.store.behind(this.behaviors)) void this.snapshot();
        }, snapshots.everySeconds * 1000);
        this.snapshotTimer.unref();
      }
    }
    await this.catchUp();
    const { redisUrl, pollMs } = this.deps;
    if (redisUrl) {
      this.publisher = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      this.subscriber = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
      this.subscriber.on('message', () => void this.catchUp().catch(() => {}));
      await this.subscriber.subscribe(CHANNEL);
    }
    if (pollMs > 0) {
      this.timer = setInterval(() => void this.catchUp().catch(() => {}), pollMs);
      this.timer.unref();
    }
    return this.behaviors;
  }

  /** Reads and applies every catalogue change and log entry after this process's positions. */
  catchUp(): Promise<void> {
    // A catch-up already queued (not started) covers this call too.
    if (this.waiting) return this.waiting;
    const run = this.queue.then(() => {
      this.waiting = null;
      return this.follow();
    });
    this.waiting = run;
    this.queue = run.catch(() => {});
    return run;
  }

  /** After a commit in this process: catch up (so the writer's own events are in the model when it answers), then
   * wake the other replicas. */
  async committed(): Promise<void> {
    await this.catchUp();
    if (this.publisher && !this.closed)
      await this.publisher.publish(CHANNEL, JSON.stringify(this.heads)).catch(() => 0);
  }

  /** The user's attributes as segment statistics see them (upsertUser changes them). */
  setUserAttributes(userId: string, attributes: Record<string, unknown>): void {
    this.attributes.set(userId, attributes);
  }

  /** Forgets the model's behaviour state and replays the log (after an erasure); positions move to the head. */
  async rebuild(): Promise<number> {
    const run = this.queue.then(() => this.replay());
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async position(): Promise<LogPosition> {
    this.heads = await this.deps.store.logHeads();
    const lag = (head: number, at: number) => ({ position: at, head, lag: Math.max(0, head - at) });
    return { behaviors: lag(this.heads.behaviors, this.behaviors), catalog: lag(this.heads.catalog, this.catalogSeq) };
  }

  /**
   * Writes a snapshot of the model at this follower's positions (between two catch-ups); resolves once written
   * (false when skipped or failed: snapshots only save time, the log stays the source of truth).
   */
  snapshot(): Promise<boolean> {
    const snapshots = this.deps.snapshots;
    if (!snapshots) return Promise.resolve(false);
    const captured = this.queue.then(() =>
      snapshots.store.capture({ behaviors: this.behaviors, catalog: this.catalogSeq, erasures: this.erasureSeq }),
    );
    this.queue = captured.then(
      () => {},
      () => {},
    );
    return captured
      .then((c) => c.write)
      .catch((err: unknown) => {
        this.deps.log(`recommender snapshot failed: ${(err as Error).message}`);
        return false;
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    await this.queue;
    const snapshots = this.deps.snapshots;
    if (snapshots?.store.behind(this.behaviors)) await this.snapshot();
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => {})));
  }

  private async replay(): Promise<number> {
    // Read before the log: an erasure committed during the replay is replayed again by the next follow().
    const erasures = await this.deps.store.erasureHead();
    this.attributes = await this.deps.recommendations.userAttributes();
    this.behaviors = await this.deps.recommendations.rebuildFromLog(this.attributes);
    this.erasureSeq = Math.max(this.erasureSeq, erasures);
    this.heads.erasures = Math.max(this.heads.erasures, this.erasureSeq);
    return this.behaviors;
  }

  private async follow(): Promise<void> {
    const { store, catalog, recommendations } = this.deps;
    // The catalogue first: an event's item was upserted before the event could be recorded.
    for (;;) {
      const changes = await store.catalogChangesAfter(this.catalogSeq, PAGE);
      if (!changes.length) break;
      await catalog.applyChanges(changes);
      this.catalogSeq = changes[changes.length - 1]!.id;
      this.heads.catalog = Math.max(this.heads.catalog, this.catalogSeq);
    }
    // Another process erased a user: what the model learnt from their deleted entries goes with a rebuild.
    if ((await store.erasureHead()) > this.erasureSeq) await this.replay();
    for (;;) {
      const rows = await store.behaviorsAfter(this.behaviors, PAGE);
      if (!rows.length) break;
      const unknown = [...new Set(rows.map((r) => r.userId).filter((id) => !this.attributes.has(id)))];
      if (unknown.length) {
        const users = await store.usersByIds(unknown);
        unknown.forEach((id, i) => this.attributes.set(id, users[i]?.attributes ?? {}));
      }
      // In slices, reads answered between them: the model is then at a log position (a prefix of the log).
      await forEachSliced(
        rows,
        (b) => recommendations.observe(b, this.attributes.get(b.userId) ?? {}),
        (end) => {
          this.behaviors = rows[end - 1]!.seq;
          this.heads.behaviors = Math.max(this.heads.behaviors, this.behaviors);
        },
      );
    }
    const snapshots = this.deps.snapshots;
    if (snapshots && !this.closed && this.behaviors - snapshots.store.lastPosition >= snapshots.everyEvents)
      void this.snapshot();
  }
}
