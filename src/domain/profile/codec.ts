// Lossless, compact binary encoding of ProfileState.
//
// Layout (little-endian):
//   "TGPS" magic (4 bytes) | format byte (= 2) | reserved byte | varint tree length | tree | vector blocks
//
// The tree is the state without its vectors, in a small tagged binary form (like MessagePack, with a string table):
//   0x00 null | 0x01 false | 0x02 true | 0x04 varint: non-negative safe integer | 0x05 varint: negative integer (-n)
//   0x06 float64 (8 bytes; also NaN, ±Infinity, -0) | 0x08 varint: a string already seen (table index)
//   0x09 varint length + UTF-8: a new string (appended to the table) | 0x0a varint n + n values: array
//   0x0b varint n + n (key string, value): object | 0x0c varint: index of a vector block | 0x0d undefined
// Vector blocks, in order of first appearance in the tree: u8 kind | u32 dim | payload
//   kind 0: dense float32 (4 bytes/dim)      kind 1: dense float16 (used only when every value is exactly representable)
//   kind 2: sparse float32 (u32 nnz, u16|u32 indices, f32 values)   kind 3: sparse float16
// The encoder picks the smallest exact kind, so decode(encode(s)) is bit-exact (Float32Array bits, -0 included).
import { f16BitsOfVector, f16BitsToNumber } from './half.js';
import { withStateDefaults, type ProfileState } from './state.js';

const MAGIC = [0x54, 0x47, 0x50, 0x53]; // "TGPS"
export const PROFILE_CODEC_FORMAT = 2;

const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
const T_UINT = 0x04;
const T_NINT = 0x05;
const T_F64 = 0x06;
const T_STR_REF = 0x08;
const T_STR_NEW = 0x09;
const T_ARRAY = 0x0a;
const T_OBJECT = 0x0b;
const T_VECTOR = 0x0c;
const T_UNDEF = 0x0d;

class Writer {
  buf: Uint8Array;
  view: DataView;
  len = 0;
  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(x: number): void {
    this.ensure(1);
    this.buf[this.len++] = x;
  }
  u16(x: number): void {
    this.ensure(2);
    this.view.setUint16(this.len, x, true);
    this.len += 2;
  }
  u32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, x, true);
    this.len += 4;
  }
  f32(x: number): void {
    this.ensure(4);
    this.view.setFloat32(this.len, x, true);
    this.len += 4;
  }
  f64(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.len, x, true);
    this.len += 8;
  }
  /** Unsigned varint for safe integers (7 bits per byte). */
  varint(x: number): void {
    let v = x;
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.u8(v);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A string's UTF-8 bytes, prefixed by their length as a varint (ASCII without a TextEncoder call). */
  utf8(s: string, enc: { encode(s: string): Uint8Array }): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      const b = enc.encode(s);
      this.varint(b.length);
      this.bytes(b);
      return;
    }
    this.varint(s.length);
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }
  /** Resets for reuse (the encoder's scratch writers: encoding is synchronous). */
  reset(): this {
    this.len = 0;
    return this;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    readonly view: DataView,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  need(n: number): void {
    if (this.pos + n > this.end) throw new Error('profile codec: truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const x = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  f32(): number {
    this.need(4);
    const x = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return x;
  }
  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 0x80;
    }
    throw new Error('profile codec: bad varint');
  }
}

/** Scratch for one vector's float16 bits (grown on demand; encoding is synchronous). */
let halfBits = new Uint16Array(1024);

/** Whether x is +0 (the one value a sparse block leaves out; -0 is kept, so bits round-trip). */
const isPlusZero = (x: number) => x === 0 && 1 / x > 0;

