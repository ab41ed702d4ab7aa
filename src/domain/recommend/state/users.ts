// Per-user behaviour state the recommender keeps: the recent positive items (the co-visitation window and the
// source of transitions) and the user's attribute segments. Bounded: least recently seen users are evicted.

export interface BufferEntry {
  /** Interned item id. */
  item: number;
  t: number;
  w: number;
}

export interface UserState {
  /** Positive interactions, sorted by time ascending, at most coVisitation.windowItems. */
  buffer: BufferEntry[];
  segments: string[] | null;
  /** The attributes object the segments were derived from (skips re-deriving for the same object). */
  attributesRef: Record<string, unknown> | null;
}

export class UserTable {
  private readonly users = new Map<string, UserState>();

  constructor(private readonly maxTracked: () => number) {}

  get size(): number {
    return this.users.size;
  }

  /** The user's state without touching its recency. */
  peek(userId: string): UserState | undefined {
    return this.users.get(userId);
  }

  /** The user's state (created when new), marked most recently seen; evicts the least recent beyond the bound. */
  touch(userId: string): UserState {
    let u = this.users.get(userId);
    if (u) {
      // LRU touch: re-insert at the end.
      this.users.delete(userId);
      this.users.set(userId, u);
      return u;
    }
    u = { buffer: [], segments: null, attributesRef: null };
    this.users.set(userId, u);
    if (this.users.size > this.maxTracked()) {
      const oldest = this.users.keys().next().value as string;
      this.users.delete(oldest);
    }
    return u;
  }

  clear(): void {
    this.users.clear();
  }
}

/** Index of the last entry for `item` in the buffer, or -1. */
export function findInBuffer(buf: BufferEntry[], item: number): number {
  let existing = -1;
  for (let i = 0; i < buf.length; i++) if (buf[i]!.item === item) existing = i;
  return existing;
}

/** Insert keeping time order (after entries at the same time). */
export function insertBuffer(buf: BufferEntry[], e: BufferEntry): void {
  let i = buf.length;
  while (i > 0 && buf[i - 1]!.t > e.t) i--;
  buf.splice(i, 0, e);
}
