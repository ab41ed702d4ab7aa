// Hostile traffic, generated: over 1,000 requests per database over HTTP and WebSocket (cost bombs, floods, cycles,
// bad bodies, bad tokens, other users' data and streams). Each gets a coded error, nothing is written, and the
// server keeps answering ordinary clients.
import fc from 'fast-check';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/token.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'hostile-test-secret-0123456789abcdef';
const ENV = {
  AUTH_JWT_SECRET: SECRET,
  MAX_BODY_BYTES: String(256 * 1024),
  RATE_LIMIT_ANONYMOUS: '0',
  RATE_LIMIT_USER: '0',
};

interface HttpCase {
  kind: string;
  body: string;
  contentType?: string;
  /** Who sends it: a token for mallory, a bad credential, or nobody. */
  auth?: string;
  codes: string[];
}

const LIST_FIELDS = [
  'recommendations(first: 100) { score }',
  'behaviors(first: 100) { edges { node { id text } } }',
  'profileHistory(first: 100) { edges { node { version } } }',
];
const name = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/);
const json = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

function httpCases(tokens: { mallory: string; expired: string; forged: string }): fc.Arbitrary<HttpCase> {
  const tooComplex = ['QUERY_TOO_COMPLEX'];
  return fc.oneof(
    fc.integer({ min: 16, max: 300 }).map((n) => ({
      kind: 'alias flood',
      codes: tooComplex,
      body: json(`{ ${Array.from({ length: n }, (_, i) => `a${i}: items(first: 100) { totalCount }`).join(' ')} }`),
    })),
    fc.tuple(fc.integer({ min: 50, max: 100 }), fc.subarray(LIST_FIELDS, { minLength: 1 })).map(([first, fields]) => ({
      kind: 'cost bomb',
      codes: tooComplex,
      auth: tokens.mallory,
      body: json(`{ users(first: ${first}) { edges { node { ${fields.join(' ')} } } } }`),
    })),
    fc.tuple(fc.integer({ min: 11, max: 200 }), name).map(([depth, f]) => ({
      kind: 'deep nesting',
      codes: tooComplex,
      body: json(`{ ${`${f} { `.repeat(depth)}id${' }'.repeat(depth)} }`),
    })),
    fc.integer({ min: 11, max: 60 }).map((n) => ({
      // A chain of fragments, each adding a level: the depth limit counts through them.
      kind: 'recursive fragments',
      codes: [...tooComplex, 'GRAPHQL_VALIDATION_FAILED'],
      body: json(
        `{ items { ...F0 } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on ItemConnection { edges { node { id } } pageInfo { ${i + 1 < n ? `...F${i + 1}` : 'hasNextPage'} } }`).join(' ')}`,
      ),
    })),
    fc.integer({ min: 2, max: 20 }).map((n) => ({
      kind: 'fragment cycle',
      codes: ['GRAPHQL_VALIDATION_FAILED', ...tooComplex],
      body: json(
        `{ items { ...C0 } } ${Array.from({ length: n }, (_, i) => `fragment C${i} on ItemConnection { totalCount ...C${(i + 1) % n} }`).join(' ')}`,
      ),
    })),
    fc.integer({ min: 21, max: 500 }).map((n) => ({
      kind: 'directive flood',
      codes: tooComplex,
      body: json(`{ items { totalCount ${'@include(if: true) '.repeat(n)} } }`),
    })),
    fc.integer({ min: 5001, max: 20000 }).map((n) => ({
      kind: 'token flood',
      codes: tooComplex,
      body: json(`{ items { ${'totalCount '.repeat(n)} } }`),
    })),
    fc.integer({ min: 256 * 1024 + 1, max: 2 * 1024 * 1024 }).map((n) => ({
      kind: 'oversized body',
      codes: ['BAD_REQUEST'],
      body: json('{ encoder { id } }', { pad: 'x'.repeat(n) }),
    })),
    fc.integer({ min: 10_001, max: 100_000 }).map((n) => ({
      kind: 'oversized text',
      codes: ['BAD_USER_INPUT'],
      auth: tokens.mallory,
      body: json(
        `mutation($t: String) { recordBehavior(input: { userId: "mallory", type: REVIEW, text: $t }) { duplicate } }`,
        { t: 'y'.repeat(n) },
      ),
    })),
    fc.integer({ min: 2, max: 100 }).map((n) => ({
      kind: 'batched array',
      codes: ['BAD_REQUEST'],
      body: JSON.stringify(Array.from({ length: n }, () => ({ query: '{ encoder { id } }' }))),
    })),
    fc.tuple(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 30 })).map(([junk, cut]) => ({
      kind: 'malformed JSON',
      codes: ['BAD_REQUEST'],
      body: `{"query": "{ encoder { id } }"`.slice(0, cut) + junk.replace(/[{}[\]"]/g, '') + '{',
    })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'image/png',
      )
      .map((contentType) => ({
        kind: 'wrong content type',
        codes: ['BAD_REQUEST'],
        contentType,
        body: json('{ encoder { id } }'),
      })),
    fc
      .tuple(
        fc.constantFrom('missing', 'expired', 'forged', 'garbage', 'alg none'),
        fc.string({ minLength: 1, maxLength: 80 }),
      )
      .map(([how, junk]) => ({
        kind: `${how} token`,
        codes: ['UNAUTHENTICATED'],
        auth:
          how === 'missing'
            ? undefined
            : how === 'expired'
              ? tokens.expired
              : how === 'forged'
                ? tokens.forged
                : how === 'garbage'
                  ? `${junk.replace(/\s/g, '_')}.x.y`
                  : `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ sub: 'victim', role: 'admin', exp: 9e9 })).toString('base64url')}.`,
        body: json(`mutation { upsertItems(items: [{ id: "evil", title: "x" }]) { count } }`),
      })),
    fc.tuple(name, fc.constantFrom(...LIST_FIELDS, 'profile { summary }', 'export')).map(([victim, field]) => ({
      kind: "other user's data",
      codes: ['FORBIDDEN'],
      auth: tokens.mallory,
      body: json(`{ user(id: "v-${victim}") { id ${field} } }`),
    })),
    name.map((victim) => ({
      kind: "other user's write",
      codes: ['FORBIDDEN'],
      auth: tokens.mallory,
      body: json(
        `mutation { recordBehavior(input: { userId: "v-${victim}", itemId: "i1", type: PURCHASE }) { duplicate } }`,
      ),
    })),
  );
}

describe.each(await providers())('hostile traffic on %s', (provider) => {
  let server: TestServer;
  let tokens: { mallory: string; expired: string; forged: string; victim: string };
  let counts: Record<string, number>;

  beforeAll(async () => {
    server = await startTestServer(provider, ENV);
    tokens = {
      mallory: await mintToken({ secret: SECRET, sub: 'mallory', role: 'user' }),
      expired: await mintToken({ secret: SECRET, sub: 'mallory', role: 'admin', ttl: -60 }),
      forged: await mintToken({ secret: 'not-the-secret-0123456789abcdefghijk', sub: 'mallory', role: 'admin' }),
      victim: await mintToken({ secret: SECRET, sub: 'victim', role: 'user' }),
    };
    const admin = await mintToken({ secret: SECRET, sub: 'root', role: 'admin' });
    const setup = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: json(`mutation { upsertItems(items: [{ id: "i1", title: "Lamp" }]) { count }
        recordBehavior(input: { userId: "victim", itemId: "i1", type: REVIEW, text: "private" }) { duplicate } }`),
    });
    expect(((await setup.json()) as { errors?: unknown }).errors).toBeUndefined();
    counts = await server.services.store.tableCounts();
  });
  afterAll(async () => server?.stop());

  it('answers 1,000 generated hostile HTTP requests with coded errors and writes nothing', async () => {
    const cases = fc.sample(httpCases(tokens), { numRuns: 1000, seed: provider === 'sqlite' ? 13 : 31 });
    const failures: string[] = [];
    const kinds = new Set<string>();
    const send = async (c: HttpCase) => {
      kinds.add(c.kind);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': c.contentType ?? 'application/json',
          ...(c.auth ? { authorization: `Bearer ${c.auth}` } : {}),
        },
        body: c.body,
      });
      const text = await res.text();
      let body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return void failures.push(`${c.kind}: not JSON (${res.status}): ${text.slice(0, 120)}`);
      }
      const code = body.errors?.[0]?.extensions?.code;
      if (!code || !c.codes.includes(code))
        failures.push(`${c.kind}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      if (JSON.stringify(body).includes('private')) failures.push(`${c.kind}: leaked another user's text`);
    };
    for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(send));
    expect(failures.slice(0, 10)).toEqual([]);
    expect(kinds.size).toBeGreaterThanOrEqual(15);
    expect(await server.services.store.tableCounts()).toEqual(counts);
  });

  it('answers generated hostile WebSocket operations and subscription floods with coded errors', async () => {
    const clients: Client[] = [];
    const open = (authorization?: string) => {
      const c = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization } : {},
      });
      clients.push(c);
      return c;
    };
    const firstCode = (client: Client, query: string, variables?: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('no answer (subscribed)'), 3000);
        client.subscribe(
          { query, variables },
          {
            next: (v) => (
              clearTimeout(timer),
              resolve(String((v.errors?.[0]?.extensions as { code?: string } | undefined)?.code ?? 'data'))
            ),
            error: (e) => (
              clearTimeout(timer),
              resolve(String((e as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code ?? e))
            ),
            complete: () => undefined,
          },
        );
      });
    // A socket per operation: one socket's subscription cap is tested on its own below.
    const mallory = () => open(`Bearer ${tokens.mallory}`);
    const SUB = `subscription($u: ID) { profileUpdated(userId: $u) { userId profile { summary } } }`;
    const wsCases = fc.sample(
      fc.oneof(
        name.map((v) => ({ client: mallory(), query: SUB, variables: { u: `v-${v}` }, codes: ['FORBIDDEN'] })),
        fc.constant(0).map(() => ({ client: mallory(), query: SUB, variables: {}, codes: ['FORBIDDEN'] })),
        fc.integer({ min: 16, max: 200 }).map((n) => ({
          client: mallory(),
          codes: ['QUERY_TOO_COMPLEX'],
          variables: {},
          query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: user(id: "mallory") { behaviors(first: 100) { totalCount } }`).join(' ')} }`,
        })),
        fc.integer({ min: 11, max: 100 }).map((d) => ({
          client: mallory(),
          codes: ['QUERY_TOO_COMPLEX'],
          variables: {},
          query: `subscription { ${'profileUpdated { '.repeat(d)}userId${' }'.repeat(d)} }`,
        })),
        fc.constantFrom(tokens.expired, tokens.forged, 'nonsense').map((t) => ({
          client: open(`Bearer ${t}`),
          query: SUB,
          variables: { u: 'mallory' },
          codes: ['UNAUTHENTICATED'],
        })),
      ),
      { numRuns: 150, seed: 7 },
    );
    const results = await Promise.all(
      wsCases.map(async (c) => ({ code: await firstCode(c.client, c.query, c.variables), c })),
    );
    expect(
      results.filter((r) => !r.c.codes.includes(r.code)).map((r) => `${r.code}: ${r.c.query.slice(0, 80)}`),
    ).toEqual([]);

    // Subscription flood on one socket: past WS_MAX_SUBSCRIPTIONS (20) each new one is refused.
    const flood = open(`Bearer ${tokens.mallory}`);
    const answers = await Promise.all(Array.from({ length: 40 }, () => firstCode(flood, SUB, { u: 'mallory' })));
    expect(answers.filter((a) => a === 'RATE_LIMITED').length).toBe(20);
    expect(answers.filter((a) => a === 'no answer (subscribed)').length).toBe(20);
    await Promise.all(clients.map((c) => c.dispose()));
    expect(await server.services.store.tableCounts()).toEqual(counts);
  });

  it('still serves a well-behaved client', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.victim}` },
      body: json(`{ user(id: "victim") { behaviors { totalCount } recommendations(first: 3) { score } } }`),
    });
    expect(await res.json()).toMatchObject({ data: { user: { behaviors: { totalCount: 1 } } } });
    expect((await fetch(server.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });
});