function writeVector(w: Writer, v: Float32Array): void {
  const dim = v.length;
  if (halfBits.length < dim) halfBits = new Uint16Array(dim);
  // float16 bits of every value, and whether every value is exactly one (one pass instead of two).
  const f16 = f16BitsOfVector(v, halfBits);
  let nnz = 0;
  for (let i = 0; i < dim; i++) if (!isPlusZero(v[i]!)) nnz++;
  const vb = f16 ? 2 : 4;
  const wide = dim > 65536;
  const sparse = 4 + nnz * ((wide ? 4 : 2) + vb) < dim * vb;
  const kind = (sparse ? 2 : 0) + (f16 ? 1 : 0);
  w.u8(kind);
  w.u32(dim);
  const count = sparse ? nnz : dim;
  if (sparse) w.u32(nnz);
  w.ensure(count * ((sparse ? (wide ? 4 : 2) : 0) + vb));
  const { buf, view } = w;
  let at = w.len;
  if (sparse) {
    for (let i = 0; i < dim; i++) {
      if (isPlusZero(v[i]!)) continue;
      if (wide) {
        view.setUint32(at, i, true);
        at += 4;
      } else {
        buf[at++] = i & 0xff;
        buf[at++] = i >>> 8;
      }
    }
  }
  for (let i = 0; i < dim; i++) {
    if (sparse && isPlusZero(v[i]!)) continue;
    if (f16) {
      const h = halfBits[i]!;
      buf[at++] = h & 0xff;
      buf[at++] = h >>> 8;
    } else {
      view.setFloat32(at, v[i]!, true);
      at += 4;
    }
  }
  w.len = at;
}

function readVector(r: Reader): Float32Array {
  const kind = r.u8();
  const dim = r.u32();
  if (kind > 3) throw new Error(`profile codec: unknown block kind ${kind}`);
  if (dim > 1 << 20) throw new Error(`profile codec: implausible vector dimension ${dim}`);
  const f16 = (kind & 1) === 1;
  const get = f16 ? () => f16BitsToNumber(r.u16()) : () => r.f32();
  r.need(Math.min(dim, kind >= 2 ? 0 : dim) * (f16 ? 2 : 4));
  const v = new Float32Array(dim);
  if (kind === 1) {
    // Dense float16, the common block: read straight from the buffer (bounds checked above).
    const { buf } = r;
    for (let i = 0, at = r.pos; i < dim; i++, at += 2) v[i] = f16BitsToNumber(buf[at]! | (buf[at + 1]! << 8));
    r.pos += dim * 2;
    return v;
  }
  if (kind < 2) {
    for (let i = 0; i < dim; i++) v[i] = get();
    return v;
  }
  const nnz = r.u32();
  if (nnz > dim) throw new Error('profile codec: bad sparse block');
  const wide = dim > 65536;
  const idx = new Array<number>(nnz);
  for (let k = 0; k < nnz; k++) {
    const i = wide ? r.u32() : r.u16();
    if (i >= dim) throw new Error('profile codec: sparse index out of range');
    idx[k] = i;
  }
  for (let k = 0; k < nnz; k++) v[idx[k]!] = get();
  return v;
}

/**
 * The encoded blocks of interest centroids, by array. Centroids are never written in place (states share them, see
 * cloneState), and most of a state's centroids are unchanged from the previous version: each is encoded once.
 */
const centroidBlocks = new WeakMap<Float32Array, Uint8Array>();

function writeCentroid(w: Writer, v: Float32Array): void {
  const block = centroidBlocks.get(v);
  if (block) return w.bytes(block);
  const start = w.len;
  writeVector(w, v);
  centroidBlocks.set(v, w.buf.slice(start, w.len));
}

/** Encodes a state (see the layout above). Deterministic: equal states give equal bytes. */
const treeScratch = new Writer(16 * 1024);
const outScratch = new Writer(16 * 1024);
const utf8Encoder = new TextEncoder();

