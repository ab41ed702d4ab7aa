// Lossless, compact binary encoding of ProfileState.
//
// Layout (little-endian):
//   "TGPS" magic (4 bytes) | format byte (1) | reserved (1) | u32 JSON byte length | JSON (UTF-8) | vector blocks
// The JSON holds every scalar field; each Float32Array is replaced by {"\u0000v": index} and stored as a block:
//   u8 kind | u32 dim | payload
//   kind 0: dense float32 (4 bytes/dim)          kind 1: dense float16, only when every value is exactly representable
//   kind 2: sparse float32 (u32 nnz, u16|u32 idx, f32 values)   kind 3: sparse float16 (u32 nnz, idx, f16 values)
// The codec picks the smallest kind that is exact, so decode(encode(s)) is bit-exact. Non-finite numbers and -0
// in the JSON part are escaped ({"\u0000n": "-0"}), so they round-trip too.
import { f16BitsToNumber, f32ToF16Bits, isF16Exact } from './half.js';
import type { ProfileState } from './state.js';

const MAGIC = [0x54, 0x47, 0x50, 0x53]; // "TGPS"
export const PROFILE_CODEC_FORMAT = 1;
const VEC = '\u0000v';
const NUM = '\u0000n';

function nnzOf(v: Float32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (!Object.is(v[i], 0)) n++;
  return n;
}

function blockPlan(v: Float32Array): { kind: number; size: number } {
  const dim = v.length;
  const f16 = isF16Exact(v);
  const vb = f16 ? 2 : 4;
  const nnz = nnzOf(v);
  const ib = dim <= 65536 ? 2 : 4;
  const dense = 5 + dim * vb;
  const sparse = 9 + nnz * (ib + vb);
  if (sparse < dense) return { kind: f16 ? 3 : 2, size: sparse };
  return { kind: f16 ? 1 : 0, size: dense };
}

/** Encodes a state (see the layout above). */
export function encodeProfileState(state: ProfileState): Uint8Array {
  const vectors: Float32Array[] = [];
  const json = JSON.stringify(state, function (this: unknown, _key: string, value: unknown) {
    if (value instanceof Float32Array) {
      vectors.push(value);
      return { [VEC]: vectors.length - 1 };
    }
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
      return { [NUM]: Object.is(value, -0) ? '-0' : String(value) };
    }
    return value;
  });
  const jsonBytes = new TextEncoder().encode(json);
  const plans = vectors.map(blockPlan);
  const total = 10 + jsonBytes.length + plans.reduce((s, p) => s + p.size, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = PROFILE_CODEC_FORMAT;
  out[5] = 0;
  dv.setUint32(6, jsonBytes.length, true);
  out.set(jsonBytes, 10);
  let o = 10 + jsonBytes.length;
  vectors.forEach((v, k) => {
    const { kind } = plans[k]!;
    const dim = v.length;
    dv.setUint8(o, kind);
    dv.setUint32(o + 1, dim, true);
    o += 5;
    const f16 = kind === 1 || kind === 3;
    const put = (x: number) => {
      if (f16) {
        dv.setUint16(o, f32ToF16Bits(x), true);
        o += 2;
      } else {
        dv.setFloat32(o, x, true);
        o += 4;
      }
    };
    if (kind <= 1) {
      for (let i = 0; i < dim; i++) put(v[i]!);
    } else {
      const nnz = nnzOf(v);
      dv.setUint32(o, nnz, true);
      o += 4;
      const wide = dim > 65536;
      for (let i = 0; i < dim; i++) {
        if (Object.is(v[i], 0)) continue;
        if (wide) {
          dv.setUint32(o, i, true);
          o += 4;
        } else {
          dv.setUint16(o, i, true);
          o += 2;
        }
      }
      for (let i = 0; i < dim; i++) if (!Object.is(v[i], 0)) put(v[i]!);
    }
  });
  if (o !== total) throw new Error(`profile codec: size mismatch (${o} != ${total})`);
  return out;
}

/** Decodes bytes produced by encodeProfileState. Throws on a foreign or corrupt buffer. */
export function decodeProfileState(bytes: Uint8Array): ProfileState {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('profile codec: not a profile state');
  if (bytes[4] !== PROFILE_CODEC_FORMAT) throw new Error(`profile codec: unsupported format ${bytes[4]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = dv.getUint32(6, true);
  if (10 + jsonLen > bytes.length) throw new Error('profile codec: truncated');
  const json = new TextDecoder().decode(bytes.subarray(10, 10 + jsonLen));
  let o = 10 + jsonLen;
  const vectors: Float32Array[] = [];
  const need = (n: number) => {
    if (o + n > bytes.length) throw new Error('profile codec: truncated vector block');
  };
  while (o < bytes.length) {
    need(5);
    const kind = dv.getUint8(o);
    const dim = dv.getUint32(o + 1, true);
    o += 5;
    if (kind > 3) throw new Error(`profile codec: unknown block kind ${kind}`);
    const f16 = kind === 1 || kind === 3;
    const vb = f16 ? 2 : 4;
    const get = () => {
      const x = f16 ? f16BitsToNumber(dv.getUint16(o, true)) : dv.getFloat32(o, true);
      o += vb;
      return x;
    };
    const v = new Float32Array(dim);
    if (kind <= 1) {
      need(dim * vb);
      for (let i = 0; i < dim; i++) v[i] = get();
    } else {
      need(4);
      const nnz = dv.getUint32(o, true);
      o += 4;
      const ib = dim > 65536 ? 4 : 2;
      need(nnz * (ib + vb));
      const idx: number[] = new Array<number>(nnz);
      for (let k = 0; k < nnz; k++) {
        idx[k] = ib === 2 ? dv.getUint16(o, true) : dv.getUint32(o, true);
        o += ib;
      }
      for (let k = 0; k < nnz; k++) {
        const i = idx[k]!;
        if (i >= dim) throw new Error('profile codec: sparse index out of range');
        v[i] = get();
      }
    }
    vectors.push(v);
  }
  return JSON.parse(json, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === VEC) {
        const v = vectors[(value as Record<string, number>)[VEC]!];
        if (!v) throw new Error('profile codec: missing vector block');
        return v;
      }
      if (keys.length === 1 && keys[0] === NUM) return Number((value as Record<string, string>)[NUM]);
    }
    return value;
  }) as ProfileState;
}
