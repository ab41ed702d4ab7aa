// The storage ceiling for bench:ingest: the same three writes per event as the server (the event row, a profile
// version of the same average size with a snapshot every 32 versions, the profile upsert with a state of the same
// size) straight through the driver, `batchSize` events per transaction, statements prepared once. No domain
// work, no GraphQL, no Prisma: what the database and driver allow on this machine.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrate, parseDatabaseUrl } from '../src/store/index.js';
import { freshDatabase, type ProviderName } from '../test/helpers/server.js';
import { round } from './common.js';

interface Event {
  userId: string;
  itemId: string;
  type: string;
  value: number | null;
  occurredAt: string;
  eventId: string;
}

export async function rawCeiling(
  provider: ProviderName,
  stream: Event[],
  opts: { batchSize: number; stateBytes: number; versionBytes: number },
) {
  const db = freshDatabase(provider);
  const target = parseDatabaseUrl(db.url);
  await migrate(target, () => {});
  const state = randomBytes(opts.stateBytes);
  // The version row's variable part: changed-facets JSON sized so the average row matches the server's.
  const facets = 'x'.repeat(Math.max(2, Math.round(opts.versionBytes - 60 - opts.stateBytes / 32)));
  const versionOf = new Map<string, number>();
  const next = (userId: string) => {
    const v = (versionOf.get(userId) ?? 0) + 1;
    versionOf.set(userId, v);
    return v;
  };
  let seconds: number;
  if (provider === 'sqlite') {
    const sqlite = new Database(target.location);
    sqlite.pragma('journal_mode = WAL');
    const insBehavior = sqlite.prepare(
      'INSERT INTO "Behavior" ("eventId","userId","itemId","type","value","text","occurredAt","receivedAt") VALUES (?,?,?,?,?,NULL,?,?)',
    );
    const insVersion = sqlite.prepare(
      'INSERT INTO "ProfileVersion" ("userId","version","behaviorId","drift","driftShort","changedFacets","eventCount","snapshot","createdAt","asOf") VALUES (?,?,?,0.1,0.1,?,?,?,?,?)',
    );
    const upsertProfile = sqlite.prepare(
      'INSERT INTO "Profile" ("userId","version","eventCount","state","summary","drift","driftShort","changedFacets","updatedAt") VALUES (?,?,?,?,?,0.1,0.1,?,?) ON CONFLICT ("userId") DO UPDATE SET "version"=excluded."version","eventCount"=excluded."eventCount","state"=excluded."state","summary"=excluded."summary","changedFacets"=excluded."changedFacets","updatedAt"=excluded."updatedAt"',
    );
    const batch = sqlite.transaction((events: Event[]) => {
      const now = new Date().toISOString();
      for (const e of events) {
        const id = insBehavior.run(e.eventId, e.userId, e.itemId, e.type, e.value, e.occurredAt, now).lastInsertRowid;
        const v = next(e.userId);
        insVersion.run(e.userId, v, id, facets, v, v % 32 === 0 ? state : null, now, e.occurredAt);
        upsertProfile.run(e.userId, v, v, state, 'summary of the profile', facets, now);
      }
    });
    const started = performance.now();
    for (let i = 0; i < stream.length; i += opts.batchSize) batch(stream.slice(i, i + opts.batchSize));
    seconds = (performance.now() - started) / 1000;
    sqlite.close();
  } else {
    const client = new pg.Client({ connectionString: target.location });
    await client.connect();
    const s = `"${target.schema}"`;
    const started = performance.now();
    for (let i = 0; i < stream.length; i += opts.batchSize) {
      const events = stream.slice(i, i + opts.batchSize);
      const now = new Date();
      await client.query('BEGIN');
      const ids = await client.query<{ id: number }>({
        name: 'ins-behavior',
        text: `INSERT INTO ${s}."Behavior" ("eventId","userId","itemId","type","value","occurredAt","receivedAt") SELECT * FROM unnest($1::text[],$2::text[],$3::text[],$4::text[],$5::float8[],$6::timestamp(3)[],$7::timestamp(3)[]) RETURNING "id"`,
        values: [
          events.map((e) => e.eventId),
          events.map((e) => e.userId),
          events.map((e) => e.itemId),
          events.map((e) => e.type),
          events.map((e) => e.value),
          events.map((e) => e.occurredAt),
          events.map(() => now),
        ],
      });
      const versions = events.map((e) => next(e.userId));
      await client.query({
        name: 'ins-version',
        text: `INSERT INTO ${s}."ProfileVersion" ("userId","version","behaviorId","drift","driftShort","changedFacets","eventCount","snapshot","createdAt","asOf") SELECT u, v, b, 0.1, 0.1, f, v, sn, $6, a FROM unnest($1::text[],$2::int[],$3::int[],$4::text[],$5::bytea[],$7::timestamp(3)[]) AS t(u, v, b, f, sn, a)`,
        values: [
          events.map((e) => e.userId),
          versions,
          ids.rows.map((r) => r.id),
          events.map(() => facets),
          versions.map((v) => (v % 32 === 0 ? state : null)),
          now,
          events.map((e) => e.occurredAt),
        ],
      });
      // One row per user in a statement (ON CONFLICT DO UPDATE may not touch a row twice): the last one wins.
      const last = new Map(events.map((e) => [e.userId, versionOf.get(e.userId)!]));
      await client.query({
        name: 'upsert-profile',
        text: `INSERT INTO ${s}."Profile" ("userId","version","eventCount","state","summary","drift","driftShort","changedFacets","updatedAt") SELECT u, v, v, $3, 'summary of the profile', 0.1, 0.1, $4, $5 FROM unnest($1::text[],$2::int[]) AS t(u, v) ON CONFLICT ("userId") DO UPDATE SET "version"=excluded."version","eventCount"=excluded."eventCount","state"=excluded."state","summary"=excluded."summary","changedFacets"=excluded."changedFacets","updatedAt"=excluded."updatedAt"`,
        values: [[...last.keys()], [...last.values()], state, facets, now],
      });
      await client.query('COMMIT');
    }
    seconds = (performance.now() - started) / 1000;
    await client.end();
  }
  await db.drop();
  return {
    events: stream.length,
    seconds: round(seconds, 2),
    eventsPerSecond: round(stream.length / seconds, 0),
    how:
      provider === 'sqlite'
        ? 'better-sqlite3, 3 prepared single-row statements per event, batchSize events per transaction'
        : 'pg, 3 prepared multi-row (unnest) statements per batch, batchSize events per transaction',
  };
}
