// SQLite in WAL mode copies the log back into the database file in checkpoints. By default the committing
// connection runs one itself whenever the WAL passes 1,000 pages: on the server's one thread, writing pages scattered
// over a large file and syncing it, while every request waits (a CPU profile under a steady writer at 100k items
// spent ~18% of the server's time in COMMIT). Here the writer's automatic checkpoints are off and a worker thread
// with its own connection runs passive checkpoints (they never block the writer or readers) on a timer.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints, in ms. */
const EVERY_MS = 500;

/** What the worker runs (plain CommonJS: it must load the same way under tsx and from the compiled dist/). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0, fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ closed: true });
});
`;

/**
 * Pragmas for the writer's connection: no automatic checkpoints (the worker runs them), the WAL file cut back to
 * 64 MB when it restarts, and commits that do not sync (NORMAL): where the URL asks for full durability the store
 * syncs the WAL after each commit itself, off the event loop (sqliteDurability.ts).
 */
export function sqlitePragmas(): string {
  return 'PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864; PRAGMA synchronous = NORMAL;';
}

/** The worker that checkpoints one database file; `close` stops it after a last checkpoint. */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private failed = false;

  constructor(file: string, onError: (message: string) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs: EVERY_MS } });
    // Never the reason a process stays alive (close() ends it in an orderly shutdown).
    this.worker.unref();
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) onError(`SQLite background checkpoint failed: ${m.error}`);
    });
    this.worker.on('error', (err) => {
      this.failed = true;
      onError(`SQLite checkpoint worker stopped: ${err.message}`);
    });
  }

  /** Whether the worker died (the writer should then checkpoint itself again). */
  get stopped(): boolean {
    return this.failed;
  }

  async close(): Promise<void> {
    if (this.failed) return;
    const closed = new Promise<void>((resolve) => {
      this.worker.on('message', (m: { closed?: boolean }) => m.closed && resolve());
      this.worker.once('exit', () => resolve());
      this.worker.once('error', () => resolve());
    });
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
  }
}
