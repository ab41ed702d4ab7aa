// Behaviour of the profile engine on deterministic topic fixtures.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILE_CONFIG,
  applyBehavior,
  cosine,
  decayProfileTo,
  profilePull,
  feedbackRate,
  newProfile,
  profileFacets,
  profileInterests,
  profileSignals,
  replayProfile,
  setProfileAttributes,
  summarizeProfile,
  validateProfileConfig,
  type ProfileChange,
  type ProfileConfig,
  type ProfileState,
} from '../../../src/domain/profile/index.js';
import { weightedMean } from '../../../src/domain/vector.js';
import { DAY, EventFactory, T0, itemVector, topicAxis, type Ev } from '../fixtures/profileFixtures.js';

const DIM = 64;
const config = validateProfileConfig({});

function run(
  events: Ev[],
  cfg: ProfileConfig = config,
  start?: ProfileState,
): { state: ProfileState; changes: ProfileChange[]; states: ProfileState[] } {
  let state = start ?? newProfile('u1', {}, cfg);
  const changes: ProfileChange[] = [];
  const states: ProfileState[] = [];
  for (const { event, ctx } of events) {
    const r = applyBehavior(state, event, ctx, cfg);
    state = r.state;
    changes.push(r.change);
    states.push(state);
  }
  return { state, changes, states };
}

function share(state: ProfileState, now: number, kind: string, value: string): number {
  return profileFacets(state, now, config, kind).find((f) => f.value === value)?.weight ?? 0;
}

describe('interest shift: 30 sci-fi events, then 10 documentary events', () => {
  const f = new EventFactory('u1', DIM);
  const scifi: Ev[] = [];
  for (let i = 0; i < 30; i++)
    scifi.push(
      f.on('scifi', i % 12, (['VIEW', 'CLICK', 'VIEW', 'PURCHASE', 'FAVORITE'] as const)[i % 5]!, T0 + i * DAY),
    );
  const docs: Ev[] = [];
  for (let i = 0; i < 10; i++)
    docs.push(f.on('documentary', i, i % 2 === 0 ? 'CLICK' : 'VIEW', T0 + 30 * DAY + i * (DAY / 3)));
  const { state, changes, states } = run([...scifi, ...docs]);
  const now = T0 + 34 * DAY;
  const docCentroid = weightedMean(
    docs.map((e) => e.ctx.itemVector!),
    docs.map(() => 1),
  )!;
  const scifiCentroid = weightedMean(
    scifi.map((e) => e.ctx.itemVector!),
    scifi.map(() => 1),
  )!;

  it('the short-term vector is closer to the documentary centroid than the long-term one', () => {
    const sig = profileSignals(state, now, config);
    const shortDoc = cosine(sig.shortTerm!, docCentroid);
    const longDoc = cosine(sig.longTerm!, docCentroid);
    expect(shortDoc).toBeGreaterThan(longDoc + 0.2);
    // and the long-term vector still remembers sci-fi
    expect(cosine(sig.longTerm!, scifiCentroid)).toBeGreaterThan(cosine(sig.shortTerm!, scifiCentroid));
  });

  it('the documentary category facet weight rises version by version', () => {
    const shares = states.slice(30).map((s, i) => share(s, docs[i]!.event.occurredAt, 'category', 'Documentary'));
    for (let i = 1; i < shares.length; i++) expect(shares[i]!).toBeGreaterThan(shares[i - 1]!);
    expect(share(states[29]!, docs[0]!.event.occurredAt, 'category', 'Documentary')).toBe(0);
    expect(shares[9]!).toBeGreaterThan(0.15);
  });

  it('drift is in [0, 2] and the first documentary event reports the category change', () => {
    expect(changes[0]!.drift).toBeNull();
    for (const c of changes.slice(1)) {
      expect(c.drift).not.toBeNull();
      expect(c.drift!).toBeGreaterThanOrEqual(0);
      expect(c.drift!).toBeLessThanOrEqual(2);
      if (c.driftShort !== null) expect(c.driftShort).toBeLessThanOrEqual(2);
    }
    const first = changes[30]!;
    expect(first.changedFacets.length).toBeGreaterThan(0);
    expect(first.changedFacets).toContainEqual(expect.objectContaining({ kind: 'category', value: 'Documentary' }));
    const doc = first.changedFacets.find((c) => c.kind === 'category' && c.value === 'Documentary')!;
    const sci = first.changedFacets.find((c) => c.kind === 'category' && c.value === 'Sci-Fi')!;
    expect(doc.delta).toBeGreaterThan(0);
    expect(sci.delta).toBeCloseTo(-doc.delta, 12);
    // the short-term vector turns faster than the long-term one
    expect(first.driftShort!).toBeGreaterThan(first.drift!);
  });

  it('the summary says where the user is drifting', () => {
    expect(summarizeProfile(state, now, config)).toBe(
      'Mostly Sci-Fi, lately drifting to Documentary; loyal to Orbit Films; active almost daily.',
    );
  });
});