export function encodeProfileState(state: ProfileState): Uint8Array {
  const tree = treeScratch.reset();
  const strings = new Map<string, number>();
  const vectors: Float32Array[] = [];
  const centroids = new Set<Float32Array>();
  const str = (s: string) => {
    const ref = strings.get(s);
    if (ref !== undefined) {
      tree.u8(T_STR_REF);
      tree.varint(ref);
      return;
    }
    strings.set(s, strings.size);
    tree.u8(T_STR_NEW);
    tree.utf8(s, utf8Encoder);
  };
  const value = (v: unknown): void => {
    if (v === null) tree.u8(T_NULL);
    else if (v === undefined) tree.u8(T_UNDEF);
    else if (v === true) tree.u8(T_TRUE);
    else if (v === false) tree.u8(T_FALSE);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        tree.u8(v >= 0 ? T_UINT : T_NINT);
        tree.varint(Math.abs(v));
      } else {
        tree.u8(T_F64);
        tree.f64(v);
      }
    } else if (typeof v === 'string') str(v);
    else if (v instanceof Float32Array) {
      tree.u8(T_VECTOR);
      tree.varint(vectors.length);
      vectors.push(v);
    } else if (Array.isArray(v)) {
      tree.u8(T_ARRAY);
      tree.varint(v.length);
      for (const x of v) value(x);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      tree.u8(T_OBJECT);
      tree.varint(keys.length);
      for (const k of keys) {
        str(k);
        const x = (v as Record<string, unknown>)[k];
        if (k === 'centroid' && x instanceof Float32Array) centroids.add(x);
        value(x);
      }
    } else {
      throw new TypeError(`profile codec: cannot encode a ${typeof v}`);
    }
  };
  value(state);
  const out = outScratch.reset();
  for (const b of MAGIC) out.u8(b);
  out.u8(PROFILE_CODEC_FORMAT);
  out.u8(0);
  out.varint(tree.len);
  out.bytes(tree.buf.subarray(0, tree.len));
  for (const v of vectors) (centroids.has(v) ? writeCentroid : writeVector)(out, v);
  return out.result();
}

/** The string of n bytes at `at` when all are ASCII (no TextDecoder call); null otherwise. */
function asciiAt(bytes: Uint8Array, at: number, n: number): string | null {
  if (n > 256) return null;
  let s = '';
  for (let i = at; i < at + n; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return null;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Decodes bytes produced by encodeProfileState. Throws on a foreign, unsupported or corrupt buffer. */
export function decodeProfileState(bytes: Uint8Array): ProfileState {
  if (bytes.length < 7 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('profile codec: not a profile state');
  if (bytes[4] !== PROFILE_CODEC_FORMAT) throw new Error(`profile codec: unsupported format ${bytes[4]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = new Reader(bytes, view, 6, bytes.length);
  const treeLen = head.varint();
  const treeStart = head.pos;
  head.need(treeLen);
  // vectors first (they follow the tree), so the tree can reference them
  const vr = new Reader(bytes, view, treeStart + treeLen, bytes.length);
  const vectors: Float32Array[] = [];
  while (vr.pos < vr.end) vectors.push(readVector(vr));
  const r = new Reader(bytes, view, treeStart, treeStart + treeLen);
  const strings: string[] = [];
  const dec = new TextDecoder('utf-8', { fatal: true });
  const readStr = (tag: number): string => {
    if (tag === T_STR_REF) {
      const s = strings[r.varint()];
      if (s === undefined) throw new Error('profile codec: bad string reference');
      return s;
    }
    if (tag !== T_STR_NEW) throw new Error(`profile codec: expected a string, got tag ${tag}`);
    const n = r.varint();
    r.need(n);
    const s = asciiAt(bytes, r.pos, n) ?? dec.decode(bytes.subarray(r.pos, r.pos + n));
    r.pos += n;
    strings.push(s);
    return s;
  };
  const value = (depth: number): unknown => {
    if (depth > 64) throw new Error('profile codec: nesting too deep');
    const tag = r.u8();
    switch (tag) {
      case T_NULL:
        return null;
      case T_UNDEF:
        return undefined;
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_UINT:
        return r.varint();
      case T_NINT:
        return -r.varint();
      case T_F64:
        return r.f64();
      case T_STR_REF:
      case T_STR_NEW:
        return readStr(tag);
      case T_VECTOR: {
        const v = vectors[r.varint()];
        if (!v) throw new Error('profile codec: missing vector block');
        return v;
      }
      case T_ARRAY: {
        const n = r.varint();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(value(depth + 1));
        return out;
      }
      case T_OBJECT: {
        const n = r.varint();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = readStr(r.u8());
          const v = value(depth + 1);
          if (k !== '__proto__') out[k] = v;
          else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      default:
        throw new Error(`profile codec: unknown tag ${tag}`);
    }
  };
  const state = value(0) as ProfileState;
  if (r.pos !== r.end) throw new Error('profile codec: trailing bytes in tree');
  return withStateDefaults(state);
}
