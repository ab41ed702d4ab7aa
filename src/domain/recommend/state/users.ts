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

  /** Users from least to most recently seen, with their buffers (segments follow from attributes, not saved). */
  exportState(): UsersState {
    const ids: string[] = [];
    const sizes = new Int32Array(this.users.size);
    let n = 0;
    for (const u of this.users.values()) n += u.buffer.length;
    const items = new Int32Array(n);
    const times = new Float64Array(n);
    const weights = new Float64Array(n);
    let at = 0;
    for (const [id, u] of this.users) {
      sizes[ids.length] = u.buffer.length;
      ids.push(id);
      for (const b of u.buffer) {
        items[at] = b.item;
        times[at] = b.t;
        weights[at++] = b.w;
      }
    }
    return { ids, sizes, items, times, weights };
  }

  /** Replaces the table with a snapshot's; `segmentsOf` gives each user's attributes and their segment keys. */
  importState(
    s: UsersState,
    segmentsOf: (userId: string) => { attributes: Record<string, unknown>; segments: string[] | null },
  ): void {
    this.users.clear();
    let at = 0;
    s.ids.forEach((id, i) => {
      const buffer: BufferEntry[] = [];
      for (let k = 0; k < s.sizes[i]!; k++, at++)
        buffer.push({ item: s.items[at]!, t: s.times[at]!, w: s.weights[at]! });
      const { attributes, segments } = segmentsOf(id);
      this.users.set(id, { buffer, segments, attributesRef: attributes });
    });
  }
}

export interface UsersState {
  ids: string[];
  /** Buffer length per user; the buffers' entries follow one another in items / times / weights. */
  sizes: Int32Array;
  items: Int32Array;
  times: Float64Array;
  weights: Float64Array;
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
