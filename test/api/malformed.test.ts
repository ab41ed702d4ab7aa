// 200 generated malformed requests: each gets a coded GraphQL error naming the field, and nothing is written.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const RECORD = `mutation($input: BehaviorInput!) { recordBehavior(input: $input) { duplicate } }`;
const RECORD_MANY = `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`;
const UPSERT_ITEMS = `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`;
const UPSERT_USER = `mutation($input: UserInput!) { upsertUser(input: $input) { id } }`;
const ITEMS_PAGE = `query($first: Int, $after: String) { items(first: $first, after: $after) { totalCount } }`;
const RECS = `query($first: Int, $filter: RecommendationFilter) { user(id: "known") { recommendations(first: $first, filter: $filter) { score } } }`;

interface Case {
  query: string;
  variables: Record<string, unknown>;
  /** The field the error must name (in extensions.field or in the message). */
  field: string;
  code: 'BAD_USER_INPUT' | 'NOT_FOUND';
}

const validBehavior = { userId: 'u-valid', itemId: 'known', type: 'VIEW', eventId: 'ev' };
const longString = (n: number) => fc.constant('x'.repeat(n));

/** A valid behaviour with exactly one field made invalid. */
const badBehavior: fc.Arbitrary<Case> = fc
  .oneof(
    fc.constantFrom('', ' ', 'a\u0000b').map((userId) => ({ field: 'userId', patch: { userId } })),
    longString(257).map((userId) => ({ field: 'userId', patch: { userId } })),
    longString(300).map((eventId) => ({ field: 'eventId', patch: { eventId } })),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => !/^(VIEW|CLICK|ADD_TO_CART|PURCHASE|RATE|REVIEW|FAVORITE|SHARE|SKIP|DISLIKE)$/.test(s))
      .map((type) => ({ field: 'type', patch: { type } })),
    fc
      .constantFrom('NaN', 'Infinity', '-Infinity', 'abc', true, [1])
      .map((value) => ({ field: 'value', patch: { value } })),
    fc
      .oneof(fc.double({ min: -1e6, max: 0.999, noNaN: true }), fc.double({ min: 5.001, max: 1e6, noNaN: true }))
      .map((value) => ({ field: 'value', patch: { type: 'RATE', value } })),
    fc.constant({ field: 'value', patch: { type: 'RATE', value: null } }),
    fc.integer({ min: 1001, max: 1e9 }).map((value) => ({ field: 'value', patch: { value } })),
    fc
      .integer({ min: 10_001, max: 20_000 })
      .map((n) => ({ field: 'text', patch: { type: 'REVIEW', text: 'y'.repeat(n) } })),
    fc.integer({ min: 1, max: 3650 }).map((days) => ({
      field: 'occurredAt',
      patch: { occurredAt: new Date(Date.now() + days * 86_400_000 + 3_600_000).toISOString() },
    })),
    fc
      .constantFrom('yesterday', '2024-13-45T00:00:00Z', '', 12)
      .map((occurredAt) => ({ field: 'occurredAt', patch: { occurredAt } })),
    fc
      .constantFrom('VIEW', 'PURCHASE', 'RATE', 'SKIP')
      .map((type) => ({ field: 'itemId', patch: { type, itemId: null, value: type === 'RATE' ? 3 : null } })),
    fc.constant({ field: 'itemId', patch: { itemId: '' } }),
  )
  .map(({ field, patch }) => ({
    query: RECORD,
    variables: { input: { ...validBehavior, ...patch } },
    field,
    code: 'BAD_USER_INPUT' as const,
  }));

const unknownItem: fc.Arbitrary<Case> = fc
  .string({ minLength: 1, maxLength: 20 })
  // eslint-disable-next-line no-control-regex -- ids with control characters are rejected for another reason
  .filter((s) => s.trim() !== '' && s !== 'known' && !/[\u0000-\u001f\u007f]/.test(s))
  .map((itemId) => ({
    query: RECORD,
    variables: { input: { ...validBehavior, itemId } },
    field: 'itemId',
    code: 'NOT_FOUND' as const,
  }));

const badBatch: fc.Arbitrary<Case> = fc.oneof(
  fc.constant({ query: RECORD_MANY, variables: { inputs: [] }, field: 'inputs', code: 'BAD_USER_INPUT' as const }),
  fc.integer({ min: 501, max: 600 }).map((n) => ({
    query: RECORD_MANY,
    variables: { inputs: Array.from({ length: n }, (_, i) => ({ ...validBehavior, eventId: `b${i}` })) },
    field: 'inputs',
    code: 'BAD_USER_INPUT' as const,
  })),
  // One bad input among good ones: nothing of the batch may be written.
  fc
    .tuple(
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom<[string, Record<string, unknown>]>(
        ['value', { type: 'RATE', value: 9 }],
        ['userId', { userId: '' }],
        ['type', { type: 'LIKE' }],
      ),
    )
    .map(([pos, [field, patch]]) => ({
      query: RECORD_MANY,
      variables: {
        inputs: Array.from({ length: 6 }, (_, i) => ({
          ...validBehavior,
          eventId: `m${i}`,
          ...(i === pos ? patch : {}),
        })),
      },
      field,
      code: 'BAD_USER_INPUT' as const,
    })),
);

