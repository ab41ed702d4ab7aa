import { describe, expect, it } from 'vitest';
import {
  applyBehavior,
  decodeProfileState,
  DEFAULT_PROFILE_CONFIG,
  encodeProfileState,
  newProfile,
  noveltyFacet,
  profileFacets,
  replayProfile,
  summarizeProfile,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import type { BehaviorEvent, BehaviorType, EventContext, ItemFeatures } from '../../../src/domain/types.js';

const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;
const config = DEFAULT_PROFILE_CONFIG;

function item(id: string, price: number, brand: string | null = null, category = 'Kitchen'): ItemFeatures {
  return { id, title: id, category, tags: [], brand, price };
}

let seq = 0;
function ev(type: BehaviorType, it: ItemFeatures, t: number): { event: BehaviorEvent; ctx: EventContext } {
  seq++;
  return {
    event: { seq, eventId: `e${seq}`, userId: 'u', itemId: it.id, type, value: null, text: null, occurredAt: t },
    ctx: { item: it, itemVector: null, textVector: null },
  };
}

function fold(events: Array<{ event: BehaviorEvent; ctx: EventContext }>): ProfileState {
  let s = newProfile('u', {}, config);
  for (const { event, ctx } of events) s = applyBehavior(s, event, ctx, config).state;
  return s;
}

const valueOf = (s: ProfileState, v: string) =>
  profileFacets(s, T0, config, 'value').find((f) => f.value === v)?.weight ?? null;

describe('value tendency', () => {
  it('price sensitivity: buying a band below where one browses reads as sensitive; summary says so', () => {
    const dear = item('dear', 120);
    const cheap = item('cheap', 30);
    const s = fold([
      ev('VIEW', dear, T0),
      ev('CLICK', dear, T0 + HOUR),
      ev('PURCHASE', cheap, T0 + 2 * HOUR),
      ev('VIEW', dear, T0 + 3 * HOUR),
      ev('PURCHASE', cheap, T0 + 4 * HOUR),
    ]);
    expect(valueOf(s, 'price_sensitivity')).toBe(1);
    expect(valueOf(s, 'price_level')).toBe(0.25);
    expect(summarizeProfile(s, T0 + 5 * HOUR, config)).toContain('price-sensitive');
    // A buyer who buys where they browse is not.
    const t = fold([ev('VIEW', dear, T0), ev('PURCHASE', dear, T0 + HOUR), ev('PURCHASE', dear, T0 + 2 * HOUR)]);
    expect(valueOf(t, 'price_sensitivity')).toBe(0);
    expect(summarizeProfile(t, T0 + 5 * HOUR, config)).not.toContain('price-sensitive');
  });

  it('needs evidence: one purchase reports no price sensitivity', () => {
    const s = fold([ev('VIEW', item('a', 500), T0), ev('PURCHASE', item('b', 5), T0 + HOUR)]);
    expect(valueOf(s, 'price_sensitivity')).toBeNull();
  });

  it('brand loyalty: share of liking events on a brand liked before', () => {
    const acme = (id: string) => item(id, 20, 'Acme');
    const loyal = fold([
      ev('PURCHASE', acme('a'), T0),
      ev('PURCHASE', acme('b'), T0 + HOUR),
      ev('FAVORITE', acme('c'), T0 + 2 * HOUR),
      ev('VIEW', item('x', 20, 'Other'), T0 + 3 * HOUR),
      ev('PURCHASE', acme('d'), T0 + 4 * HOUR),
    ]);
    // 4 liking events, 3 repeats; the view does not count. Decay is uniform, so the share is time-invariant.
    expect(valueOf(loyal, 'brand_loyalty')).toBeCloseTo(3 / 4, 2);
    expect(summarizeProfile(loyal, T0 + 5 * HOUR, config)).toContain('loyal to Acme');
    const hopper = fold(['A', 'B', 'C', 'D'].map((b, i) => ev('PURCHASE', item(`i${i}`, 20, b), T0 + i * HOUR)));
    expect(valueOf(hopper, 'brand_loyalty')).toBe(0);
    expect(summarizeProfile(hopper, T0 + 5 * HOUR, config)).toContain('tries many brands');
  });

  it('is replay-exact: incremental equals rebuild, bit for bit', () => {
    const evs = [
      ev('PURCHASE', item('a', 20, 'Acme'), T0),
      ev('VIEW', item('b', 300, 'Zed'), T0 + 30 * HOUR),
      ev('PURCHASE', item('c', 8, 'Acme'), T0 + 100 * HOUR),
      ev('FAVORITE', item('d', 60, 'Zed'), T0 + 400 * HOUR),
    ];
    const inc = fold(evs);
    const rebuilt = replayProfile('u', {}, evs.slice().reverse(), config);
    expect(Buffer.from(encodeProfileState(rebuilt))).toEqual(Buffer.from(encodeProfileState(inc)));
  });

  it('states stored before value and social existed still decode, with empty defaults', () => {
    const s = fold([ev('PURCHASE', item('a', 20, 'Acme'), T0)]);
    const old = { ...s } as Partial<ProfileState>;
    delete old.value;
    delete old.social;
    const decoded = decodeProfileState(encodeProfileState(old as ProfileState));
    expect(decoded.value).toEqual({ positive: 0, repeat: 0, count: 0, brands: {} });
    expect(decoded.social.following).toEqual([]);
    // The fields come last, as in new states: re-encoding a fresh state lays them out the same way.
    expect(Object.keys(decoded).slice(-2)).toEqual(['value', 'social']);
  });

  it('novelty: niche items read high, the most popular reads 0, too little evidence reads nothing', () => {
    const counts: Record<string, number> = { hit: 1000, mid: 30, niche: 0 };
    const of = (id: string) => counts[id] ?? 0;
    expect(noveltyFacet(['hit', 'hit', 'hit'], of, 1000)!.weight).toBe(0);
    expect(noveltyFacet(['niche', 'niche', 'niche'], of, 1000)!.weight).toBe(1);
    const mixed = noveltyFacet(['hit', 'mid', 'niche'], of, 1000)!.weight;
    expect(mixed).toBeGreaterThan(0.3);
    expect(mixed).toBeLessThan(0.7);
    expect(noveltyFacet(['niche'], of, 1000)).toBeNull();
  });
});