describe('several interests', () => {
  const f = new EventFactory('u2', DIM);
  const mixed: Ev[] = [];
  for (let i = 0; i < 40; i++) {
    const topic = i % 2 === 0 ? 'cookware' : 'horror';
    mixed.push(f.on(topic, i % 7, i % 4 < 2 ? 'PURCHASE' : 'CLICK', T0 + i * (DAY / 2)));
  }
  const { state } = run(mixed);
  const now = T0 + 21 * DAY;

  it('cookware and horror stay two interests, each matched by its cluster better than by the single long-term vector', () => {
    const interests = profileInterests(state, now, config);
    expect(interests).toHaveLength(2);
    const cook = interests.find((i) => i.label.includes('Cookware'))!;
    const horror = interests.find((i) => i.label.includes('Horror'))!;
    expect(cook).toBeDefined();
    expect(horror).toBeDefined();
    expect(cook.weight + horror.weight).toBeCloseTo(1, 12);
    expect(cook.weight).toBeGreaterThan(0.3);
    expect(horror.weight).toBeGreaterThan(0.3);
    const long = profileSignals(state, now, config).longTerm!;
    const cookAxis = topicAxis('cookware', DIM);
    const horrorAxis = topicAxis('horror', DIM);
    expect(cosine(cook.vector, cookAxis)).toBeGreaterThan(0.85);
    expect(cosine(horror.vector, horrorAxis)).toBeGreaterThan(0.85);
    expect(cosine(long, cookAxis)).toBeLessThan(0.8);
    expect(cosine(long, horrorAxis)).toBeLessThan(0.8);
    expect(cosine(cook.vector, horror.vector)).toBeLessThan(0.3);
    expect(cook.topItemIds.every((id) => id.startsWith('cookware-'))).toBe(true);
    expect(horror.topItemIds.length).toBeGreaterThan(0);
    expect(horror.topItemIds.length).toBeLessThanOrEqual(config.maxClusterItems);
  });

  it('labels are readable from facets, and a vocabulary picks the nearest label (zero-shot)', () => {
    const plain = profileInterests(state, now, config)
      .map((i) => i.label)
      .sort();
    expect(plain).toEqual(['Cookware', 'Horror']);
    const vocabulary = [
      { label: 'Space opera / sci-fi adventure', vector: topicAxis('scifi', DIM) },
      { label: 'Kitchen & cooking', vector: topicAxis('cookware', DIM) },
      { label: 'Horror & slasher films', vector: topicAxis('horror', DIM) },
      { label: 'Nature documentaries', vector: topicAxis('documentary', DIM) },
    ];
    const labelled = profileInterests(state, now, config, vocabulary)
      .map((i) => i.label)
      .sort();
    expect(labelled).toEqual(['Horror & slasher films', 'Kitchen & cooking']);
    for (const l of [...plain, ...labelled]) expect(l).not.toMatch(/cluster/i);
  });

  it('never keeps more than maxInterests interests', () => {
    const g = new EventFactory('u3', DIM);
    const evs: Ev[] = [];
    const topics = ['scifi', 'documentary', 'cookware', 'horror', 'thriller'];
    for (let i = 0; i < 50; i++) evs.push(g.on(topics[i % 5]!, i % 3, 'CLICK', T0 + i * 3_600_000));
    const two = validateProfileConfig({ maxInterests: 3 });
    const s = run(evs, two).state;
    expect(s.interests.length).toBeLessThanOrEqual(3);
    expect(run(evs).state.interests).toHaveLength(5);
  });

  it('a faded interest is forgotten: by consolidation far in the future (the strongest one is kept)', () => {
    const later = T0 + 400 * DAY;
    const before = profileInterests(state, now, config);
    const { state: consolidated, change } = decayProfileTo(state, later, config);
    expect(consolidated.interests).toHaveLength(1);
    const kept = profileInterests(consolidated, later, config);
    expect(kept.map((i) => i.label)).toEqual([before[0]!.label]);
    expect(kept[0]!.weight).toBe(1);
    // views at that time agree with consolidation
    expect(profileInterests(state, later, config).map((i) => i.label)).toEqual([before[0]!.label]);
    expect(change.versioned).toBe(true);
    expect(change.changedFacets).toEqual([{ kind: 'interest', value: before[1]!.label, delta: expect.any(Number) }]);
    expect(change.changedFacets[0]!.delta).toBeLessThan(0);
    expect(change.drift).toBe(0);
    expect(consolidated.consolidatedAt).toBe(later);
    // inactivity alone does not erase what the user liked: facet shares and the long-term direction stay
    expect(profileFacets(consolidated, later, config, 'category')).toEqual(
      profileFacets(state, now, config, 'category'),
    );
    const sig = profileSignals(consolidated, later, config);
    expect(sig.longTerm).not.toBeNull();
    expect(sig.shortTerm).toBeNull();
    expect(profileSignals(state, now, config).shortTerm).not.toBeNull();
    // nothing to forget right after the last event
    const { change: none } = decayProfileTo(state, mixed.at(-1)!.event.occurredAt, config);
    expect(none.versioned).toBe(false);
    expect(none.changedFacets).toEqual([]);
    // the input is not mutated
    expect(state.interests).toHaveLength(2);
    expect(state.consolidatedAt).toBeNull();
  });

  it('a faded interest is forgotten: by months of the other interest only', () => {
    const g = new EventFactory('u2', DIM);
    g.seq = 1000;
    const more: Ev[] = [];
    for (let i = 0; i < 80; i++) more.push(g.on('horror', i % 9, 'CLICK', T0 + 21 * DAY + i * 5 * DAY));
    const s = run(more, config, state).state;
    const end = more.at(-1)!.event.occurredAt;
    const labels = profileInterests(s, end, config).map((i) => i.label);
    expect(labels).toEqual(['Horror']);
    expect(share(s, end, 'category', 'Cookware')).toBe(0);
  });
});

