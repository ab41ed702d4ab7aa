// The README's examples work as written: every graphql block of "Try it" runs without errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startTestServer, type TestServer } from '../helpers/server.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.split('## Try it')[1]!.split('\n## ')[0]!;
const blocks = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README examples', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.stop());

  it('has a mutation, a query and a subscription, and they all work', async () => {
    const subscription = blocks.find((b) => b.trimStart().startsWith('subscription'));
    const operations = blocks.filter((b) => b !== subscription);
    expect(subscription).toBeDefined();
    expect(operations.some((b) => b.trimStart().startsWith('mutation'))).toBe(true);
    expect(operations.some((b) => b.trimStart().startsWith('query'))).toBe(true);

    const live = collect<{ profileUpdated: { userId: string; version: number } }>(
      server.ws(),
      subscription!,
      {},
      1,
      5000,
    );
    await live.ready;
    for (const op of operations) {
      const res = await server.gql(op);
      expect(res.errors, op).toBeUndefined();
      expect(res.data).toBeDefined();
    }
    const updates = await live.done();
    expect(updates[0]!.profileUpdated).toMatchObject({ userId: 'alice', version: 1 });
    const alice = await server.gql<{ user: { recommendations: Array<{ item: { id: string }; reasons: unknown[] }> } }>(
      operations.find((b) => b.includes('query Alice'))!,
    );
    expect(alice.data!.user.recommendations.map((r) => r.item.id)).toContain('alien');
    expect(alice.data!.user.recommendations.every((r) => r.reasons.length > 0)).toBe(true);
  });
});
