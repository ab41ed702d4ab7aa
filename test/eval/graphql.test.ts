// The eval's --graphql check end to end: the same events through a test server's GraphQL API (upsertItems,
// recordBehaviors, User.recommendations) and through the eval's in-process twin must give the same ranked lists,
// with the same scores. The synthetic data has timestamp ties within and across users, several users per
// recordBehaviors batch, ratings on both sides of a user's mean and a few other event types.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareWithGraphql } from '../../eval/graphql.js';
import type { EvalItem, EvalUser, LoadedDataset } from '../../eval/datasets/types.js';
import { Progress } from '../../eval/progress.js';
import { planSplit } from '../../eval/protocol.js';
import { TastegraphContext } from '../../eval/tastegraph.js';
import { itemVectors } from '../../eval/vectors.js';
import { mulberry32 } from '../../src/domain/recommend/random.js';
import { BEHAVIOR_TYPES } from '../../src/domain/types.js';
import { providers, startTestServer, type TestServer } from '../helpers/server.js';

const TOPICS = [
  { category: 'Sci-Fi', words: ['starship', 'galaxy', 'robot', 'alien', 'orbit', 'laser'] },
  { category: 'Horror', words: ['haunted', 'ghost', 'cellar', 'scream', 'vampire', 'curse'] },
  { category: 'Cooking', words: ['skillet', 'recipe', 'bread', 'spice', 'oven', 'pasta'] },
  { category: 'Nature', words: ['forest', 'river', 'wildlife', 'mountain', 'ocean', 'bird'] },
];

function syntheticDataset(): LoadedDataset {
  const rand = mulberry32(7);
  const items: EvalItem[] = Array.from({ length: 160 }, (_, i) => {
    const t = TOPICS[i % TOPICS.length]!;
    const w = (k: number) => t.words[(i + k) % t.words.length]!;
    return {
      id: `it${i}`,
      title: `The ${w(0)} and the ${w(1)} ${i}`,
      description: `A story of a ${w(2)}, a ${w(3)} and a ${w(4)}.`,
      category: t.category,
      tags: [w(0), w(5)],
      brand: null,
      price: 5 + (i % 7),
    };
  });
  const base = Date.UTC(2024, 0, 1);
  const users: EvalUser[] = Array.from({ length: 60 }, (_, u) => {
    // Two favourite topics per user; 20 to 32 distinct items, mostly from them, popular ones more often: the
    // co-visitation rows of popular items fill and get pruned, where the order events arrive in matters most.
    const fav = [u % TOPICS.length, (u + 1 + (u % 3)) % TOPICS.length];
    const n = 20 + (u % 13);
    const chosen: number[] = [];
    while (chosen.length < n) {
      const topic = rand() < 0.8 ? fav[chosen.length % 2]! : Math.floor(rand() * TOPICS.length);
      const it = topic + TOPICS.length * Math.floor(rand() ** 2 * (items.length / TOPICS.length));
      if (!chosen.includes(it)) chosen.push(it);
    }
    // Three events per hour slot (ties within a user), and users with the same u % 4 share every timestamp.
    const times = chosen.map((_, k) => base + Math.floor(k / 3) * 3_600_000 + (u % 4) * 60_000);
    const types = chosen.map(() => {
      const r = rand();
      return BEHAVIOR_TYPES.indexOf(r < 0.75 ? 'RATE' : r < 0.85 ? 'PURCHASE' : r < 0.95 ? 'VIEW' : 'SKIP');
    });
    const ratings = chosen.map((_, k) =>
      BEHAVIOR_TYPES[types[k]!] === 'RATE' ? 1 + Math.floor(rand() * 5) : Number.NaN,
    );
    return {
      id: `u${u}`,
      items: Int32Array.from(chosen),
      times: Float64Array.from(times),
      ratings: Float32Array.from(ratings),
      types: Uint8Array.from(types),
      texts: null,
    };
  });
  return {
    name: 'synthetic-ties',
    items,
    users,
    timing: 'timestamps',
    syntheticSpacingMs: null,
    defaultType: 'RATE',
    repeatsAreTargets: false,
    files: [],
    notes: [],
    stats: {},
  };
}

describe.each(await providers())('eval --graphql on %s: the server and the in-process twin rank alike', (provider) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(provider);
  });
  afterAll(async () => server?.stop());

  it('every sampled user gets the same ranked list with the same scores', async () => {
    Progress.silent = true;
    const ds = syntheticDataset();
    const plan = planSplit(ds);
    const vec = await itemVectors('lexical', ds);
    // One clock for both paths: the server scores at its Date.now(), the twin at Date.now() of the same request.
    // Frozen, scores must match exactly; the real run against another process differs only by that clock gap.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now());
    let g: Awaited<ReturnType<typeof compareWithGraphql>>;
    try {
      g = await compareWithGraphql({
        url: server.url,
        sample: plan.users.length,
        ds,
        vec,
        ctx: new TastegraphContext(ds, vec.rows, vec.dim, plan.users),
        plan,
      });
    } finally {
      clock.mockRestore();
    }
    expect(g.eventsUploaded).toBeGreaterThan(1400);
    expect(g.usersCompared).toBe(60);
    expect(g.firstDifferences).toEqual([]);
    expect(g.identicalRankedLists).toBe(60);
    expect(g.maxRelativeScoreDifference).toBe(0);
    // Not vacuous: full lists came back.
    const res = await server.gql<{ user: { recommendations: unknown[] } }>(
      `{ user(id: "u5") { recommendations(first: 10, explore: 0) { score } } }`,
    );
    expect(res.data!.user.recommendations).toHaveLength(10);
  }, 60_000);
});
