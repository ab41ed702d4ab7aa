// The HTTP surface around GraphQL: health, readiness, the offline GraphiQL playground, masked errors, migrations.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, parseDatabaseUrl, pendingMigrations } from '../../src/store/index.js';
import { freshDatabase, providers, startTestServer, TEST_DATABASE_URL, type TestServer } from '../helpers/server.js';

describe('HTTP endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.stop());
  const base = () => server.url.replace(/\/graphql$/, '');

  it('answers /healthz and /readyz with the database and the encoder', async () => {
    expect(await (await fetch(`${base()}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      database: { provider: string; pendingMigrations: string[] };
      encoder: { kind: string; summary: string };
    };
    expect(body.status).toBe('ready');
    expect(body.database).toMatchObject({ provider: 'sqlite', reachable: true, pendingMigrations: [] });
    expect(body.encoder.kind).toBe('lexical');
    expect(body.encoder.summary).toContain('lexical');
  });

  it('serves GraphiQL with its assets from node_modules (no CDN)', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    for (const src of html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)) {
      const asset = await fetch(`${base()}${src[1]}`);
      expect(asset.status, src[1]).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect([...html.matchAll(/\/graphiql\/assets\//g)].length).toBeGreaterThanOrEqual(4);
  });

  it('still answers GraphQL GET queries on the same path', async () => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent('{ encoder { kind } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await res.json()).toEqual({ data: { encoder: { kind: 'lexical' } } });
  });

  it('never sends stack traces', async () => {
    const res = await server.gql(`{ nope }`);
    expect(res.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(res)).not.toContain('stacktrace');
  });
});

describe.each(await providers())('migrations on %s', (provider) => {
  it('apply once, are recorded like prisma migrate deploy, and re-running is a no-op', async () => {
    const db = freshDatabase(provider);
    try {
      const target = parseDatabaseUrl(db.url);
      // Every migration folder the repository ships for this provider, in name (= time) order.
      const dir = join(import.meta.dirname, '../../prisma', provider, 'migrations');
      const all = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      expect(all.length).toBeGreaterThan(1);
      expect(await pendingMigrations(target)).toEqual(all);
      const [a, b] = await Promise.all([migrate(target), migrate(target)]);
      expect([...a.applied, ...b.applied]).toEqual(all);
      expect((await migrate(target)).applied).toEqual([]);
      expect(await pendingMigrations(target)).toEqual([]);
      if (provider === 'postgresql') {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        const r = await client.query(
          `SELECT migration_name, applied_steps_count FROM "${target.schema}"."_prisma_migrations" ORDER BY 1`,
        );
        // Profile state bytes are stored uncompressed ('e'xternal): pglz never shrank them and tried on every write.
        const storage = await client.query(
          `SELECT attname, attstorage FROM pg_attribute WHERE attrelid IN ('"${target.schema}"."Profile"'::regclass, '"${target.schema}"."ProfileVersion"'::regclass) AND attname IN ('state', 'snapshot') ORDER BY 1`,
        );
        await client.end();
        expect(r.rows).toEqual(all.map((migration_name) => ({ migration_name, applied_steps_count: 1 })));
        expect(storage.rows).toEqual([
          { attname: 'snapshot', attstorage: 'e' },
          { attname: 'state', attstorage: 'e' },
        ]);
      }
    } finally {
      await db.drop();
    }
  });
});
