// Applies prisma/<provider>/migrations in Prisma's layout, recording each in `_prisma_migrations` exactly like
// `prisma migrate deploy` does, because Prisma's native migrate engine cannot be downloaded on these machines.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget, Provider } from './databaseUrl.js';

/** The folder holding prisma/: two levels up from src/store, three from dist/src/store (the compiled start). */
const repoRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = path.dirname(dir)) if (existsSync(path.join(dir, 'prisma'))) return dir;
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
})();

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(provider: Provider): Migration[] {
  const dir = path.join(repoRoot, 'prisma', provider, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
  "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;
const PG_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

export interface MigrationReport {
  applied: string[];
  pending: string[];
}

/** Applies pending migrations (each once, in a transaction, recorded). Safe to run concurrently and repeatedly. */
export async function migrate(
  target: DatabaseTarget,
  log: (line: string) => void = () => {},
): Promise<MigrationReport> {
  const migrations = listMigrations(target.provider);
  const applied: string[] = [];
  if (target.provider === 'sqlite') {
    mkdirSync(path.dirname(target.location), { recursive: true });
    const db = new Database(target.location);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(SQLITE_TABLE);
      for (const m of migrations) {
        // BEGIN IMMEDIATE takes the write lock first, so two processes cannot both apply a migration.
        const tx = db.transaction(() => {
          const done = db
            .prepare(
              `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
            )
            .get(m.name) as { checksum: string } | undefined;
          if (done) return checkChecksum(m, done.checksum);
          db.exec(m.sql);
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, current_timestamp, ?, current_timestamp, 1)`,
          ).run(randomUUID(), m.checksum, m.name);
          applied.push(m.name);
          log(`applied migration ${m.name}`);
        });
        tx.immediate();
      }
    } finally {
      db.close();
    }
    return { applied, pending: [] };
  }
  const client = new pg.Client({ connectionString: target.location });
  await client.connect();
  try {
    // A session advisory lock serialises concurrent migrators (two servers starting at once), schema creation included.
    await client.query('SELECT pg_advisory_lock(7246871)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    await client.query(`SET search_path TO "${target.schema}"`);
    await client.query(PG_TABLE);
    for (const m of migrations) {
      await client.query('BEGIN');
      try {
        const done = await client.query(
          `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          [m.name],
        );
        if (done.rowCount) {
          checkChecksum(m, done.rows[0].checksum);
        } else {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          applied.push(m.name);
          log(`applied migration ${m.name}`);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(7246871)').catch(() => undefined);
    await client.end();
  }
  return { applied, pending: [] };
}

function checkChecksum(m: Migration, stored: string): void {
  if (stored !== m.checksum) {
    throw new Error(
      `Migration ${m.name} was changed after it was applied (checksum differs). Add a new migration instead of editing an applied one.`,
    );
  }
}

/** Names of migrations not yet applied (for /readyz). */
export async function pendingMigrations(target: DatabaseTarget): Promise<string[]> {
  const all = listMigrations(target.provider).map((m) => m.name);
  let done: string[] = [];
  if (target.provider === 'sqlite') {
    if (!existsSync(target.location)) return all;
    const db = new Database(target.location, { readonly: true });
    try {
      const t = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name='_prisma_migrations'`).get();
      if (t)
        done = (
          db
            .prepare(
              `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
            )
            .all() as { migration_name: string }[]
        ).map((r) => r.migration_name);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: target.location });
    await client.connect();
    try {
      const r = await client.query(`SELECT to_regclass($1) AS t`, [`"${target.schema}"."_prisma_migrations"`]);
      if (r.rows[0].t) {
        const rows = await client.query(
          `SELECT migration_name FROM "${target.schema}"."_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        );
        done = rows.rows.map((x: { migration_name: string }) => x.migration_name);
      }
    } finally {
      await client.end();
    }
  }
  return all.filter((n) => !done.includes(n));
}
