// Decoded profile states of recent writes, by user, valid while the stored profile is still the one cached
// (same version, event count and save time). A write in a batch then reads only the profile's head, not its
// state, and skips decoding it: the codec was the largest domain cost of ingest (bench/results/ingest.json).
import { LRUCache } from 'lru-cache';
import type { ProfileState } from '../../domain/profile/index.js';
import type { ProfileHead, ProfileRow } from '../../store/types.js';

type Entry = { version: number; eventCount: number; savedAt: number; state: ProfileState };

export class StateCache {
  private readonly cache: LRUCache<string, Entry> | null;

  constructor(size: number) {
    this.cache = size > 0 ? new LRUCache<string, Entry>({ max: size }) : null;
  }

  /** The state stored under this head, if it is the one cached (domain states are never mutated in place). */
  get(head: ProfileHead): ProfileState | null {
    const e = this.cache?.get(head.userId);
    if (!e) return null;
    const same =
      e.version === head.version && e.eventCount === head.eventCount && e.savedAt === head.updatedAt.getTime();
    return same ? e.state : null;
  }

  /** Called after commit with the profile row now stored and its state. */
  set(row: ProfileRow, state: ProfileState): void {
    const entry = { version: row.version, eventCount: row.eventCount, savedAt: row.updatedAt.getTime(), state };
    this.cache?.set(row.userId, entry);
  }
}
