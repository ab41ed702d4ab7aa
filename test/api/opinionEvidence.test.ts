// Opinion reaching the recommender through the log: a review's polarity is read once at write time and stored on its
// Behavior row, and every follower reads liking evidence from it. A one-star review of an item co-visited with what a
// user bought ranks it below the item other buyers liked; the incremental model equals a rebuild from the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const PANNED = 'Terrible. It broke after one use and smells awful. A waste of money, I returned it. Do not buy.';
const PRAISED = 'Love it! Works great, smells wonderful and my skin feels amazing. Highly recommend.';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Two separate worlds: in each, reviewers buy `a` then review `b`; other buyers buy `a` then `c`. */
const ITEMS = ['pan', 'praise'].flatMap((w) =>
  ['a', 'b', 'c'].map((x) => ({
    id: `${w}-${x}`,
    title: `${w} product ${x}`,
    category: w,
    tags: [],
    description: `Item ${x} of the ${w} world.`,
  })),
);

const RECORD_MANY = `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`;
const RECS = `query($u: ID!) { user(id: $u) { recommendations(first: 5, explore: 0) { item { id } score } } }`;

describe.each(await providers())('opinion of review text in the recommender on %s', (provider) => {
  let server: TestServer;
  const t0 = Date.now() - 10 * DAY;
  const at = (ms: number) => new Date(t0 + ms).toISOString();

  beforeAll(async () => {
    server = await startTestServer(provider, { RECOMMEND_EXPLORE: '0' });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: ITEMS });
    const inputs = [];
    for (const [w, text] of [
      ['pan', PANNED],
      ['praise', PRAISED],
    ] as const) {
      for (let u = 0; u < 5; u++) {
        const userId = `${w}-reviewer-${u}`;
        inputs.push({ eventId: `${userId}-1`, userId, itemId: `${w}-a`, type: 'PURCHASE', occurredAt: at(u * HOUR) });
        inputs.push({
          eventId: `${userId}-2`,
          userId,
          itemId: `${w}-b`,
          type: 'REVIEW',
          text,
          occurredAt: at(u * HOUR + 60_000),
        });
      }
      for (let u = 0; u < 2; u++) {
        const userId = `${w}-buyer-${u}`;
        inputs.push({ eventId: `${userId}-1`, userId, itemId: `${w}-a`, type: 'PURCHASE', occurredAt: at(u * HOUR) });
        inputs.push({
          eventId: `${userId}-2`,
          userId,
          itemId: `${w}-c`,
          type: 'PURCHASE',
          occurredAt: at(u * HOUR + 60_000),
        });
      }
      const userId = `${w}-target`;
      inputs.push({ eventId: `${userId}-1`, userId, itemId: `${w}-a`, type: 'PURCHASE', occurredAt: at(DAY) });
    }
    const r = await server.gql(RECORD_MANY, { inputs });
    expect(r.errors).toBeUndefined();
  }, 60_000);
  afterAll(async () => server?.stop());

  const ranks = async (world: string) => {
    const r = await server.gql<{ user: { recommendations: Array<{ item: { id: string }; score: number }> } }>(RECS, {
      u: `${world}-target`,
    });
    const ids = r.data!.user.recommendations.map((x) => x.item.id);
    const rank = (id: string) => (ids.includes(id) ? ids.indexOf(id) : Infinity);
    return { b: rank(`${world}-b`), c: rank(`${world}-c`), answer: r.data };
  };

  it('stores the polarity read at write time on the log row (negative for the one-star text)', async () => {
    const opinions = async (u: string) =>
      (
        await server.gql<{ user: { behaviors: { edges: Array<{ node: { type: string; opinion: number | null } }> } } }>(
          `query($u: ID!) { user(id: $u) { behaviors(first: 5) { edges { node { type opinion } } } } }`,
          { u },
        )
      ).data!.user.behaviors.edges.map((e) => e.node);
    const panned = await opinions('pan-reviewer-0');
    expect(panned.find((b) => b.type === 'PURCHASE')!.opinion).toBeNull();
    expect(panned.find((b) => b.type === 'REVIEW')!.opinion).toBeLessThan(-0.3);
    const praised = await opinions('praise-reviewer-0');
    expect(praised.find((b) => b.type === 'REVIEW')!.opinion).toBeGreaterThan(0.3);
  });

  it("a panned review ranks its item below the reviewers' other co-visited item; a praised one above", async () => {
    const praise = await ranks('praise');
    const pan = await ranks('pan');
    expect(praise.b).toBeLessThan(praise.c);
    expect(pan.c).toBeLessThan(pan.b);
  });

  it('the incremental recommender equals a rebuild from the log (reviews with opinions included)', async () => {
    // Scores decay with the wall clock between the two reads: lists must be equal, scores equal to 6 digits.
    const answers = async () => (await Promise.all(['pan', 'praise'].map(ranks))).map((r) => r.answer);
    const before = await answers();
    const memory = server.services.model.memoryStats();
    await server.services.follower.rebuild();
    expect(server.services.model.memoryStats()).toEqual(memory);
    const after = await answers();
    after.forEach((a, w) => {
      const ids = (x: typeof a) => x!.user.recommendations.map((r) => r.item.id);
      expect(ids(a)).toEqual(ids(before[w]));
      a!.user.recommendations.forEach((r, k) =>
        expect(r.score).toBeCloseTo(before[w]!.user.recommendations[k]!.score, 6),
      );
    });
  });
});
