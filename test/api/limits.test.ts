// How much and how often: each limit rejects before execution with one coded error naming it, on HTTP and
// WebSocket; rate limits answer RATE_LIMITED with Retry-After and are shared through Redis.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Res = {
  status: number;
  headers: Headers;
  errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
};

async function send(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, ...((await res.json()) as object) };
}

const USER_FIELDS = `recommendations(first: 100) { score item { id } } profileHistory(first: 100) { edges { node { version } } }
  behaviors(first: 100) { edges { node { id text } } } profile { summary }`;
export const aliasBomb = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: users(first: 100) { edges { node { ${USER_FIELDS} } } }`).join(' ')} }`;

describe('operation limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.stop());

  const cases: Array<[string, string]> = [
    ['aliases', aliasBomb(50)],
    ['cost', `{ users(first: 100) { edges { node { ${USER_FIELDS} } } } }`],
    // Depth is checked before field names are: nonsense nested 12 deep is refused as too deep.
    ['depth', `{ items { ${'edges { '.repeat(12)}id${' }'.repeat(12)} } }`],
    ['directives', `{ items { totalCount ${'@include(if: true) '.repeat(30)} } }`],
    ['tokens', `{ items { ${'totalCount '.repeat(6000)} } }`],
  ];

  it.each(cases)('rejects a query over the %s limit with one QUERY_TOO_COMPLEX error', async (limit, query) => {
    const r = await send(server.url, { query });
    expect(r.status).toBe(400);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
  });

  it('prices a known operation text again for each request: its variables decide the cost', async () => {
    const query = `query($n: Int) { users(first: $n) { edges { node { ${USER_FIELDS} } } } }`;
    const cheap = await send(server.url, { query, variables: { n: 1 } });
    expect(cheap.errors).toBeUndefined();
    // The same text, parsed and validated once already: a large page is still refused for its cost.
    const costly = await send(server.url, { query, variables: { n: 100 } });
    expect(costly.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    expect((await send(server.url, { query, variables: { n: 1 } })).errors).toBeUndefined();
  });

  it('lets ordinary queries through and rejects the same bomb over WebSocket', async () => {
    const ok = await send(server.url, {
      query: `{ users(first: 20) { edges { node { recommendations(first: 10) { score } } } } }`,
    });
    expect(ok.errors).toBeUndefined();
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const codes = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: aliasBomb(50) }, { next: resolve, error: resolve, complete: () => undefined });
    });
    await client.dispose();
    expect(codes).toMatchObject([{ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases' } }]);
  });

  it('refuses batches, non-JSON bodies, malformed JSON and oversized bodies with coded errors', async () => {
    const batch = await send(server.url, [{ query: '{ encoder { id } }' }, { query: '{ encoder { id } }' }]);
    expect([batch.status, batch.errors![0]!.extensions.code]).toEqual([400, 'BAD_REQUEST']);
    const text = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{ encoder { id } }',
    });
    expect([text.status, ((await text.json()) as Res).errors![0]!.extensions.code]).toEqual([415, 'BAD_REQUEST']);
    const bad = await send(server.url, '{"query": "{ encoder { id } }"');
    expect([bad.status, bad.errors![0]!.extensions.code]).toEqual([400, 'BAD_REQUEST']);
    const big = await send(server.url, {
      query: '{ encoder { id } }',
      variables: { pad: 'x'.repeat(6 * 1024 * 1024) },
    });
    expect([big.status, big.errors![0]!.extensions.code]).toEqual([413, 'BAD_REQUEST']);
  });
});

describe('rate limits', () => {
  it('answers RATE_LIMITED with Retry-After once the budget is spent, shared by processes through Redis', async () => {
    const prefixKey = `k${randomBytes(6).toString('hex')}aaaaaaaaaaaa`;
    const env = {
      API_KEYS: `${prefixKey}:user`,
      RATE_LIMIT_USER: '5',
      RATE_LIMIT_ANONYMOUS: '3',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    const [a, b] = [await startTestServer('sqlite', env), await startTestServer('sqlite', env)];
    try {
      const headers = { authorization: `Bearer ${prefixKey}` };
      const results = [];
      for (let i = 0; i < 6; i++)
        results.push(await send(i % 2 ? a.url : b.url, { query: '{ encoder { id } }' }, headers));
      expect(results.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const limited = results[5]!;
      expect(limited.status).toBe(429);
      expect(limited.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.errors![0]!.extensions.retryAfter).toBe(Number(limited.headers.get('retry-after')));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('caller addresses behind a proxy', () => {
  const anonymousBudget = async (trustProxy: string | null) => {
    const server = await startTestServer('sqlite', {
      RATE_LIMIT_ANONYMOUS: '2',
      ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}),
      // Auth on, so callers without credentials are anonymous rather than admins.
      API_KEYS: `${randomBytes(12).toString('hex')}:service`,
    });
    try {
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const statuses: number[] = [];
      for (const address of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2', '203.0.113.1'])
        statuses.push((await send(server.url, { query: '{ encoder { id } }' }, from(address))).status);
      return statuses;
    } finally {
      await server.stop();
    }
  };

  it('counts each forwarded address on its own when TRUST_PROXY trusts the hop in front', async () => {
    expect(await anonymousBudget('1')).toEqual([200, 200, 200, 200, 429]);
    expect(await anonymousBudget('loopback')).toEqual([200, 200, 200, 200, 429]);
  });

  it('ignores X-Forwarded-For by default, so a caller cannot pick a fresh address per request', async () => {
    expect(await anonymousBudget(null)).toEqual([200, 200, 429, 429, 429]);
  });

  it('refuses TRUST_PROXY=true, which would believe any client', async () => {
    await expect(startTestServer('sqlite', { TRUST_PROXY: 'true' })).rejects.toThrow(/hop count or subnets/);
  });
});
