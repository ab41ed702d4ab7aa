// SQLite commits are synced off the event loop (src/store/sqliteDurability.ts): every commit and every write outside
// a transaction resolves only after a WAL sync that started after it; concurrent callers share syncs.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { syncedCommits, WalSync } from '../../src/store/sqliteDurability.js';
import { freshDatabase } from '../helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tastegraph-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WalSync', () => {
  it('gives a caller arriving during a sync the next one, shared by everyone who arrived meanwhile', async () => {
    const file = path.join(dir, 'a-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    const first = wal.sync();
    const during = Array.from({ length: 10 }, () => wal.sync());
    expect(new Set(during).size).toBe(1);
    expect(during[0]).not.toBe(first);
    await Promise.all([first, ...during]);
    expect(wal.syncs).toBe(2);
    await wal.sync();
    expect(wal.syncs).toBe(3);
    await wal.close();
  });

  it('has nothing to sync before the WAL exists', async () => {
    const wal = new WalSync(path.join(dir, 'missing-wal'));
    await wal.sync();
    expect(wal.syncs).toBe(0);
    await wal.close();
  });
});

/** A fake adapter that logs what runs, in order, beside the syncs. */
function fakeFactory(log: string[]): SqlDriverAdapterFactory {
  const run = (what: string) => async (q: SqlQuery) => {
    log.push(`${what} ${q.sql}`);
    return what === 'query' ? { columnNames: [], columnTypes: [], rows: [] } : 1;
  };
  const adapter = {
    provider: 'sqlite',
    adapterName: 'fake',
    queryRaw: run('query'),
    executeRaw: run('execute'),
    executeScript: async (script: string) => void log.push(`script ${script}`),
    startTransaction: async () => ({
      provider: 'sqlite',
      adapterName: 'fake',
      options: { usePhantomQuery: false },
      queryRaw: run('tx query'),
      executeRaw: run('tx execute'),
      commit: async () => void log.push('commit'),
      rollback: async () => void log.push('rollback'),
    }),
    dispose: async () => {},
  } as unknown as SqlDriverAdapter;
  return { provider: 'sqlite', adapterName: 'fake', connect: async () => adapter };
}

describe('synced commits', () => {
  it('sync after each commit and each write outside a transaction, never inside one or after a read', async () => {
    const log: string[] = [];
    const wal = new WalSync(path.join(dir, 'unused-wal'));
    wal.sync = async () => void log.push('sync');
    const adapter = await syncedCommits(fakeFactory(log), wal).connect();
    await adapter.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] });
    await adapter.executeRaw({ sql: 'INSERT INTO t VALUES (1)', args: [], argTypes: [] });
    await adapter.queryRaw({ sql: 'INSERT INTO t VALUES (2) RETURNING id', args: [], argTypes: [] });
    const tx = await adapter.startTransaction();
    await tx.executeRaw({ sql: 'UPDATE t SET x = 1', args: [], argTypes: [] });
    await tx.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
    await tx.commit();
    const rolledBack = await adapter.startTransaction();
    await rolledBack.rollback();
    expect(log).toEqual([
      'query SELECT 1',
      'execute INSERT INTO t VALUES (1)',
      'sync',
      'query INSERT INTO t VALUES (2) RETURNING id',
      'sync',
      'tx execute UPDATE t SET x = 1',
      'tx execute COMMIT',
      'commit',
      'sync',
      'rollback',
    ]);
  });

  it('a store on the default URL syncs its writes (concurrent ones sharing syncs), one per transaction', async () => {
    const db = freshDatabase('sqlite');
    const target = parseDatabaseUrl(db.url);
    expect(target.synchronous).toBe('full');
    await migrate(target, () => {});
    const store = await openStore(target);
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.upsertUser({ id: `d${i}`, attributes: { i }, onboardingText: null }),
        ),
      );
      const afterUpserts = store.stats.walSyncs()!;
      expect(afterUpserts).toBeGreaterThan(0);
      expect(afterUpserts).toBeLessThanOrEqual(20);
      await store.transaction((tx) => tx.ensureUsers(['t1', 't2']));
      expect(store.stats.walSyncs()).toBe(afterUpserts + 1);
      expect(await store.countUsers()).toBe(22);
    } finally {
      await store.close();
    }
    expect(existsSync(`${target.location}-wal`)).toBe(false);
    await db.drop();
  });
});
