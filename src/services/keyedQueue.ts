// Background work keyed by id, a few at a time, never on the request path: a newer value for a queued key replaces
// the older one. The summary rewriter and the text feature extractor run on it.
export class KeyedQueue<V> {
  private readonly pending = new Map<string, V>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    /** Does one job; it handles its own errors (a rejection is ignored here). */
    private readonly work: (key: string, value: V) => Promise<void>,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  has(key: string): boolean {
    return this.pending.has(key);
  }

  enqueue(key: string, value: V): void {
    this.pending.set(key, value);
    this.pump();
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && !this.pending.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.pending.size) {
      const [key, value] = this.pending.entries().next().value as [string, V];
      this.pending.delete(key);
      this.running++;
      void this.work(key, value)
        .catch(() => {})
        .finally(() => {
          this.running--;
          this.pump();
          if (!this.running && !this.pending.size) this.idleWaiters.splice(0).forEach((w) => w());
        });
    }
  }
}
