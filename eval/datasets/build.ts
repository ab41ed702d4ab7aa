// Turns flat (user, item, time) rows into per-user, time-ordered typed arrays.
import { BEHAVIOR_TYPES, type BehaviorType } from '../../src/domain/types.js';
import type { EvalItem, EvalUser } from './types.js';
import { ORDER_ONLY_EPOCH_MS, ORDER_ONLY_SPACING_MS } from './types.js';

export interface RawRow {
  user: string;
  item: number;
  /** Epoch ms, or (order-only) the per-user order index. */
  time: number;
  rating?: number;
  type?: BehaviorType;
  text?: string | null;
}

/**
 * Groups rows by user and sorts each user's rows by time; ties keep the file order (a stable sort),
 * which is the tie rule of the MovieLens DATA.md files. With `orderOnly`, `time` is an order index and
 * is replaced by a synthetic clock: ORDER_ONLY_EPOCH_MS + position * ORDER_ONLY_SPACING_MS.
 */
export function buildUsers(rows: RawRow[], orderOnly: boolean): EvalUser[] {
  const byUser = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const u = rows[i]!.user;
    let list = byUser.get(u);
    if (!list) byUser.set(u, (list = []));
    list.push(i);
  }
  const hasRating = rows.some((r) => r.rating !== undefined && !Number.isNaN(r.rating));
  const hasType = rows.some((r) => r.type !== undefined);
  const hasText = rows.some((r) => r.text);
  const users: EvalUser[] = [];
  for (const [id, idx] of byUser) {
    idx.sort((a, b) => rows[a]!.time - rows[b]!.time || a - b);
    const n = idx.length;
    const u: EvalUser = {
      id,
      items: new Int32Array(n),
      times: new Float64Array(n),
      ratings: hasRating ? new Float32Array(n) : null,
      types: hasType ? new Uint8Array(n) : null,
      texts: hasText ? new Array<string | null>(n).fill(null) : null,
    };
    for (let k = 0; k < n; k++) {
      const r = rows[idx[k]!]!;
      u.items[k] = r.item;
      u.times[k] = orderOnly ? ORDER_ONLY_EPOCH_MS + k * ORDER_ONLY_SPACING_MS : r.time;
      if (u.ratings) u.ratings[k] = r.rating ?? Number.NaN;
      if (u.types) u.types[k] = BEHAVIOR_TYPES.indexOf(r.type ?? 'VIEW');
      if (u.texts) u.texts[k] = r.text ?? null;
    }
    users.push(u);
  }
  return users;
}

/** Keeps only items that occur in some interaction (the published ML/Amazon protocols rank over those) and remaps indices. */
export function compactCatalogue(items: EvalItem[], users: EvalUser[]): { items: EvalItem[]; dropped: number } {
  const used = new Uint8Array(items.length);
  for (const u of users) for (const it of u.items) used[it] = 1;
  const remap = new Int32Array(items.length).fill(-1);
  const out: EvalItem[] = [];
  for (let i = 0; i < items.length; i++) {
    if (used[i]) {
      remap[i] = out.length;
      out.push(items[i]!);
    }
  }
  for (const u of users) for (let k = 0; k < u.items.length; k++) u.items[k] = remap[u.items[k]!]!;
  return { items: out, dropped: items.length - out.length };
}

export function countEvents(users: EvalUser[]): number {
  let n = 0;
  for (const u of users) n += u.items.length;
  return n;
}

/** Numbers of item repeats inside users' sequences (occurrences of an item already seen by that user). */
export function countRepeats(users: EvalUser[]): number {
  let rep = 0;
  for (const u of users) {
    const seen = new Set<number>();
    for (const it of u.items) {
      if (seen.has(it)) rep++;
      seen.add(it);
    }
  }
  return rep;
}
