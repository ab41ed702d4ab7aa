// The operation checker's cost reuse: HTTP asks for the cost only (Apollo validates variables itself), so a cost is
// reused for the same document and the same values of the variables it can depend on, and recomputed when they change.
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { OperationLimits } from '../../src/auth/config.js';
import { createOperationChecker } from '../../src/auth/limits.js';

const schema = buildSchema(`
  type Item { id: ID! title: String }
  input EventInput { itemId: ID! value: Float }
  type Query { items(first: Int = 20): [Item!]! item(id: ID!): Item }
  type Mutation { record(inputs: [EventInput!]!): Int }
`);
const limits: OperationLimits = {
  maxDepth: 10,
  maxAliases: 10,
  maxDirectives: 10,
  maxTokens: 1000,
  maxCost: 100,
  recommendationCost: 5,
  maxBodyBytes: 1_000_000,
  maxSubscriptionsPerSocket: 10,
};
const checker = () => createOperationChecker(schema, limits, false, 1000);
const PAGE = 'query($n: Int, $skip: Boolean!) { items(first: $n) { id title @skip(if: $skip) } }';

describe('operation checker, cost only', () => {
  it('recomputes the cost when a `first` variable changes, so a reused cost never lets a costlier request through', () => {
    const c = checker();
    expect(c.check(PAGE, { n: 10, skip: false }, null, true).ok).toBe(true);
    // 1 + 60 × 2 = 121 > 100: refused, though the same document passed with n = 10.
    const big = c.check(PAGE, { n: 60, skip: false }, null, true);
    expect(big.ok).toBe(false);
    expect('limitError' in big && big.limitError.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(c.check(PAGE, { n: 10, skip: false }, null, true).ok).toBe(true);
  });

  it('recomputes the cost when a directive variable changes', () => {
    const c = checker();
    // 1 + 45 × 1 = 46 with the title skipped; 1 + 45 × 2 = 91 with it; 1 + 55 × 2 = 111 refused only with it.
    expect(c.check(PAGE, { n: 55, skip: true }, null, true).ok).toBe(true);
    expect(c.check(PAGE, { n: 55, skip: false }, null, true).ok).toBe(false);
  });

  it('reuses the cost of a document whose other variables differ, leaving their validation to the GraphQL layer', () => {
    const c = checker();
    const RECORD = 'mutation($inputs: [EventInput!]!) { record(inputs: $inputs) }';
    expect(c.check(RECORD, { inputs: [{ itemId: 'a' }] }, null, true).ok).toBe(true);
    // Invalid inputs: with the cost known, the cost-only check passes them on (Apollo answers BAD_USER_INPUT)...
    expect(c.check(RECORD, { inputs: [{ value: 'x' }] }, null, true).ok).toBe(true);
    // ...while a full check (WebSocket subscriptions, which get no second validation) still reports them.
    const full = c.check(RECORD, { inputs: [{ value: 'x' }] }, null, false);
    expect(full.ok).toBe(false);
    expect('invalid' in full && full.invalid[0]!.message).toMatch(/\$inputs/);
  });

  it('reports invalid cost-bearing variables on first sight, even when costs are reused', () => {
    const c = checker();
    const bad = c.check(PAGE, { n: 'ten', skip: false }, null, true);
    expect(bad.ok).toBe(false);
    expect('invalid' in bad && bad.invalid[0]!.message).toMatch(/\$n/);
  });
});
