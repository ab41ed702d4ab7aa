// The profile state codec (lossless, compact), float16 helpers and config validation.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILE_CONFIG,
  applyBehavior,
  decodeProfileState,
  encodeProfileState,
  newProfile,
  validateProfileConfig,
  type ProfileConfig,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import {
  ditherToF16,
  f16BitsOfVector,
  f16BitsToNumber,
  f32ToF16Bits,
  isF16Exact,
} from '../../../src/domain/profile/half.js';
import { DAY, EventFactory, T0, topicAxis, type Ev } from '../fixtures/profileFixtures.js';

function bits(v: Float32Array): number[] {
  return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
}

function build(dim: number, config: ProfileConfig, n = 200): ProfileState {
  const f = new EventFactory('codec-user', dim);
  const topics = ['scifi', 'documentary', 'cookware', 'horror', 'thriller'];
  let s = newProfile(
    'codec-user',
    {
      attributes: { locale: 'en-GB', age: 31, vip: true, tags: ['a', 'b'] },
      onboardingVector: topicAxis('scifi', dim),
      at: T0,
    },
    config,
  );
  for (let i = 0; i < n; i++) {
    const type = (['VIEW', 'CLICK', 'PURCHASE', 'RATE', 'REVIEW', 'SKIP', 'FAVORITE'] as const)[i % 7]!;
    const ev: Ev = f.on(topics[i % 5]!, i % 40, type, T0 + i * (DAY / 5), {
      value: type === 'RATE' ? 1 + (i % 5) : null,
    });
    s = applyBehavior(s, ev.event, ev.ctx, config).state;
  }
  return s;
}

function expectSame(a: ProfileState, b: ProfileState): void {
  expect(b).toEqual(a);
  for (const [x, y] of [
    [a.long!.vec, b.long!.vec],
    [a.short!.vec, b.short!.vec],
    [a.onboarding!, b.onboarding!],
    ...a.interests.map((c, i) => [c.centroid, b.interests[i]!.centroid]),
  ] as Array<[Float32Array, Float32Array]>) {
    expect(y).toBeInstanceOf(Float32Array);
    expect(bits(y)).toEqual(bits(x));
  }
}

