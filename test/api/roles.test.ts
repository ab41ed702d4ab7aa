// Who may do what: bearer JWTs (HS256, RS256 from a PEM, ES256 from a JWKS file) and API keys, the user / service /
// admin roles over HTTP and graphql-ws, and when auth may be off.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { exportJWK, SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityConfigFromEnv } from '../../src/auth/config.js';
import { mintToken } from '../../src/auth/token.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'roles-test-secret-0123456789abcdef';
const SERVICE_KEY = 'service-key-0123456789';
const ADMIN_KEY = 'admin-key-0123456789ab';
const token = (sub: string, role: 'user' | 'service' | 'admin', ttl: string | number = '1h') =>
  mintToken({ secret: SECRET, sub, role, ttl });

type Res = {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions: { code: string } }>;
};

describe('roles', () => {
  let server: TestServer;
  const post = async (query: string, bearer?: string, variables?: Record<string, unknown>): Promise<Res> => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
  const code = (r: Res) => r.errors?.[0]?.extensions.code;

  beforeAll(async () => {
    server = await startTestServer('sqlite', {
      AUTH_JWT_SECRET: SECRET,
      API_KEYS: `${SERVICE_KEY}:service,${ADMIN_KEY}:admin`,
    });
    expect(
      code(
        await post(
          `mutation { upsertItems(items: [{ id: "i1", title: "Alien", category: "Sci-Fi" }]) { count } }`,
          SERVICE_KEY,
        ),
      ),
    ).toBeUndefined();
    for (const u of ['alice', 'bob']) {
      const r = await post(
        `mutation($u: ID!) { recordBehavior(input: { userId: $u, itemId: "i1", type: REVIEW, text: "secret" }) { duplicate } }`,
        SERVICE_KEY,
        { u },
      );
      expect(r.errors).toBeUndefined();
    }
  });
  afterAll(async () => server?.stop());

  const READ = (id: string) =>
    `{ user(id: "${id}") { id behaviors { totalCount } profile { summary } profileHistory { totalCount } recommendations { score } } }`;

  it('lets a user read its own data and answers FORBIDDEN for anyone else, existing or not', async () => {
    const alice = await token('alice', 'user');
    const own = await post(READ('alice'), alice);
    expect(own.errors).toBeUndefined();
    expect(own.data!.user).toMatchObject({ id: 'alice', behaviors: { totalCount: 1 } });
    for (const other of ['bob', 'nobody-at-all']) {
      const r = await post(READ(other), alice);
      expect(code(r)).toBe('FORBIDDEN');
      expect(r.data?.user ?? null).toBeNull();
      expect(JSON.stringify(r)).not.toContain('secret');
    }
    expect(code(await post(`{ users { totalCount } }`, alice))).toBe('FORBIDDEN');
  });

  it('lets a user write only as itself', async () => {
    const alice = await token('alice', 'user');
    const before = await server.services.store.tableCounts();
    const REC = `mutation($u: ID!) { recordBehavior(input: { userId: $u, itemId: "i1", type: VIEW }) { duplicate } }`;
    expect(code(await post(REC, alice, { u: 'bob' }))).toBe('FORBIDDEN');
    const MANY = `mutation($u: ID!) { recordBehaviors(inputs: [{ userId: "alice", itemId: "i1", type: VIEW }, { userId: $u, itemId: "i1", type: VIEW }]) { count } }`;
    expect(code(await post(MANY, alice, { u: 'bob' }))).toBe('FORBIDDEN');
    expect(code(await post(`mutation { upsertUser(input: { id: "bob", onboardingText: "x" }) { id } }`, alice))).toBe(
      'FORBIDDEN',
    );
    expect(code(await post(`mutation { upsertItems(items: [{ id: "i2", title: "T" }]) { count } }`, alice))).toBe(
      'FORBIDDEN',
    );
    expect(code(await post(`mutation { rebuildProfile(userId: "alice") { version } }`, alice))).toBe('FORBIDDEN');
    expect(await server.services.store.tableCounts()).toEqual(before);
    expect((await post(REC, alice, { u: 'alice' })).errors).toBeUndefined();
    expect(
      (await post(`mutation { upsertUser(input: { id: "alice", attributes: { locale: "fr" } }) { id } }`, alice))
        .errors,
    ).toBeUndefined();
  });

  it('gives service every user but not admin operations; admin everything', async () => {
    for (const bearer of [SERVICE_KEY, await token('svc', 'service')]) {
      const r = await post(READ('bob'), bearer);
      expect(r.errors).toBeUndefined();
      expect(code(await post(`{ users(first: 5) { totalCount } }`, bearer))).toBeUndefined();
      expect(code(await post(`mutation { rebuildProfile(userId: "bob") { version } }`, bearer))).toBe('FORBIDDEN');
      expect(code(await post(`mutation { deleteItems(ids: ["nope"]) { count } }`, bearer))).toBe('FORBIDDEN');
    }
    for (const bearer of [ADMIN_KEY, await token('root', 'admin')]) {
      expect(code(await post(`mutation { rebuildProfile(userId: "bob") { version } }`, bearer))).toBeUndefined();
      expect(code(await post(`mutation { deleteItems(ids: ["nope"]) { count } }`, bearer))).toBeUndefined();
    }
  });

  it('answers UNAUTHENTICATED (401) for missing, malformed, forged, expired and unknown credentials', async () => {
    const forged = await mintToken({ secret: 'another-secret-0123456789abcdefghij', sub: 'alice', role: 'admin' });
    const expired = await token('alice', 'user', -10);
    const noExp = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(new TextEncoder().encode(SECRET));
    const [h, p] = (await token('alice', 'user')).split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'alice', role: 'admin', exp: 9e9 })).toString('base64url')}.${'A'.repeat(43)}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    for (const bad of [undefined, forged, expired, noExp, tampered, none, 'not-a-key-at-all-xx', `${SERVICE_KEY}x`]) {
      const r = await post(READ('alice'), bad);
      expect(code(r), String(bad)).toBe('UNAUTHENTICATED');
      if (bad) expect(r.status).toBe(401);
    }
    // Catalogue reads are public.
    expect(
      (await post(`{ item(id: "i1") { title } items { totalCount } similarItems(itemId: "i1") { score } }`)).errors,
    ).toBeUndefined();
  });

  it('applies the same rules to subscriptions, at subscribe time', async () => {
    const attempt = (authorization: string | undefined, userId: string | null) =>
      new Promise<string>((resolve) => {
        const client = createClient({
          url: server.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: authorization ? { authorization } : {},
        });
        const timer = setTimeout(() => resolve('subscribed'), 400);
        client.subscribe(
          { query: `subscription($u: ID) { profileUpdated(userId: $u) { userId } }`, variables: { u: userId } },
          {
            next: (v) => resolve(String((v.errors?.[0]?.extensions as { code?: string })?.code ?? 'data')),
            error: (e) => resolve(String((e as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code ?? e)),
            complete: () => undefined,
          },
        );
        void new Promise((r) => setTimeout(r, 450)).then(() => (clearTimeout(timer), client.dispose()));
      });
    const alice = `Bearer ${await token('alice', 'user')}`;
    expect(await attempt(undefined, 'alice')).toBe('UNAUTHENTICATED');
    expect(await attempt('Bearer forged.token.value', 'alice')).toBe('UNAUTHENTICATED');
    expect(await attempt(alice, 'bob')).toBe('FORBIDDEN');
    expect(await attempt(alice, null)).toBe('FORBIDDEN');
    expect(await attempt(`Bearer ${SERVICE_KEY}`, null)).toBe('FORBIDDEN');
    expect(await attempt(alice, 'alice')).toBe('subscribed');
    expect(await attempt(`Bearer ${SERVICE_KEY}`, 'bob')).toBe('subscribed');
    expect(await attempt(`Bearer ${ADMIN_KEY}`, null)).toBe('subscribed');
  });
});

