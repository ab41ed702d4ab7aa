// Durable SQLite commits without blocking the event loop. With `synchronous = FULL` SQLite syncs the WAL inside every
// COMMIT, and better-sqlite3 runs it on the calling thread: under a steady writer the server's one thread spent ~13%
// of its time waiting on those syncs while reads queued (bench:recommend, December 4). Instead the writer's connection
// runs with `synchronous = NORMAL` (a commit writes its WAL frames, no sync) and the store syncs the WAL itself after
// each commit and each write outside a transaction, through the libuv thread pool, before the caller goes on: an
// acknowledged write is on disk as with FULL, and commits that finish while a sync runs share the next one (group
// commit). What differs from FULL: for the few milliseconds between a commit and its sync, another connection can
// read rows that a power loss would still undo (a process crash undoes nothing: the frames are in the OS's cache).
import { open, type FileHandle } from 'node:fs/promises';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';

/** Syncs one WAL file; concurrent callers share syncs, and each waits for one that started after it asked. */
export class WalSync {
  private handle: FileHandle | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** Syncs performed (tests and metrics read it). */
  syncs = 0;

  constructor(private readonly file: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.datasync().finally(() => (this.running = null));
      return this.running;
    }
    // The sync running may have started before the caller's commit wrote its frames: wait for the next one, which
    // every caller arriving meanwhile shares.
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  async close(): Promise<void> {
    await this.running?.catch(() => {});
    await this.next?.catch(() => {});
    await this.handle?.close();
    this.handle = null;
  }

  private startNext(): Promise<void> {
    this.next = null;
    return this.sync();
  }

  private async datasync(): Promise<void> {
    if (!this.handle) {
      try {
        this.handle = await open(this.file, 'r');
      } catch (err) {
        // No WAL yet: nothing was written through it.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    await this.handle.datasync();
    this.syncs++;
  }
}

/** Statements that cannot have written (a sync after them would be wasted). */
const READ_ONLY = /^\s*SELECT\b/i;

/** The transaction, its commit resolved only once the WAL holding it is synced (after the connection is free). */
function syncedTransaction(tx: Transaction, wal: WalSync): Transaction {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === 'commit')
        return async () => {
          await target.commit();
          await wal.sync();
        };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The adapter, each write outside a transaction and each commit synced before it resolves. */
function syncedAdapter(adapter: SqlDriverAdapter, wal: WalSync): SqlDriverAdapter {
  const synced =
    <T>(run: (query: SqlQuery) => Promise<T>) =>
    async (query: SqlQuery): Promise<T> => {
      const result = await run(query);
      if (!READ_ONLY.test(query.sql)) await wal.sync();
      return result;
    };
  return new Proxy(adapter, {
    get(target, prop) {
      if (prop === 'queryRaw') return synced((q) => target.queryRaw(q));
      if (prop === 'executeRaw') return synced((q) => target.executeRaw(q));
      if (prop === 'executeScript')
        return async (script: string) => {
          await target.executeScript(script);
          await wal.sync();
        };
      if (prop === 'startTransaction')
        return async (...args: Parameters<SqlDriverAdapter['startTransaction']>) =>
          syncedTransaction(await target.startTransaction(...args), wal);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The factory, its adapters' writes synced through `wal` (the connection itself must run synchronous = NORMAL). */
export function syncedCommits<F extends SqlDriverAdapterFactory>(factory: F, wal: WalSync): F {
  return new Proxy(factory, {
    get: (target, prop) =>
      prop === 'connect'
        ? async () => syncedAdapter(await target.connect(), wal)
        : (Reflect.get(target, prop, target) as unknown),
  });
}