const validItem = { id: 'item-x', title: 'A title' };
const badItems: fc.Arbitrary<Case> = fc
  .oneof(
    fc.constantFrom('', '   ').map((title) => ({ field: 'title', patch: { title } })),
    fc.constantFrom('', 'a\u0007b').map((id) => ({ field: 'id', patch: { id } })),
    fc.double({ min: -1e6, max: -0.01, noNaN: true }).map((price) => ({ field: 'price', patch: { price } })),
    fc
      .integer({ min: 101, max: 150 })
      .map((n) => ({ field: 'tags', patch: { tags: Array.from({ length: n }, (_, i) => `t${i}`) } })),
    fc.constantFrom([''], ['ok', ' ']).map((tags) => ({ field: 'tags', patch: { tags } })),
    fc.constantFrom([1, 2], 'text', 7).map((attributes) => ({ field: 'attributes', patch: { attributes } })),
  )
  .map(({ field, patch }) => ({
    query: UPSERT_ITEMS,
    variables: {
      items: [
        { id: 'fine', title: 'Fine' },
        { ...validItem, ...patch },
      ],
    },
    field,
    code: 'BAD_USER_INPUT' as const,
  }));

const badUsers: fc.Arbitrary<Case> = fc
  .oneof(
    fc.constantFrom('', '\n').map((id) => ({ field: 'id', patch: { id } })),
    fc.constantFrom([1], 'str').map((attributes) => ({ field: 'attributes', patch: { attributes } })),
    fc
      .integer({ min: 10_001, max: 12_000 })
      .map((n) => ({ field: 'onboardingText', patch: { onboardingText: 'z'.repeat(n) } })),
  )
  .map(({ field, patch }) => ({
    query: UPSERT_USER,
    variables: { input: { id: 'new-user', ...patch } },
    field,
    code: 'BAD_USER_INPUT' as const,
  }));

const badReads: fc.Arbitrary<Case> = fc.oneof(
  fc
    .integer({ min: -1000, max: -1 })
    .map((first) => ({ query: ITEMS_PAGE, variables: { first }, field: 'first', code: 'BAD_USER_INPUT' as const })),
  fc
    .integer({ min: 101, max: 100_000 })
    .map((first) => ({ query: ITEMS_PAGE, variables: { first }, field: 'first', code: 'BAD_USER_INPUT' as const })),
  fc.string({ minLength: 1, maxLength: 10 }).map((after) => ({
    query: ITEMS_PAGE,
    variables: { after: `!${after}` },
    field: 'after',
    code: 'BAD_USER_INPUT' as const,
  })),
  fc
    .integer({ min: 101, max: 10_000 })
    .map((first) => ({ query: RECS, variables: { first }, field: 'first', code: 'BAD_USER_INPUT' as const })),
  fc.tuple(fc.integer({ min: 50, max: 100 }), fc.integer({ min: 1, max: 49 })).map(([priceMin, priceMax]) => ({
    query: RECS,
    variables: { filter: { priceMin, priceMax } },
    field: 'priceMin',
    code: 'BAD_USER_INPUT' as const,
  })),
);

const malformed = fc.oneof(
  { arbitrary: badBehavior, weight: 5 },
  { arbitrary: unknownItem, weight: 1 },
  { arbitrary: badBatch, weight: 1 },
  { arbitrary: badItems, weight: 2 },
  { arbitrary: badUsers, weight: 1 },
  { arbitrary: badReads, weight: 2 },
);

describe.each(await providers())('malformed requests on %s', (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(provider);
    await server.gql(UPSERT_ITEMS, { items: [{ id: 'known', title: 'Known item', category: 'Books', price: 10 }] });
    await server.gql(`mutation { upsertUser(input: { id: "known" }) { id } }`);
  });
  afterAll(async () => server?.stop());

  it('answers 200 generated malformed requests with coded errors naming the field, writing nothing', async () => {
    const cases = fc.sample(malformed, { numRuns: 200, seed: 20261125 });
    expect(cases).toHaveLength(200);
    const before = await server.services.store.tableCounts();
    const codes = new Map<string, number>();
    for (const c of cases) {
      const res = await server.gql(c.query, c.variables);
      const error = res.errors?.[0];
      expect(error, `no error for ${JSON.stringify(c).slice(0, 200)}`).toBeDefined();
      expect(error!.extensions?.code, error!.message).toBe(c.code);
      const named = String(error!.extensions?.field ?? '') + ' ' + error!.message;
      expect(named, `error does not name ${c.field}`).toContain(c.field);
      expect(JSON.stringify(res)).not.toMatch(/at .*\.ts:\d+|SELECT |INSERT |prisma/i);
      codes.set(c.code, (codes.get(c.code) ?? 0) + 1);
    }
    expect(await server.services.store.tableCounts()).toEqual(before);
    expect(codes.get('BAD_USER_INPUT')).toBeGreaterThan(100);
    expect(codes.get('NOT_FOUND')).toBeGreaterThan(0);
  });
});
