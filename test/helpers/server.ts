// Starts the real server on an ephemeral port against a fresh SQLite file or a fresh PostgreSQL schema,
// and gives tests small real clients (fetch for HTTP, graphql-ws for subscriptions).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { loadConfig } from '../../src/config.js';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/index.js';
import { afterAll, beforeAll } from 'vitest';

export type ProviderName = 'sqlite' | 'postgresql';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

let pgAvailable: boolean | undefined;
/** Whether the PostgreSQL suite can run. In CI a missing PostgreSQL is a failure, not a skip. */
export async function postgresAvailable(): Promise<boolean> {
  if (pgAvailable !== undefined) return pgAvailable;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    pgAvailable = true;
  } catch (err) {
    if (process.env.CI)
      throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable in CI: ${(err as Error).message}`, {
        cause: err,
      });
    console.warn(
      `PostgreSQL suite skipped: ${TEST_DATABASE_URL} unreachable (${(err as Error).message}); set TEST_DATABASE_URL`,
    );
    pgAvailable = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return pgAvailable;
}

/** Providers to run persistence suites against: SQLite always, PostgreSQL when reachable (always in CI). */
export async function providers(): Promise<ProviderName[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgresql'] : ['sqlite'];
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function freshDatabase(provider: ProviderName): TestDatabase {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'tastegraph-test-'));
    return {
      url: `file:${path.join(dir, 'test.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const base = new URL(TEST_DATABASE_URL);
  base.searchParams.set('schema', schema);
  return {
    url: base.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export interface TestServer extends RunningServer {
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  ws(): Client;
  db: TestDatabase;
  stop(): Promise<void>;
}

export interface GqlResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{
    message: string;
    path?: string[];
    extensions?: { code?: string; field?: string; [k: string]: unknown };
  }>;
}

/** One GraphQL request over HTTP to `url`; errors come back in the response, not as exceptions. */
export async function postGraphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResponse<T>;
  return { ...body, status: res.status };
}

export async function startTestServer(
  provider: ProviderName,
  env: Record<string, string> = {},
  db = freshDatabase(provider),
  log: (m: string) => void = () => {},
): Promise<TestServer> {
  const config = loadConfig({ ...env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const server = await startServer(config, log);
  const clients: Client[] = [];
  return {
    ...server,
    db,
    gql: (query, variables) => postGraphql(server.url, query, variables),
    ws() {
      const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.close();
      await db.drop();
    },
  };
}

/** Collects subscription results until `count` arrive or `timeoutMs` passes. */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count: number,
  timeoutMs = 5000,
) {
  const received: T[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let unsubscribe: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) reject(new Error(JSON.stringify(v.errors)));
          received.push(v.data as T);
          if (received.length >= count) resolveDone();
        },
        error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => resolveDone(),
      },
    );
    // graphql-ws gives no "subscribed" ack; a short pause lets the server register the subscription.
    setTimeout(resolve, 300);
  });
  const timer = setTimeout(resolveDone, timeoutMs);
  return {
    ready,
    received,
    async done() {
      await done;
      clearTimeout(timer);
      unsubscribe();
      return received;
    },
  };
}

/** Starts `src/cli/serve.ts` as a second process (its own pools, locks and in-memory model); resolves its URL. */
export interface ChildServer {
  url: string;
  /** The child's process id (benchmarks read its CPU time from /proc). */
  pid: number;
  gql: TestServer['gql'];
  /** Sends SIGTERM; resolves with the exit code once the process has exited (its database connections closed). */
  stop(): Promise<number | null>;
}

export async function startChildServer(
  env: Record<string, string>,
  /** `compiled`: the production start (`npm run start:prod`: dist/, built by `npm run build`) instead of `npm start`. */
  opts: { execArgv?: string[]; startTimeoutMs?: number; compiled?: boolean } = {},
): Promise<ChildServer> {
  const entry = opts.compiled ? ['dist/src/cli/serve.js'] : ['--import', 'tsx', 'src/cli/serve.ts'];
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), ...entry], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child server did not start:\n${out}`)),
      opts.startTimeoutMs ?? 60_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/GraphQL and GraphiQL at (http[^\s,]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child server exited ${code}:\n${out}`)));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
  // A child that dies on its own (a crash, out of memory) says why: its callers only see a refused connection.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(`child server exited (${code ?? signal}) unasked; its output:\n${out.slice(-4000)}\n`);
  });
  return {
    url,
    pid: child.pid!,
    gql: (query, variables) => postGraphql(url, query, variables),
    stop: () => {
      stopping = true;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * A migrated store on a fresh database for the suite it is called in (store-level tests, no server): opened before
 * the suite's tests, closed and dropped after them. Read `.store` inside tests.
 */
export function useMigratedStore(provider: ProviderName): { store: Store } {
  const handle = {} as { store: Store };
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = freshDatabase(provider);
    const target = parseDatabaseUrl(db.url);
    await migrate(target, () => {});
    handle.store = await openStore(target);
  });
  afterAll(async () => {
    await handle.store?.close();
    await db?.drop();
  });
  return handle;
}