describe('event weights', () => {
  it('orders the default per-type weights and pushes away with SKIP and DISLIKE', () => {
    const w = DEFAULT_PROFILE_CONFIG.weights;
    expect(w.PURCHASE).toBeGreaterThan(w.ADD_TO_CART);
    expect(w.ADD_TO_CART).toBeGreaterThan(w.FAVORITE);
    expect(w.FAVORITE).toBeGreaterThan(w.SHARE);
    expect(w.SHARE).toBeGreaterThan(w.CLICK);
    expect(w.CLICK).toBeGreaterThan(w.VIEW);
    expect(w.VIEW).toBeGreaterThan(0);
    expect(w.SKIP).toBeLessThan(0);
    expect(w.DISLIKE).toBeLessThan(w.SKIP);
  });

  it('weights RATE by the deviation from the user own running mean rating', () => {
    const f = new EventFactory('u4', DIM);
    const ratings = [5, 5, 4, 5, 4, 5];
    const evs = ratings.map((v, i) => f.on('scifi', i, 'RATE', T0 + i * DAY, { value: v }));
    const { state } = run(evs);
    const mean = state.stats.ratingSum / state.stats.ratingCount;
    expect(mean).toBeCloseTo(28 / 6, 12);
    const four = f.on('scifi', 9, 'RATE', T0 + 7 * DAY, { value: 4 });
    const five = f.on('scifi', 9, 'RATE', T0 + 7 * DAY, { value: 5 });
    // for a generous rater a 4 is below their mean: it pushes; a 5 pulls
    expect(profilePull(state, four.event, config)).toBeLessThan(0);
    expect(profilePull(state, five.event, config)).toBeGreaterThan(0);
    // for a fresh user (prior mean = scale midpoint 3) a 4 pulls
    expect(profilePull(newProfile('x'), four.event, config)).toBeGreaterThan(0);
    // a rating without a value is neutral
    expect(profilePull(state, { ...four.event, value: null }, config)).toBe(0);
  });

  it('a REVIEW uses its text vector', () => {
    const f = new EventFactory('u5', DIM);
    // a review of a sci-fi item whose text is about documentaries
    const review = f.on('scifi', 1, 'REVIEW', T0, { textTopic: 'documentary' });
    const s = run([review]).state;
    expect(cosine(s.long!.vec, topicAxis('documentary', DIM))).toBeGreaterThan(0.6);
    expect(cosine(s.long!.vec, topicAxis('scifi', DIM))).toBeLessThan(0.3);
  });
});

