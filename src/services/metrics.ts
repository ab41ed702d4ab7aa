// Prometheus metrics of one server process (/metrics, prom-client): GraphQL latency per operation, events
// ingested, how far the recommender is behind the shared log, write batch sizes, encoder batch sizes, the
// database's transactions (and PostgreSQL's connection pool), the process's own runtime.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreStats } from '../store/types.js';
import type { LogFollower } from './logFollower.js';

export interface Metrics {
  registry: Registry;
  operationSeconds: Histogram<'operation' | 'type' | 'outcome'>;
  eventsIngested: Counter<'path'>;
  writeBatchEvents: Histogram;
  /** Texts per encoder batch (EncoderService's onBatch). */
  encoderBatchTexts: Histogram;
  /** Registers the log lag gauge once the follower exists. */
  follow(follower: LogFollower): void;
  /** Registers the database metrics (transactions; pool counts on PostgreSQL) for the store's stats. */
  database(provider: string, stats: StoreStats): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tastegraph_' });
  const operationSeconds = new Histogram({
    name: 'tastegraph_graphql_operation_seconds',
    help: 'GraphQL operation latency by operation name and type',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsIngested = new Counter({
    name: 'tastegraph_events_ingested_total',
    help: 'Behaviour events this process committed to the log',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  const writeBatchEvents = new Histogram({
    name: 'tastegraph_write_batch_events',
    help: 'Events per write transaction (recordBehaviors calls and group commits of recordBehavior)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const encoderBatchTexts = new Histogram({
    name: 'tastegraph_encoder_batch_texts',
    help: 'Texts per encoder batch (the batcher every encode request goes through)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  return {
    registry,
    operationSeconds,
    eventsIngested,
    writeBatchEvents,
    encoderBatchTexts,
    follow(follower) {
      new Gauge({
        name: 'tastegraph_log_lag',
        help: "Sequence numbers this process's recommender (behaviors) or catalogue (catalog) is behind the log head",
        labelNames: ['log'] as const,
        registers: [registry],
        async collect() {
          const p = await follower.position().catch(() => null);
          if (!p) return;
          this.set({ log: 'behaviors' }, p.behaviors.lag);
          this.set({ log: 'catalog' }, p.catalog.lag);
        },
      });
    },
    database(provider, stats) {
      const transactionSeconds = new Histogram({
        name: 'tastegraph_db_transaction_seconds',
        help: 'Duration of write transactions (begin to commit or rollback), including waiting for the connection',
        labelNames: ['provider', 'outcome'] as const,
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      });
      stats.onTransaction = (seconds, outcome) => transactionSeconds.observe({ provider, outcome }, seconds);
      new Gauge({
        name: 'tastegraph_db_transactions_in_flight',
        help: 'Write transactions begun and not yet ended (SQLite runs one at a time; the rest wait for the lock)',
        labelNames: ['provider'] as const,
        registers: [registry],
        collect() {
          this.set({ provider }, stats.transactionsInFlight);
        },
      });
      if (stats.walSyncs() !== null) {
        let reported = 0;
        new Counter({
          name: 'tastegraph_sqlite_wal_syncs_total',
          help: 'SQLite WAL syncs that made commits durable (off the event loop; commits that end during one share the next)',
          registers: [registry],
          collect() {
            const now = stats.walSyncs() ?? reported;
            this.inc(now - reported);
            reported = now;
          },
        });
      }
      if (!stats.pool()) return;
      new Gauge({
        name: 'tastegraph_db_pool_connections',
        help: 'PostgreSQL connection pool: open connections (total), idle ones, and requests waiting for one',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const p = stats.pool();
          if (!p) return;
          this.set({ state: 'total' }, p.total);
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    },
  };
}