describe('asymmetric keys and claim names', () => {
  it('verifies RS256 from a PEM and ES256 from a JWKS file, with configured claim names', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tg-keys-'));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256' }] }),
    );
    const cases = [
      {
        env: { AUTH_JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
        key: rsa.privateKey,
        alg: 'RS256',
      },
      { env: { AUTH_JWT_PUBLIC_KEY: jwksFile }, key: ec.privateKey, alg: 'ES256', kid: 'k1' },
    ];
    for (const c of cases) {
      const server = await startTestServer('sqlite', {
        ...c.env,
        AUTH_JWT_SUBJECT_CLAIM: 'uid',
        AUTH_JWT_ROLE_CLAIM: 'https://tg/role',
      });
      try {
        const sign = (claims: Record<string, unknown>) =>
          new SignJWT(claims)
            .setProtectedHeader({ alg: c.alg, ...(c.kid ? { kid: c.kid } : {}) })
            .setExpirationTime('5m')
            .sign(c.key);
        const ask = async (jwt: string, id: string) => {
          const r = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
            body: JSON.stringify({ query: `{ user(id: "${id}") { id } }` }),
          });
          return ((await r.json()) as Res).errors?.[0]?.extensions.code ?? 'ok';
        };
        expect(await ask(await sign({ uid: 'carol', 'https://tg/role': 'user' }), 'carol')).toBe('ok');
        expect(await ask(await sign({ uid: 'carol', 'https://tg/role': 'user' }), 'dave')).toBe('FORBIDDEN');
        // The secret-keyed algorithm is not accepted where a public key is configured (algorithm confusion).
        expect(
          await ask(await mintToken({ secret: SECRET, sub: 'carol', role: 'admin', subjectClaim: 'uid' }), 'dave'),
        ).toBe('UNAUTHENTICATED');
      } finally {
        await server.stop();
      }
    }
  });
});

describe('auth mode', () => {
  const hash = (s: string) => s;
  it('is off only when nothing is configured outside production, and never off in production', () => {
    expect(securityConfigFromEnv({}, hash).auth.mode).toBe('off');
    expect(securityConfigFromEnv({ API_KEY: 'k' }, hash).auth.mode).toBe('on');
    expect(securityConfigFromEnv({ AUTH_JWT_SECRET: SECRET }, hash).auth.mode).toBe('on');
    expect(() => securityConfigFromEnv({ NODE_ENV: 'production' }, hash)).toThrow(/must be set/);
    expect(() =>
      securityConfigFromEnv({ NODE_ENV: 'production', AUTH_MODE: 'off', API_KEYS: `${SERVICE_KEY}:service` }, hash),
    ).toThrow(/production/);
    expect(() => securityConfigFromEnv({ AUTH_JWT_SECRET: 'short' }, hash)).toThrow(/32/);
    expect(() => securityConfigFromEnv({ API_KEYS: `${SERVICE_KEY}:root` }, hash)).toThrow(/role/);
  });

  it('npm run token mints a token the server accepts', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/token.ts', '--sub', 'alice', '--role', 'user', '--ttl', '5m'],
      {
        env: { ...process.env, AUTH_JWT_SECRET: SECRET },
        encoding: 'utf8',
      },
    ).trim();
    const [, payload] = out.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as {
      sub: string;
      role: string;
      exp: number;
    };
    expect(claims).toMatchObject({ sub: 'alice', role: 'user' });
    expect(claims.exp - Date.now() / 1000).toBeGreaterThan(200);
  });
});