describe('consumed, rejected, recent, stats', () => {
  const f = new EventFactory('u6', DIM);
  const evs = [
    f.on('scifi', 1, 'VIEW', T0),
    f.on('scifi', 2, 'CLICK', T0 + 1000),
    f.on('scifi', 3, 'SKIP', T0 + 2000),
    f.on('horror', 1, 'DISLIKE', T0 + DAY),
    f.on('scifi', 3, 'PURCHASE', T0 + 2 * DAY),
    f.on('scifi', 2, 'CLICK', T0 + 3 * DAY),
  ];
  const { state } = run(evs);
  it('tracks consumed (configured types only), rejected (until bought) and recent (newest first)', () => {
    expect(state.consumed).toEqual(['scifi-2', 'scifi-3']);
    expect(state.rejected).toEqual(['horror-1']);
    expect(state.recent.map((r) => r.itemId)).toEqual([
      'scifi-2',
      'scifi-3',
      'horror-1',
      'scifi-3',
      'scifi-2',
      'scifi-1',
    ]);
    expect(state.recent[3]!.weight).toBeLessThan(0);
    const sig = profileSignals(state, T0 + 4 * DAY, config);
    expect(sig.consumed).toEqual(new Set(['scifi-2', 'scifi-3']));
    expect(sig.rejected).toEqual(new Set(['horror-1']));
    expect(sig.eventCount).toBe(6);
  });
  it('counts behaviour and active days', () => {
    expect(state.stats.counts).toEqual({ VIEW: 1, CLICK: 2, SKIP: 1, DISLIKE: 1, PURCHASE: 1 });
    expect(state.stats.activeDays).toBe(4);
  });
  it('a negative first event creates no vector; a vector of another dimension is ignored', () => {
    const g = new EventFactory('u7', DIM);
    const s1 = run([g.on('scifi', 1, 'DISLIKE', T0)]).state;
    expect(s1.long).toBeNull();
    expect(s1.rejected).toEqual(['scifi-1']);
    const s2 = run([g.on('scifi', 1, 'CLICK', T0 + 1)], config, s1).state;
    const other = new EventFactory('u7', 32).on('scifi', 2, 'CLICK', T0 + 2);
    const s3 = applyBehavior(s2, other.event, other.ctx, config).state;
    expect(s3.dimMismatches).toBe(1);
    expect(s3.long!.vec.length).toBe(DIM);
    expect(s3.eventCount).toBe(3);
  });
});

