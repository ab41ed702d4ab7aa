// /metrics in Prometheus text format: latency per GraphQL operation, events ingested, write batch sizes, log lag,
// encoder batch sizes, database transactions and (PostgreSQL) the connection pool; and who may read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsAccess } from '../../src/server/metricsAccess.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

/** The value of one sample line (name with its labels, exactly as exposed), or null when absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe.each(await providers())('/metrics on %s', (provider) => {
  let server: TestServer;
  const scrape = async () => {
    const res = await fetch(server.url.replace(/\/graphql$/, '/metrics'), {
      headers: { authorization: 'Bearer scrape-me' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  beforeAll(async () => {
    server = await startTestServer(provider, { METRICS_TOKEN: 'scrape-me' });
  });
  afterAll(async () => server?.stop());

  it('is scraped in Prometheus format, and each metric moves with the work done', async () => {
    const before = await scrape();
    const txCommits = `tastegraph_db_transaction_seconds_count{provider="${provider}",outcome="commit"}`;
    const items = [
      { id: 'm1', title: 'Metric movie', category: 'Drama' },
      { id: 'm2', title: 'Another metric movie about trains', category: 'Drama' },
    ];
    expect(
      (await server.gql(`mutation Up($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items }))
        .errors,
    ).toBeUndefined();
    const inputs = [0, 1, 2].map((k) => ({ userId: `mu${k}`, eventId: `me${k}`, itemId: 'm1', type: 'VIEW' }));
    const rec = await server.gql(
      `mutation Rec($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
      { inputs },
    );
    expect(rec.errors).toBeUndefined();
    const text = await scrape();
    expect(text).toMatch(
      /tastegraph_graphql_operation_seconds_count\{operation="Rec",type="mutation",outcome="ok"\} 1/,
    );
    expect(text).toMatch(/tastegraph_graphql_operation_seconds_count\{operation="Up",type="mutation",outcome="ok"\} 1/);
    expect(text).toMatch(/tastegraph_events_ingested_total\{path="batch"\} 3/);
    expect(text).toMatch(/tastegraph_write_batch_events_count 1/);
    expect(text).toMatch(/tastegraph_log_lag\{log="behaviors"\} 0/);
    expect(text).toMatch(/tastegraph_process_cpu_seconds_total/);
    // The two item texts went through the encoder's batcher: more batches and more texts than before.
    expect(sample(text, 'tastegraph_encoder_batch_texts_count')!).toBeGreaterThan(
      sample(before, 'tastegraph_encoder_batch_texts_count') ?? 0,
    );
    expect(
      sample(text, 'tastegraph_encoder_batch_texts_sum')! - (sample(before, 'tastegraph_encoder_batch_texts_sum') ?? 0),
    ).toBeGreaterThanOrEqual(2);
    // The item upsert and the event batch each committed a transaction, and none is open at rest.
    expect(sample(text, txCommits)! - (sample(before, txCommits) ?? 0)).toBeGreaterThanOrEqual(2);
    expect(
      sample(text, `tastegraph_db_transaction_seconds_sum{provider="${provider}",outcome="commit"}`),
    ).toBeGreaterThan(0);
    expect(sample(text, `tastegraph_db_transactions_in_flight{provider="${provider}"}`)).toBe(0);
    if (provider === 'postgresql') {
      expect(sample(text, 'tastegraph_db_pool_connections{state="total"}')!).toBeGreaterThan(0);
      expect(sample(text, 'tastegraph_db_pool_connections{state="waiting"}')).toBe(0);
      expect(text).not.toMatch(/tastegraph_sqlite_wal_syncs_total/);
    } else {
      expect(text).not.toMatch(/tastegraph_db_pool_connections/);
      // The two commits were synced before they answered (one sync each, or shared).
      const syncs = 'tastegraph_sqlite_wal_syncs_total';
      expect(sample(text, syncs)! - (sample(before, syncs) ?? 0)).toBeGreaterThanOrEqual(1);
    }
  });

  it('counts a transaction in flight while it runs, and a rolled-back one by its outcome', async () => {
    const { registry } = server.services.metrics;
    const inFlight = async () =>
      sample(
        await registry.getSingleMetricAsString('tastegraph_db_transactions_in_flight'),
        `tastegraph_db_transactions_in_flight{provider="${provider}"}`,
      );
    const during = await server.services.store
      .transaction(async () => {
        const n = await inFlight();
        throw Object.assign(new Error('roll back'), { n });
      })
      .catch((err: { n: number }) => err.n);
    expect(during).toBe(1);
    expect(await inFlight()).toBe(0);
    const text = await scrape();
    expect(sample(text, `tastegraph_db_transaction_seconds_count{provider="${provider}",outcome="rollback"}`)).toBe(1);
  });

  it('refuses a scrape without the METRICS_TOKEN bearer', async () => {
    const url = server.url.replace(/\/graphql$/, '/metrics');
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.stop());

  it('is open outside production (local development)', async () => {
    const res = await fetch(server.url.replace(/\/graphql$/, '/metrics'));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/tastegraph_graphql_operation_seconds/);
  });
});

describe('metricsAccess in production', () => {
  /** Runs the handler on a request with `authorization`; returns the status it set, or 'next' when it let it through. */
  function run(handler: ReturnType<typeof metricsAccess>, authorization?: string): number | 'next' {
    let status: number | 'next' = 'next';
    const res = {
      setHeader: () => res,
      status: (s: number) => ((status = s), res),
      type: () => res,
      send: () => res,
    };
    handler({ headers: { authorization } } as never, res as never, () => {});
    return status;
  }

  it('refuses every scrape when no token is set, and accepts only the token when one is', () => {
    expect(run(metricsAccess(null, true))).toBe(403);
    expect(run(metricsAccess(null, true), 'Bearer anything')).toBe(403);
    expect(run(metricsAccess('t0ken', true), 'Bearer t0ken')).toBe('next');
    expect(run(metricsAccess('t0ken', true), 'Bearer t0ke')).toBe(401);
  });
});
