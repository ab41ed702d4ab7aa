// Explained recommendations through the API on both databases, on real MovieLens-1M titles, genres and plots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movieLensItems, sharedDataAvailable } from '../helpers/catalogEncoder.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

interface Rec {
  item: { id: string; category: string | null; price: number | null };
  score: number;
  reasons: Array<{ kind: string; itemId: string | null; text: string; facet: string | null; value: string | null }>;
}
const RECS = `query($id: ID!, $first: Int, $filter: RecommendationFilter, $explore: Float, $seed: Int) { user(id: $id) {
  recommendations(first: $first, filter: $filter, explore: $explore, seed: $seed) { item { id category price } score reasons { kind itemId text facet value } } } }`;
const RECORD_MANY = `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`;

describe.skipIf(!sharedDataAvailable()).each(await providers())('recommendations on %s', (provider) => {
  let server: TestServer;
  let categoryOf: Map<string, string>;
  const recs = async (id: string, vars: Record<string, unknown> = {}) => {
    const res = await server.gql<{ user: { recommendations: Rec[] } }>(RECS, { id, first: 10, explore: 0, ...vars });
    expect(res.errors).toBeUndefined();
    return res.data!.user.recommendations;
  };

  beforeAll(async () => {
    server = await startTestServer(provider);
    const movies = (await movieLensItems()).slice(0, 1500);
    categoryOf = new Map(movies.map((m) => [m.id, m.genres[0] ?? '']));
    const items = movies.map((m, i) => ({
      id: m.id,
      title: m.title,
      category: m.genres[0] ?? null,
      tags: m.genres,
      description: m.plot,
      price: 5 + (i % 20),
    }));
    for (let i = 0; i < items.length; i += 500)
      await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
        items: items.slice(i, i + 500),
      });
    // Background traffic so collaborative and popularity sources have evidence: 40 users, each in one genre.
    const byGenre = new Map<string, string[]>();
    for (const m of movies) byGenre.set(m.genres[0] ?? '', [...(byGenre.get(m.genres[0] ?? '') ?? []), m.id]);
    const genres = ['Comedy', 'Drama', 'Action', 'Horror', 'Animation'];
    const inputs = [];
    for (let u = 0; u < 40; u++) {
      const pool = byGenre.get(genres[u % genres.length]!)!;
      for (let j = 0; j < 8; j++)
        inputs.push({
          userId: `bg-${u}`,
          itemId: pool[(u * 3 + j * 7) % pool.length]!,
          type: 'CLICK',
          eventId: `bg-${u}-${j}`,
        });
    }
    for (let i = 0; i < inputs.length; i += 200)
      expect((await server.gql(RECORD_MANY, { inputs: inputs.slice(i, i + 200) })).errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => server?.stop());

  it('follows a concentrated taste: at least 7 of 10 in the category, each with a reason pointing at real evidence', async () => {
    const horror = [...categoryOf]
      .filter(([, c]) => c === 'Horror')
      .map(([id]) => id)
      .slice(0, 12);
    await server.gql(RECORD_MANY, {
      inputs: horror.map((itemId, j) => ({
        userId: 'horror-fan',
        itemId,
        type: j % 3 ? 'CLICK' : 'PURCHASE',
        eventId: `hf-${j}`,
      })),
    });
    const list = await recs('horror-fan');
    expect(list).toHaveLength(10);
    expect(list.filter((r) => r.item.category === 'Horror').length).toBeGreaterThanOrEqual(7);
    const history = new Set(horror);
    for (const r of list) {
      expect(r.reasons.length).toBeGreaterThan(0);
      for (const reason of r.reasons) {
        if (reason.kind === 'SIMILAR_TO_RECENT' || reason.kind === 'NEXT_IN_SEQUENCE')
          expect(history.has(reason.itemId!)).toBe(true);
        if (reason.kind === 'INTEREST' && reason.facet === 'category') expect(reason.value).toBe('Horror');
      }
    }
    // consumed items never come back
    expect(list.some((r) => history.has(r.item.id))).toBe(false);
  });

  it('honours filters and the category cap', async () => {
    const priced = await recs('horror-fan', { filter: { priceMin: 10, priceMax: 12 } });
    expect(priced.length).toBeGreaterThan(0);
    expect(priced.every((r) => r.item.price! >= 10 && r.item.price! <= 12)).toBe(true);
    const excluded = await recs('horror-fan', { filter: { excludeCategories: ['Horror'] } });
    expect(excluded.some((r) => r.item.category === 'Horror')).toBe(false);
    const only = await recs('horror-fan', { filter: { categories: ['Comedy'] } });
    expect(only.every((r) => r.item.category === 'Comedy')).toBe(true);
    const first = (await recs('horror-fan'))[0]!.item.id;
    expect((await recs('horror-fan', { filter: { excludeItemIds: [first] } })).map((r) => r.item.id)).not.toContain(
      first,
    );
    // default cap: at most 80% of the top 10 from one category
    expect((await recs('horror-fan')).filter((r) => r.item.category === 'Horror').length).toBeLessThanOrEqual(8);
  });

  it('labels exploration slots and reproduces them with a seed', async () => {
    const a = await recs('horror-fan', { explore: 0.3, seed: 42 });
    const b = await recs('horror-fan', { explore: 0.3, seed: 42 });
    expect(a.map((r) => r.item.id)).toEqual(b.map((r) => r.item.id));
    const explored = a.filter((r) => r.reasons[0]!.kind === 'EXPLORATION');
    expect(explored.length).toBeGreaterThanOrEqual(1);
    expect(explored.length).toBeLessThanOrEqual(3);
  });

  it('gives a new user with attributes what similar users liked', async () => {
    const attrs = { ageBand: '18-24', country: 'FR' };
    for (let u = 0; u < 6; u++) {
      await server.gql(`mutation($input: UserInput!) { upsertUser(input: $input) { id } }`, {
        input: { id: `seg-${u}`, attributes: attrs },
      });
      await server.gql(RECORD_MANY, {
        inputs: [
          { userId: `seg-${u}`, itemId: '1', type: 'PURCHASE', eventId: `s${u}` },
          { userId: `seg-${u}`, itemId: '2', type: 'PURCHASE', eventId: `t${u}` },
        ],
      });
    }
    await server.gql(`mutation($input: UserInput!) { upsertUser(input: $input) { id } }`, {
      input: { id: 'newcomer', attributes: attrs },
    });
    const list = await recs('newcomer');
    const segment = list.filter((r) => r.reasons.some((x) => x.kind === 'SIMILAR_USERS'));
    expect(segment.map((r) => r.item.id)).toEqual(expect.arrayContaining(['1', '2']));
  });

  it('answers similarItems from the same index, with reasons', async () => {
    const res = await server.gql<{ similarItems: Rec[] }>(
      `{ similarItems(itemId: "1", first: 5) { item { id category price } score reasons { kind itemId text facet value } } }`,
    );
    expect(res.data!.similarItems).toHaveLength(5);
    expect(res.data!.similarItems.map((r) => r.item.id)).not.toContain('1');
    expect(res.data!.similarItems.every((r) => r.reasons.length > 0)).toBe(true);
  });
});
