// Snapshots of the recommender's behaviour statistics in the database, with the log positions they cover: a process
// starts from the newest one made for its model and replays only the log after it (LogFollower). Kept in the database
// rather than a directory: every replica reaches it without a shared volume, and it is backed up with the log it
// summarises. A snapshot made for another configuration or format, or older than an erasure, is ignored with a log line.
import {
  decodeSnapshot,
  encodeSnapshot,
  fingerprintOf,
  SNAPSHOT_FORMAT,
  type ModelState,
  type SnapshotMeta,
} from '../domain/recommend/snapshot.js';
import type { RecommenderModel } from '../domain/recommend/index.js';
import type { Store } from '../store/types.js';

export type LogPositions = SnapshotMeta['positions'];

/** A snapshot made for this model, decoded. */
export interface UsableSnapshot {
  id: number;
  bytes: number;
  positions: LogPositions;
  state: ModelState;
  /** The approximate index as saved, or null. */
  index: Uint8Array | null;
}

interface Deps {
  store: Store;
  model: RecommenderModel;
  /** What shapes the statistics besides the model configuration (encoder id and dimension...). */
  describe: Record<string, unknown>;
  log: (msg: string) => void;
}

export class RecommenderSnapshots {
  readonly fingerprint: string;
  /** Behaviour position of the newest snapshot this process wrote or loaded. */
  lastPosition = 0;
  /** Whether that snapshot holds the approximate graph (when the index has one to save). */
  private graphSaved = true;

  constructor(private readonly deps: Deps) {
    this.fingerprint = fingerprintOf({ format: SNAPSHOT_FORMAT, config: deps.model.config, ...deps.describe });
  }

  /**
   * Reads the newest usable snapshot (null: none, the caller replays the whole log). `erasureHead`: the newest
   * erasure now; a snapshot from before it still holds the erased user's statistics.
   */
  async read(erasureHead: number): Promise<UsableSnapshot | null> {
    const { store, log } = this.deps;
    const newest = await store.latestRecommenderSnapshotInfo();
    if (!newest) return null;
    if (newest.fingerprint !== this.fingerprint || newest.format !== SNAPSHOT_FORMAT)
      log(
        `recommender snapshot #${newest.id} (behaviour ${newest.behaviorSeq}) ignored: made for another model configuration or format (fingerprint ${newest.fingerprint}, format ${newest.format}; now ${this.fingerprint}, ${SNAPSHOT_FORMAT})`,
      );
    // Another deployment's snapshot (a rolling upgrade) may be the newest: this model's own newest one still serves.
    const row = await store.latestRecommenderSnapshot(this.fingerprint);
    if (!row) return null;
    if (row.erasureSeq < erasureHead) {
      log(`recommender snapshot #${row.id} ignored: an erasure happened after it (the whole log is replayed)`);
      return null;
    }
    const decoded = decodeSnapshot<ModelState>(row.state, this.fingerprint);
    if (!decoded.ok) {
      log(`recommender snapshot #${row.id} ignored: ${decoded.reason}`);
      return null;
    }
    return {
      id: row.id,
      bytes: row.state.length,
      positions: decoded.meta.positions,
      state: decoded.body,
      index: row.vectorIndex,
    };
  }

  /**
   * Before the catalogue is loaded: restores the saved approximate index, so the load adds only the vectors it lacks.
   * True when restored (the catalogue's change log must then be replayed from the snapshot's position).
   */
  restoreIndex(snapshot: UsableSnapshot): boolean {
    this.graphSaved = false;
    if (!snapshot.index) return false;
    const t0 = performance.now();
    const ok = this.deps.model.restoreIndex(snapshot.index);
    this.graphSaved = ok;
    this.deps.log(
      ok
        ? `recommender: vector index of snapshot #${snapshot.id} loaded in ${Math.round(performance.now() - t0)} ms (${snapshot.index.length} bytes)`
        : `recommender: vector index of snapshot #${snapshot.id} ignored (other index settings); built from the vectors`,
    );
    return ok;
  }

  /** After the catalogue load: the snapshot's behaviour statistics into the model (which has none yet). */
  importState(snapshot: UsableSnapshot, attributesOf: (userId: string) => Record<string, unknown> | undefined): void {
    const t0 = performance.now();
    const removed = this.deps.model.finishIndexRestore();
    this.deps.model.importState(snapshot.state, attributesOf);
    this.lastPosition = snapshot.positions.behaviors;
    this.deps.log(
      `recommender: snapshot #${snapshot.id} at behaviour ${snapshot.positions.behaviors} loaded in ${Math.round(performance.now() - t0)} ms (${snapshot.bytes} bytes${removed ? `; ${removed} deleted items left the index` : ''})`,
    );
  }

  /**
   * Whether a snapshot at `position` would add something: the log moved past the newest one, or that one lacks the
   * approximate graph the index now has (it was written while the index was exact), which every start would
   * otherwise rebuild.
   */
  behind(position: number): boolean {
    return position > this.lastPosition || (!this.graphSaved && this.deps.model.index.savesGraph === true);
  }

  /**
   * Takes the model's state now (synchronously: call it between two catch-ups, at `positions`) and returns the
   * write, which runs without holding anything up.
   */
  capture(positions: LogPositions): { encodeMs: number; write: Promise<boolean> } {
    const t0 = performance.now();
    const meta: SnapshotMeta = { format: SNAPSHOT_FORMAT, fingerprint: this.fingerprint, positions };
    const state = encodeSnapshot(meta, this.deps.model.exportState());
    const vectorIndex = this.deps.model.index.save?.() ?? null;
    const encodeMs = performance.now() - t0;
    this.lastPosition = Math.max(this.lastPosition, positions.behaviors);
    this.graphSaved = vectorIndex !== null;
    const write = this.deps.store
      .saveRecommenderSnapshot({
        fingerprint: this.fingerprint,
        format: SNAPSHOT_FORMAT,
        behaviorSeq: positions.behaviors,
        catalogSeq: positions.catalog,
        erasureSeq: positions.erasures,
        state,
        vectorIndex,
      })
      .then((saved) => {
        this.deps.log(
          `recommender snapshot at behaviour ${positions.behaviors}: ${saved ? `written, ${state.length} bytes${vectorIndex ? ` and an index of ${vectorIndex.length}` : ''}` : 'a newer one exists'} (captured in ${Math.round(encodeMs)} ms, the only part that holds requests)`,
        );
        return saved;
      });
    return { encodeMs, write };
  }
}