describe('profile codec', () => {
  it('encodes centroids shared with earlier states (encoded before) as it encodes fresh copies', () => {
    const f = new EventFactory('codec-chain', 64);
    let s = newProfile('codec-chain', {}, DEFAULT_PROFILE_CONFIG);
    const topics = ['scifi', 'documentary', 'cookware', 'horror'];
    for (let i = 0; i < 60; i++) {
      const ev = f.on(topics[i % 4]!, i % 10, 'PURCHASE', T0 + i * DAY);
      s = applyBehavior(s, ev.event, ev.ctx, DEFAULT_PROFILE_CONFIG).state;
      const bytes = encodeProfileState(s);
      // structuredClone: new arrays, never encoded before.
      expect(Buffer.from(encodeProfileState(structuredClone(s))).equals(Buffer.from(bytes))).toBe(true);
      expect(decodeProfileState(bytes)).toEqual(s);
    }
    expect(s.interests.length).toBeGreaterThan(1);
  });

  it('round-trips a dim-512 state with 5 interests losslessly in a few KB', () => {
    const s = build(512, DEFAULT_PROFILE_CONFIG);
    expect(s.interests).toHaveLength(5);
    const bytes = encodeProfileState(s);
    expectSame(s, decodeProfileState(bytes));
    // 8 vectors x 512 dims x 2 bytes (float16-exact blocks) + ~3 KB of scalars (binary tree with a string table)
    expect(bytes.length).toBeLessThan(12 * 1024);
    // re-encoding is byte-identical
    expect(Buffer.from(encodeProfileState(decodeProfileState(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is lossless for full float32 vectors too (vectorPrecision f32), and small for dim 128', () => {
    const cfg = validateProfileConfig({ vectorPrecision: 'f32' });
    const s = build(128, cfg);
    const bytes = encodeProfileState(s);
    expectSame(s, decodeProfileState(bytes));
    expect(bytes.length).toBeLessThan(8 * 1024);
    const small = encodeProfileState(build(128, DEFAULT_PROFILE_CONFIG));
    expect(small.length).toBeLessThan(6 * 1024);
  });

  it('stores sparse vectors sparsely and keeps -0, NaN and Infinity in the scalar part', () => {
    const s = newProfile('sparse', { attributes: { weird: -0, nan: NaN, inf: -Infinity, nested: { x: [1, -0] } } });
    const v = new Float32Array(768);
    v[3] = 0.5;
    v[700] = -0.25;
    v[701] = -0;
    v[10] = 1e-30; // not float16-exact -> float32 block
    s.onboarding = v;
    const bytes = encodeProfileState(s);
    expect(bytes.length).toBeLessThan(1000);
    const d = decodeProfileState(bytes);
    expect(bits(d.onboarding!)).toEqual(bits(v));
    expect(Object.is(d.attributes.weird, -0)).toBe(true);
    expect(d.attributes.nan).toBeNaN();
    expect(d.attributes.inf).toBe(-Infinity);
    expect(Object.is((d.attributes.nested as { x: number[] }).x[1], -0)).toBe(true);
    expect(d).toEqual(s);
  });

  it('rejects foreign or truncated buffers', () => {
    const bytes = encodeProfileState(build(64, DEFAULT_PROFILE_CONFIG, 20));
    expect(() => decodeProfileState(new Uint8Array([1, 2, 3]))).toThrow(/not a profile state/);
    expect(() => decodeProfileState(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
    const wrong = bytes.slice();
    wrong[4] = 99;
    expect(() => decodeProfileState(wrong)).toThrow(/unsupported format/);
  });

  it('decodes from a Uint8Array view with an offset (e.g. a pooled Buffer)', () => {
    const bytes = encodeProfileState(build(64, DEFAULT_PROFILE_CONFIG, 20));
    const pool = new Uint8Array(bytes.length + 13);
    pool.set(bytes, 13);
    expect(decodeProfileState(pool.subarray(13))).toEqual(decodeProfileState(bytes));
  });
});

describe('float16 helpers', () => {
  it('convert every finite float16 value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = f16BitsToNumber(h);
      if (Number.isNaN(x)) continue;
      expect(f32ToF16Bits(x)).toBe(h);
    }
    expect(f32ToF16Bits(1e9)).toBe(0x7c00);
    expect(f16BitsToNumber(f32ToF16Bits(Math.fround(0.1)))).toBeCloseTo(0.1, 3);
  });

  it('f16BitsOfVector gives the scalar conversion and exactness for every kind of value', () => {
    const special = [0, -0, NaN, Infinity, -Infinity, 1e-8, -1e-8, 6e-5, 65504, 65520, 1e9, Math.fround(0.1), 2 ** -24];
    const random = Array.from({ length: 4000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 5));
    const exact = Array.from({ length: 2000 }, (_, i) => f16BitsToNumber((i * 37) & 0x7bff));
    for (const values of [special, random, exact, exact.map((x) => -x)]) {
      const v = Float32Array.from(values);
      const out = new Uint16Array(v.length);
      const allExact = f16BitsOfVector(v, out);
      expect([...out]).toEqual([...v].map((x) => f32ToF16Bits(x)));
      expect(allExact).toBe([...v].every((x) => Object.is(f16BitsToNumber(f32ToF16Bits(x)), x)));
    }
    expect(f16BitsOfVector(Float32Array.from(exact), new Uint16Array(exact.length))).toBe(true);
  });

  it('dithered rounding picks, for every value, one of its two float16 neighbours (edge cases included)', () => {
    // The neighbours found from the rounded-to-nearest code (the general path), against ditherToF16's fast path.
    const neighbours = (x: number): [number, number] => {
      const h = f32ToF16Bits(x);
      const a = f16BitsToNumber(h);
      const b = f16BitsToNumber(Math.abs(a) < Math.abs(x) ? h + 1 : h - 1);
      return Math.abs(a) < Math.abs(b) ? [a, b] : [b, a];
    };
    const special = [0, -0, NaN, Infinity, -Infinity, 65504, 65519, 65520, 1e5, 6e-8, 3e-8, -1e-9, 6.1e-5, 6.104e-5];
    const values = [
      ...special,
      ...Array.from({ length: 4000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 13) - 7)),
    ];
    const v = Float32Array.from(values);
    const out = ditherToF16(v.slice(), 7);
    v.forEach((x, i) => {
      if (Object.is(f16BitsToNumber(f32ToF16Bits(x)), x) || Number.isNaN(x)) return expect(out[i]).toBe(x);
      const [lo, hi] = neighbours(x);
      expect(Number.isFinite(hi) ? [lo, hi] : [lo]).toContain(out[i]);
    });
    // Both neighbours are used: the choice depends on the seed.
    expect(bits(ditherToF16(v.slice(), 8))).not.toEqual(bits(out));
  });

  it('dithered rounding is deterministic, float16-exact and unbiased on average', () => {
    const x = Math.fround(0.0123456);
    const v = new Float32Array(20_000).fill(x);
    const a = ditherToF16(v.slice(), 42);
    expect(isF16Exact(a)).toBe(true);
    expect(bits(ditherToF16(v.slice(), 42))).toEqual(bits(a));
    expect(bits(ditherToF16(v.slice(), 43))).not.toEqual(bits(a));
    const mean = a.reduce((s, y) => s + y, 0) / a.length;
    const ulp = Math.abs(f16BitsToNumber(f32ToF16Bits(x) + 1) - f16BitsToNumber(f32ToF16Bits(x)));
    expect(Math.abs(mean - x)).toBeLessThan(ulp / 20);
    expect(new Set(a).size).toBe(2);
  });
});

describe('validateProfileConfig', () => {
  it('returns the defaults for no overrides, as a fresh object', () => {
    const c = validateProfileConfig();
    expect(c).toEqual(DEFAULT_PROFILE_CONFIG);
    expect(c).not.toBe(DEFAULT_PROFILE_CONFIG);
    c.weights.VIEW = 9;
    expect(DEFAULT_PROFILE_CONFIG.weights.VIEW).toBe(0.25);
  });

  it('merges nested overrides one level deep', () => {
    const c = validateProfileConfig({
      weights: { PURCHASE: 5 } as never,
      versioning: { strategy: 'event-triggered' },
      longHalfLifeDays: 60,
    });
    expect(c.weights.PURCHASE).toBe(5);
    expect(c.weights.VIEW).toBe(DEFAULT_PROFILE_CONFIG.weights.VIEW);
    expect(c.versioning).toEqual({ ...DEFAULT_PROFILE_CONFIG.versioning, strategy: 'event-triggered' });
    expect(c.longHalfLifeDays).toBe(60);
    expect(c.consumedTypes).toEqual(['CLICK', 'ADD_TO_CART', 'PURCHASE', 'RATE', 'REVIEW', 'FAVORITE', 'SHARE']);
  });

  it('rejects invalid values with a readable message', () => {
    expect(() => validateProfileConfig({ shortHalfLifeDays: 0 })).toThrow(/shortHalfLifeDays/);
    expect(() => validateProfileConfig({ maxInterests: 0 })).toThrow(/maxInterests/);
    expect(() => validateProfileConfig({ weights: { SKIP: 1 } as never })).toThrow(/weights.SKIP/);
    expect(() => validateProfileConfig({ consumedTypes: ['WATCH' as never] })).toThrow(/unknown behaviour type/);
    expect(() => validateProfileConfig({ versioning: { strategy: 'nightly' as never } })).toThrow(
      /versioning.strategy/,
    );
    expect(() => validateProfileConfig({ vectorPrecision: 'f8' as never })).toThrow(/vectorPrecision/);
    expect(() => validateProfileConfig({ spawnSimilarity: 0.9, mergeSimilarity: 0.5 })).toThrow(/mergeSimilarity/);
  });
});
