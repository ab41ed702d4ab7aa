// Opinion from review text through the API: a one-star review pushes the profile away from its item, aspects show
// up as `aspect` facets, strong opinions reach the summary, and a rebuild from the log gives the same profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, encodeProfileState } from '../../src/domain/profile/index.js';
import { M2V_BGE_DIR, sharedModelPresent } from '../helpers/catalogEncoder.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ITEMS = [
  { id: 'sh1', title: 'Argan oil shampoo', category: 'Hair', tags: ['shampoo'], description: 'Shampoo for dry hair.' },
  { id: 'sh2', title: 'Coconut shampoo', category: 'Hair', tags: ['shampoo'], description: 'Gentle daily shampoo.' },
  { id: 'sh3', title: 'Tea tree shampoo', category: 'Hair', tags: ['shampoo'], description: 'Shampoo for oily scalp.' },
  { id: 'lip', title: 'Cherry lip balm', category: 'Lips', tags: ['balm'], description: 'Moisturising lip balm.' },
];
const PANNED =
  'Terrible. The smell is awful and it is way too expensive. It made my scalp itch, I returned it. Do not buy.';
const PRAISED = 'Love it! The smell is wonderful and my hair feels great. Highly recommend.';
const DAY = 86_400_000;

describe('opinion from review text (API, SQLite, lexical encoder: VADER lexicon)', () => {
  let server: TestServer;
  const t0 = Date.now() - 10 * DAY;
  const at = (d: number) => new Date(t0 + d * DAY).toISOString();

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: ITEMS });
    for (const user of ['panner', 'praiser'])
      for (const [i, item] of ['sh1', 'sh2', 'lip'].entries())
        await server.gql(
          `mutation($u: ID!, $i: ID!, $t: DateTime!) { recordBehavior(input: { userId: $u, itemId: $i, type: PURCHASE, occurredAt: $t }) { duplicate } }`,
          { u: user, i: item, t: at(i) },
        );
  }, 60_000);
  afterAll(async () => server?.stop());

  const review = (u: string, item: string, text: string, d: number) =>
    server.gql(
      `mutation($u: ID!, $i: ID!, $x: String!, $t: DateTime!) { recordBehavior(input: { userId: $u, itemId: $i, type: REVIEW, text: $x, occurredAt: $t }) { duplicate } }`,
      { u, i: item, x: text, t: at(d) },
    );
  const embedding = async (u: string) =>
    Float32Array.from(
      (
        await server.gql<{ user: { profile: { embedding: number[] } } }>(
          `{ user(id: "${u}") { profile { embedding } } }`,
        )
      ).data!.user.profile.embedding,
    );
  const itemVec = async (id: string) =>
    Float32Array.from(
      (await server.gql<{ item: { embedding: number[] } }>(`{ item(id: "${id}") { embedding } }`)).data!.item.embedding,
    );

  it('a one-star review pushes the profile away from its item; a five-star one does not', async () => {
    const item = await itemVec('sh3');
    const before = {
      panner: cosine(await embedding('panner'), item),
      praiser: cosine(await embedding('praiser'), item),
    };
    expect(before.panner).toBeCloseTo(before.praiser, 2); // same history (rounding is seeded per user)
    expect((await review('panner', 'sh3', PANNED, 4)).errors).toBeUndefined();
    expect((await review('praiser', 'sh3', PRAISED, 4)).errors).toBeUndefined();
    const after = {
      panner: cosine(await embedding('panner'), item),
      praiser: cosine(await embedding('praiser'), item),
    };
    expect(after.panner).toBeLessThan(before.panner - 0.01);
    // A praising review pulls towards its text (here a lexical vector of the praise, not of the item's title), so it
    // need not move towards the item itself; it ends far closer to it than the panned one.
    expect(after.praiser).toBeGreaterThan(after.panner + 0.05);
  });

  it('named aspects are `aspect` facets with the sign of the opinion, and strong ones reach the summary', async () => {
    await review('panner', 'sh1', 'The smell is horrible and the price is a rip-off, way too expensive.', 5);
    const res = await server.gql<{
      user: { profile: { facets: Array<{ kind: string; value: string; weight: number }>; summary: string } };
    }>(`{ user(id: "panner") { profile { facets(kind: "aspect") { kind value weight } summary } } }`);
    const facets = res.data!.user.profile.facets;
    const by = Object.fromEntries(facets.map((f) => [f.value, f.weight]));
    expect(facets.every((f) => f.kind === 'aspect')).toBe(true);
    expect(by.smell).toBeLessThan(-0.3);
    expect(by.price).toBeLessThan(-0.3);
    expect(res.data!.user.profile.summary).toMatch(/dislikes the (smell|price)/);
    expect(res.data!.user.profile.summary).toMatch(/critical reviews/);
    const all = await server.gql<{ user: { profile: { facets: Array<{ kind: string }> } } }>(
      `{ user(id: "panner") { profile { facets { kind } } } }`,
    );
    expect(all.data!.user.profile.facets.some((f) => f.kind === 'aspect')).toBe(true);
  });

  it('replay equality: the stored profile equals a rebuild from the log, byte for byte', async () => {
    for (const u of ['panner', 'praiser']) {
      const stored = (await server.services.store.getProfile(u))!.state;
      const rebuilt = encodeProfileState(await server.services.profiles.replayFromLog(u));
      expect(Buffer.from(rebuilt).equals(Buffer.from(stored))).toBe(true);
    }
  });
});

describe.skipIf(!sharedModelPresent(M2V_BGE_DIR, 'opinion with m2v-bge'))(
  'opinion with the pretrained encoder (ENCODER_MODEL_DIR=m2v-bge-base-vq128: blend of encoder and lexicon)',
  () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer('sqlite', { ENCODER_MODEL_DIR: M2V_BGE_DIR });
      await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: ITEMS });
    }, 60_000);
    afterAll(async () => server?.stop());

    it('reads the one-star review as negative and pushes the profile away from its item', async () => {
      const t0 = Date.now() - 10 * DAY;
      const run = (q: string, v: Record<string, unknown>) => server.gql(q, v);
      for (const [i, item] of ['sh1', 'sh2'].entries())
        await run(
          `mutation($i: ID!, $t: DateTime!) { recordBehavior(input: { userId: "m", itemId: $i, type: PURCHASE, occurredAt: $t }) { duplicate } }`,
          { i: item, t: new Date(t0 + i * DAY).toISOString() },
        );
      const item = Float32Array.from(
        (await server.gql<{ item: { embedding: number[] } }>(`{ item(id: "sh3") { embedding } }`)).data!.item.embedding,
      );
      const long = async () =>
        Float32Array.from(
          (
            await server.gql<{ user: { profile: { embedding: number[] } } }>(
              `{ user(id: "m") { profile { embedding } } }`,
            )
          ).data!.user.profile.embedding,
        );
      const before = cosine(await long(), item);
      await run(
        `mutation($x: String!, $t: DateTime!) { recordBehavior(input: { userId: "m", itemId: "sh3", type: REVIEW, text: $x, occurredAt: $t }) { duplicate } }`,
        { x: PANNED, t: new Date(t0 + 3 * DAY).toISOString() },
      );
      expect(cosine(await long(), item)).toBeLessThan(before - 0.01);
      const f = await server.gql<{ user: { profile: { textFeatures: { opinion: number; source: string } } } }>(
        `{ user(id: "m") { profile { textFeatures { opinion source } } } }`,
      );
      expect(f.data!.user.profile.textFeatures).toMatchObject({ source: 'rules' });
      expect(f.data!.user.profile.textFeatures.opinion).toBeLessThan(-0.3);
    });
  },
);
