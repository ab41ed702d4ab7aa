// A snapshot of the recommender's behaviour statistics as one byte array, so a process can start from it and replay
// only the log past the positions it covers instead of the whole log. Pure: bytes in, bytes out; where they are kept
// is the store's business.
//
// Layout: "TGSN", a u32 header length, a JSON header (the plain parts, and for each typed array its kind, offset and
// length), then the typed arrays' bytes, each 8-byte aligned. The header carries the format version and a
// fingerprint of everything that shapes the statistics (the model configuration, the encoder): a snapshot that does
// not match the running model is refused by `decodeSnapshot`, never used.
import { hashSeed } from '../hash.js';
import type { DecayedCountsState } from './state/decayedCounts.js';
import type { NeighbourState } from './state/neighbourStore.js';
import type { StatsState } from './state/statsTable.js';
import type { UsersState } from './state/users.js';
import type { EaseState } from './sources/ease.js';
import type { SegmentsState } from './sources/segments.js';
import type { SimilarUsersState } from './sources/similarUsers.js';

/** Bumped whenever ModelState or the layout changes: older snapshots are then ignored. */
export const SNAPSHOT_FORMAT = 2;

/** Everything the model learnt from behaviour events (the catalogue and vector index are not part of it). */
export interface ModelState {
  /** Interned item ids, in interning order (every int below is an index into it). */
  items: string[];
  stats: StatsState;
  lastEventAt: number;
  maxEvents: number;
  popularity: DecayedCountsState;
  trending: DecayedCountsState;
  coVisitation: NeighbourState;
  transitions: NeighbourState;
  segments: SegmentsState;
  users: UsersState;
  ease: EaseState;
  similarUsers: SimilarUsersState;
}

/** The log positions a snapshot covers, and what it was made for. */
export interface SnapshotMeta {
  format: number;
  fingerprint: string;
  /** Sequences of the last behaviour, catalogue change and erasure reflected. */
  positions: { behaviors: number; catalog: number; erasures: number };
}

const MAGIC = [0x54, 0x47, 0x53, 0x4e]; // "TGSN"
type ArrayKind = 'f64' | 'f32' | 'i32' | 'u8';
const CTORS = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

function kindOf(v: unknown): ArrayKind | null {
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

/**
 * A stable 64-bit fingerprint (hex) of a JSON-able description of the model (configuration, encoder id and
 * dimension...): two FNV-1a passes with different seeds. Detects a changed configuration, not tampering.
 */
export function fingerprintOf(description: unknown): string {
  const s = stableJson(description);
  return [hashSeed('a', s), hashSeed('b', s)].map((h) => h.toString(16).padStart(8, '0')).join('');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Encodes `body` (plain objects, arrays, numbers, strings, null and typed arrays) with its meta. */
export function encodeSnapshot(meta: SnapshotMeta, body: unknown): Uint8Array {
  const blobs: Array<{ kind: ArrayKind; bytes: Uint8Array; offset: number }> = [];
  let offset = 0;
  const header = JSON.stringify({ meta, body }, (_k, v: unknown) => {
    const kind = kindOf(v);
    if (!kind) return v;
    const a = v as Float64Array | Float32Array | Int32Array | Uint8Array;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const ref = { $a: kind, offset, length: a.length };
    blobs.push({ kind, bytes, offset });
    offset += Math.ceil(bytes.length / 8) * 8;
    return ref;
  });
  const head = new TextEncoder().encode(header);
  const start = Math.ceil((8 + head.length) / 8) * 8;
  const out = new Uint8Array(start + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.length, true);
  out.set(head, 8);
  for (const b of blobs) out.set(b.bytes, start + b.offset);
  return out;
}

export type DecodedSnapshot<T> = { ok: true; meta: SnapshotMeta; body: T } | { ok: false; reason: string };

/** Decodes a snapshot when its format and fingerprint are the expected ones; otherwise says why not. */
export function decodeSnapshot<T>(bytes: Uint8Array, expectedFingerprint: string): DecodedSnapshot<T> {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) return { ok: false, reason: 'not a snapshot' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = view.getUint32(4, true);
  if (8 + headLength > bytes.length) return { ok: false, reason: 'truncated header' };
  const start = Math.ceil((8 + headLength) / 8) * 8;
  // The typed arrays are copied out, 8-byte aligned, so the result does not keep `bytes` alive.
  let truncated = false;
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLength)), (_k, v: unknown) => {
    const ref = v as { $a?: ArrayKind; offset: number; length: number } | null;
    if (!ref || typeof ref !== 'object' || typeof ref.$a !== 'string' || !(ref.$a in CTORS)) return v;
    const Ctor = CTORS[ref.$a];
    const byteLength = ref.length * Ctor.BYTES_PER_ELEMENT;
    const from = start + ref.offset;
    if (from + byteLength > bytes.length) {
      truncated = true;
      return new Ctor(0);
    }
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(from, from + byteLength));
    return new Ctor(copy.buffer);
  }) as { meta: SnapshotMeta; body: T };
  if (truncated) return { ok: false, reason: 'truncated data' };
  const { meta } = parsed;
  if (meta?.format !== SNAPSHOT_FORMAT)
    return { ok: false, reason: `format ${String(meta?.format)}, this build reads ${SNAPSHOT_FORMAT}` };
  if (meta.fingerprint !== expectedFingerprint)
    return {
      ok: false,
      reason: `made for another model configuration (fingerprint ${meta.fingerprint}, now ${expectedFingerprint})`,
    };
  return { ok: true, meta, body: parsed.body };
}
