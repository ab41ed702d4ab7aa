// float16 helpers: exact conversions and deterministic, unbiased (stochastic) rounding of float32 vectors to
// float16-representable values. Used so that stored profile vectors fit in 2 bytes per dimension losslessly.

import type { ProfileConfig } from './config.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 value -> IEEE 754 binary16 bits, round to nearest even. */
export function f32ToF16Bits(value: number): number {
  f32[0] = value;
  return f32BitsToF16Bits(u32[0]!);
}

/** float32 bits -> binary16 bits, round to nearest even (the bits form lets vector loops skip a scratch write). */
function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/** The float32 bits of a vector, without copying it. */
function bitsOf(v: Float32Array): Uint32Array {
  return new Uint32Array(v.buffer, v.byteOffset, v.length);
}

/**
 * Writes the binary16 bits of every element of v into out; returns whether every element is exactly one (sign
 * of zero and NaN included). Profile vectors are quantized already, so the common case is one mask test each.
 */
export function f16BitsOfVector(v: Float32Array, out: Uint16Array): boolean {
  const bits = bitsOf(v);
  let exact = true;
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i]!;
    const exp = (x >>> 23) & 0xff;
    // A normal binary16 value (float32 exponents 113..142) with the 13 low mantissa bits clear: exact.
    if (exp >= 113 && exp <= 142 && (x & 0x1fff) === 0) {
      out[i] = ((x >>> 16) & 0x8000) | ((exp - 112) << 10) | ((x >>> 13) & 0x3ff);
      continue;
    }
    const h = f32BitsToF16Bits(x);
    out[i] = h;
    if (exact && !Object.is(HALF_TABLE[h], v[i])) exact = false;
  }
  return exact;
}

function decodeHalf(h: number): number {
  const s = (h & 0x8000) !== 0 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m !== 0 ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const HALF_TABLE = new Float64Array(0x10000);
for (let h = 0; h < 0x10000; h++) HALF_TABLE[h] = decodeHalf(h);

/** binary16 bits -> number (exact). */
export function f16BitsToNumber(h: number): number {
  return HALF_TABLE[h & 0xffff]!;
}

/** True when every element of v is exactly representable in float16 (sign of zero included). */
export function isF16Exact(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Object.is(f16BitsToNumber(f32ToF16Bits(x)), x)) return false;
  }
  return true;
}

/** 32-bit mix of a seed and an index -> uniform number in [0, 1). */
function hash01(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A 32-bit seed from an event's key (any safe integer, e.g. a hash of its identity) and a salt naming the vector. */
export function seedOf(key: number, salt: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) >>> 0;
  let h =
    Math.imul(lo ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(hi + 0x3c6ef372, 0x27d4eb2f) ^ Math.imul(salt + 1, 0x9e3779b1);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * Rounds every element (in place) to one of its two float16 neighbours, choosing the upper one with probability
 * proportional to the distance, using a deterministic hash of (seed, index) instead of randomness: unbiased on
 * average (small updates are not systematically lost) and exactly reproducible on replay.
 */
export function ditherToF16(v: Float32Array, seed: number): Float32Array {
  const bits = bitsOf(v);
  for (let i = 0; i < v.length; i++) {
    const xb = bits[i]!;
    const exp = (xb >>> 23) & 0xff;
    // The common case inline: a normal float16 magnitude whose successor is finite (float32 exponents 113..141).
    // Dropping the 13 low mantissa bits gives the neighbour toward zero, the next binary16 code the one away from it.
    if (exp >= 113 && exp <= 141) {
      if ((xb & 0x1fff) === 0) continue;
      const toZero = ((xb >>> 16) & 0x8000) | ((exp - 112) << 10) | ((xb >>> 13) & 0x3ff);
      const lo = HALF_TABLE[toZero]!;
      const hi = HALF_TABLE[toZero + 1]!;
      const p = (Math.abs(v[i]!) - Math.abs(lo)) / (Math.abs(hi) - Math.abs(lo));
      v[i] = hash01(seed, i) < p ? hi : lo;
      continue;
    }
    const x = v[i]!;
    const h = f32BitsToF16Bits(xb);
    const a = HALF_TABLE[h]!;
    if (a === x || Number.isNaN(x)) continue;
    const b = Math.abs(a) < Math.abs(x) ? HALF_TABLE[(h + 1) & 0xffff]! : HALF_TABLE[(h - 1) & 0xffff]!;
    const lo = Math.abs(a) < Math.abs(b) ? a : b;
    const hi = lo === a ? b : a;
    if (!Number.isFinite(hi)) {
      v[i] = lo;
      continue;
    }
    const p = (Math.abs(x) - Math.abs(lo)) / (Math.abs(hi) - Math.abs(lo));
    v[i] = hash01(seed, i) < p ? hi : lo;
  }
  return v;
}

/** Rounds every element (in place) to the nearest float16 value. */
export function roundToF16(v: Float32Array): Float32Array {
  for (let i = 0; i < v.length; i++) v[i] = f16BitsToNumber(f32ToF16Bits(v[i]!));
  return v;
}

/** Rounds a vector to the configured storage precision (float16 with seeded dithering), in place. */
export function quantize(v: Float32Array, config: ProfileConfig, eventSeed: number, salt: number): Float32Array {
  if (config.vectorPrecision === 'f16') ditherToF16(v, seedOf(eventSeed, salt));
  return v;
}
