// /metrics in Prometheus text format: latency per GraphQL operation, events ingested, write batch sizes, log lag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('/metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.stop());

  it('is scraped in Prometheus format after writes and reads', async () => {
    const items = [{ id: 'm1', title: 'Metric movie', category: 'Drama' }];
    expect(
      (await server.gql(`mutation Up($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items }))
        .errors,
    ).toBeUndefined();
    const inputs = [0, 1, 2].map((k) => ({ userId: `mu${k}`, eventId: `me${k}`, itemId: 'm1', type: 'VIEW' }));
    const rec = await server.gql(
      `mutation Rec($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
      {
        inputs,
      },
    );
    expect(rec.errors).toBeUndefined();
    const res = await fetch(server.url.replace(/\/graphql$/, '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /tastegraph_graphql_operation_seconds_count\{operation="Rec",type="mutation",outcome="ok"\} 1/,
    );
    expect(text).toMatch(/tastegraph_events_ingested_total\{path="batch"\} 3/);
    expect(text).toMatch(/tastegraph_write_batch_events_count 1/);
    expect(text).toMatch(/tastegraph_log_lag\{log="behaviors"\} 0/);
    expect(text).toMatch(/tastegraph_process_cpu_seconds_total/);
  });
});