describe('facets', () => {
  const f = new EventFactory('u8', DIM);
  const evs: Ev[] = [];
  for (let i = 0; i < 6; i++) evs.push(f.on('cookware', i, i < 2 ? 'PURCHASE' : 'VIEW', T0 + i * DAY));
  for (let i = 0; i < 4; i++) evs.push(f.on('horror', i, 'RATE', T0 + (6 + i) * DAY, { value: 5 }));
  evs.push(f.on('horror', 9, 'CLICK', T0 + 10 * DAY));
  const seeded = setProfileAttributes(newProfile('u8', { attributes: { locale: 'fr-FR' } }), {
    locale: 'en-GB',
    ageBand: '25-34',
  });
  const { state } = run(evs, config, seeded);
  const now = T0 + 11 * DAY;

  it('normalises shares within each kind and sorts them', () => {
    for (const kind of ['category', 'tag', 'brand', 'behavior']) {
      const fs = profileFacets(state, now, config, kind);
      expect(fs.length).toBeGreaterThan(0);
      expect(fs.every((x) => x.kind === kind)).toBe(true);
      expect(fs.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
      for (let i = 1; i < fs.length; i++) expect(fs[i - 1]!.weight).toBeGreaterThanOrEqual(fs[i]!.weight);
    }
    const price = profileFacets(state, now, config, 'price_band');
    const bought = price.filter((p) => p.value.startsWith('bought:'));
    const browsed = price.filter((p) => p.value.startsWith('browsed:'));
    expect(bought.map((b) => b.value)).toEqual(['bought:50-200']);
    expect(bought.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
    expect(browsed.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 12);
    expect(browsed.map((b) => b.value).sort()).toEqual(['browsed:10-50', 'browsed:50-200', 'browsed:<10']);
  });

  it('reports behaviour, activity, rating and attribute facets', () => {
    const behavior = profileFacets(state, now, config, 'behavior');
    expect(behavior.slice(0, 2)).toEqual([
      { kind: 'behavior', value: 'RATE', weight: 4 / 11 },
      { kind: 'behavior', value: 'VIEW', weight: 4 / 11 },
    ]);
    const activity = Object.fromEntries(profileFacets(state, now, config, 'activity').map((a) => [a.value, a.weight]));
    expect(activity.active_days).toBe(11);
    expect(activity.days_since_last).toBeCloseTo(1, 9);
    expect(activity.events_per_week).toBeCloseTo(11 / (10 / 7), 9);
    const rating = Object.fromEntries(profileFacets(state, now, config, 'rating').map((a) => [a.value, a.weight]));
    expect(rating).toEqual({ mean: 5, count: 4, generosity: 1 });
    expect(profileFacets(state, now, config, 'attribute')).toEqual([
      { kind: 'attribute', value: 'ageBand=25-34', weight: 1 },
      { kind: 'attribute', value: 'locale=en-GB', weight: 1 },
    ]);
    const all = profileFacets(state, now, config);
    expect(new Set(all.map((x) => x.kind))).toEqual(
      new Set(['category', 'tag', 'brand', 'price_band', 'behavior', 'activity', 'rating', 'attribute', 'value']),
    );
  });

  it('decays with time: old categories lose share to newer ones', () => {
    const early = share(state, now, 'category', 'Cookware');
    const g = new EventFactory('u8', DIM);
    g.seq = 500;
    const later = run([g.on('horror', 20, 'CLICK', now + 60 * DAY)], config, state).state;
    expect(share(later, now + 60 * DAY, 'category', 'Cookware')).toBeLessThan(early);
  });
});

describe('summary', () => {
  it('handles empty and onboarding-only profiles', () => {
    expect(summarizeProfile(newProfile('a'), T0, config)).toBe('New user: no activity yet.');
    const onb = newProfile('b', { onboardingVector: topicAxis('scifi', DIM), at: T0 }, config);
    expect(summarizeProfile(onb, T0, config)).toBe(
      'New user: no activity yet; recommendations start from the onboarding interests.',
    );
    expect(profileInterests(onb, T0, config).map((i) => i.label)).toEqual(['Stated interests']);
    expect(cosine(onb.long!.vec, topicAxis('scifi', DIM))).toBeGreaterThan(0.999);
  });

  it('describes tiny, generous, critical and inactive users', () => {
    const f = new EventFactory('c', DIM);
    expect(summarizeProfile(run([f.on('scifi', 1, 'VIEW', T0)]).state, T0, config)).toBe(
      'New user with 1 interaction, so far in Sci-Fi.',
    );
    const generous = run([0, 1, 2, 3, 4].map((i) => f.on('thriller', i, 'RATE', T0 + i * 7 * DAY, { value: 5 }))).state;
    expect(summarizeProfile(generous, T0 + 29 * DAY, config)).toBe(
      // Every thriller in the fixtures is by one studio: five liked in a row read as loyalty.
      'Mostly Thriller; rates generously; loyal to Edge Films; active weekly.',
    );
    const critical = run([3, 1, 2, 1, 3].map((v, i) => f.on('horror', i, 'RATE', T0 + i * DAY, { value: v }))).state;
    expect(summarizeProfile(critical, T0 + 5 * DAY, config)).toBe(
      'Mostly Horror; rates critically; active almost daily.',
    );
    expect(summarizeProfile(critical, T0 + 200 * DAY, config)).toBe(
      'Mostly Horror; rates critically; inactive for 7 months.',
    );
    expect(summarizeProfile(critical, T0 + 3000 * DAY, config)).toBe(
      'Mostly Horror; rates critically; inactive for 8 years.',
    );
  });

  it('names two main categories', () => {
    const f = new EventFactory('d', DIM);
    const evs = [0, 1, 2, 3, 4, 5].map((i) => f.on(i % 2 ? 'scifi' : 'thriller', i, 'CLICK', T0 + i * 3 * DAY));
    expect(summarizeProfile(run(evs).state, T0 + 16 * DAY, config)).toBe('Mostly Sci-Fi and Thriller; active weekly.');
  });

  it('without categories, names the strongest interest as the interest list does', () => {
    const f = new EventFactory('n', DIM);
    // Items without a category: the summary falls back to the interests' labels (made from tags and brands).
    const uncategorised = (ev: Ev): Ev => ({ ...ev, ctx: { ...ev.ctx, item: { ...ev.ctx.item!, category: null } } });
    const topics = ['horror', 'scifi', 'horror', 'cookware', 'horror', 'scifi'];
    const state = run(topics.map((t, i) => uncategorised(f.on(t, i, 'CLICK', T0 + i * DAY)))).state;
    const strongest = profileInterests(state, T0 + 6 * DAY, config)[0]!.label;
    expect(state.interests.length).toBeGreaterThan(1);
    expect(summarizeProfile(state, T0 + 6 * DAY, config)).toBe(`Mostly ${strongest}; active almost daily.`);
    expect(
      summarizeProfile(run(topics.slice(0, 2).map((t, i) => uncategorised(f.on(t, i, 'VIEW', T0)))).state, T0, config),
    ).toMatch(new RegExp(`^New user with 2 interactions, so far in `));
  });
});

describe('versioning strategies', () => {
  const f = new EventFactory('v', DIM);
  const evs = [
    f.on('scifi', 1, 'VIEW', T0),
    f.on('scifi', 2, 'VIEW', T0 + 1000),
    f.on('scifi', 3, 'VIEW', T0 + 2000),
    f.on('scifi', 4, 'PURCHASE', T0 + 3000),
    f.on('scifi', 5, 'VIEW', T0 + 4000),
    f.on('horror', 1, 'FAVORITE', T0 + 5000),
    f.on('scifi', 5, 'VIEW', T0 + 6000),
  ];
  it('realtime versions every event', () => {
    expect(run(evs).changes.every((c) => c.versioned)).toBe(true);
  });
  it('event-triggered versions only on trigger types or drift over the threshold', () => {
    const cfg = validateProfileConfig({
      versioning: { strategy: 'event-triggered', triggerTypes: ['PURCHASE'], driftThreshold: 0.05 },
    });
    const { changes } = run(evs, cfg);
    expect(changes.map((c) => c.versioned)).toEqual([true, false, false, true, false, true, false]);
    changes.forEach((c, i) => {
      if (i === 0 || evs[i]!.event.type === 'PURCHASE') return;
      expect(c.versioned).toBe(c.drift! >= 0.05);
    });
  });
});

describe('adaptive feedback', () => {
  it('the learning rate shrinks as evidence accumulates, down to minRate', () => {
    const rates = Array.from({ length: 200 }, (_, n) => feedbackRate(n, config));
    expect(rates[0]).toBe(config.feedback.baseRate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThanOrEqual(rates[i - 1]!);
    expect(rates[10]!).toBeLessThan(rates[0]!);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(config.feedback.minRate);
  });

  // weights 0 for CLICK and SKIP isolate the feedback step from the regular weighted mean
  const only = (enabled: boolean) =>
    validateProfileConfig({ weights: { ...DEFAULT_PROFILE_CONFIG.weights, CLICK: 0, SKIP: 0 }, feedback: { enabled } });
  const f = new EventFactory('fb', DIM);
  const base = run(
    [0, 1, 2].map((i) => f.on('scifi', i, 'PURCHASE', T0 + i * 1000)),
    only(true),
  ).state;
  const target = itemVector('horror', 'horror-1', DIM);

  it('positive feedback moves the profile towards the item with a shrinking step', () => {
    let s = base;
    const steps: number[] = [];
    const sims: number[] = [cosine(s.short!.vec, target)];
    for (let i = 0; i < 8; i++) {
      const e = f.on('horror', 1, 'CLICK', T0 + 10_000 + i);
      const r = applyBehavior(s, e.event, e.ctx, only(true));
      steps.push(r.change.driftShort!);
      s = r.state;
      sims.push(cosine(s.short!.vec, target));
    }
    for (let i = 1; i < sims.length; i++) expect(sims[i]!).toBeGreaterThan(sims[i - 1]!);
    for (let i = 2; i < steps.length; i++) expect(steps[i]!).toBeLessThan(steps[i - 1]!);
    expect(s.feedback).toEqual({ evidence: 11, positive: 11, negative: 0 });
    // the long-term vector moves too, less
    expect(cosine(s.long!.vec, target)).toBeGreaterThan(cosine(base.long!.vec, target));
    expect(cosine(s.long!.vec, target)).toBeLessThan(cosine(s.short!.vec, target));
    // disabled: the same clicks do not move the vectors at all
    const off = run(
      [0, 1, 2, 3].map((i) => f.on('horror', 1, 'CLICK', T0 + 20_000 + i)),
      only(false),
      base,
    ).state;
    expect(off.short!.vec).toEqual(base.short!.vec);
  });

  it('negative feedback moves the profile away from the item', () => {
    const scifiItem = f.on('scifi', 1, 'SKIP', T0 + 30_000);
    const before = cosine(base.short!.vec, scifiItem.ctx.itemVector!);
    const after = applyBehavior(base, scifiItem.event, scifiItem.ctx, only(true)).state;
    expect(cosine(after.short!.vec, scifiItem.ctx.itemVector!)).toBeLessThan(before);
    expect(after.feedback.negative).toBe(1);
  });
});

describe('purity and seeds', () => {
  it('applyBehavior never mutates its input', () => {
    const f = new EventFactory('p', DIM);
    const evs = [f.on('scifi', 1, 'PURCHASE', T0), f.on('horror', 2, 'CLICK', T0 + DAY)];
    const s1 = run(evs.slice(0, 1)).state;
    const snapshot = structuredClone(s1);
    applyBehavior(s1, evs[1]!.event, evs[1]!.ctx, config);
    expect(s1).toEqual(snapshot);
  });

  it('replayProfile with a seed equals newProfile + events', () => {
    const f = new EventFactory('p', DIM);
    const evs = [f.on('scifi', 1, 'PURCHASE', T0 + DAY), f.on('horror', 2, 'CLICK', T0 + 2 * DAY)];
    const seed = { attributes: { a: 1 }, onboardingVector: topicAxis('thriller', DIM), at: T0 };
    expect(replayProfile('p', seed, evs, config)).toEqual(run(evs, config, newProfile('p', seed, config)).state);
    // the onboarding weight decays from seed.at to the first event
    const s = run(evs.slice(0, 1), config, newProfile('p', seed, config)).state;
    expect(s.interests.find((c) => c.source === 'onboarding')!.weight).toBeCloseTo(
      config.onboardingWeight * 2 ** (-1 / 30),
      6,
    );
  });
});
