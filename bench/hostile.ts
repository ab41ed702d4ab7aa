// `npm run bench:hostile`: how fast the 50-alias cost bomb of issue #13 is refused, and a well-behaved client's
// latency (p50/p99 of User.recommendations) idle and while attackers send cost bombs, deep queries and bad tokens
// as fast as they can. The server runs as its own process (src/cli/serve.ts); rate limits are off for the attackers
// so every hostile request reaches the operation checks (the worst case for the checks themselves).
import 'reflect-metadata';
import { mintToken } from '../src/auth/token.js';
import { freshDatabase, startChildServer } from '../test/helpers/server.js';
import { machine, percentile, round, writeResult } from './common.js';

const SECRET = 'bench-hostile-secret-0123456789abcdef';
const REQUESTS = 500;
const ATTACKERS = 4;

const USER_FIELDS = `recommendations(first: 100) { score item { id } } profileHistory(first: 100) { edges { node { version } } }
  behaviors(first: 100) { edges { node { id text } } } profile { summary }`;
const BOMB = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: users(first: 100) { edges { node { ${USER_FIELDS} } } }`).join(' ')} }`;

async function post(url: string, token: string | null, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const stats = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s[s.length - 1]!) };
};

const db = freshDatabase('sqlite');
const server = await startChildServer({
  DATABASE_URL: db.url,
  AUTH_JWT_SECRET: SECRET,
  RATE_LIMIT_ANONYMOUS: '0',
  RATE_LIMIT_USER: '0',
  LOG_LEVEL: 'silent',
});
try {
  const admin = await mintToken({ secret: SECRET, sub: 'root', role: 'admin' });
  const items = Array.from({ length: 500 }, (_, i) => ({
    id: `i${i}`,
    title: `Item ${i}`,
    category: `c${i % 10}`,
    tags: [`t${i % 7}`],
  }));
  await post(server.url, admin, {
    query: `mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`,
    variables: { items },
  });
  const users = Array.from({ length: 50 }, (_, u) => `u${u}`);
  const inputs = users.flatMap((u, k) =>
    Array.from({ length: 10 }, (_, j) => ({ userId: u, itemId: `i${(k * 7 + j * 13) % 500}`, type: 'VIEW' })),
  );
  const seeded = await post(server.url, admin, {
    query: `mutation($inputs: [BehaviorInput!]!) { recordBehaviors(inputs: $inputs) { count } }`,
    variables: { inputs },
  });
  if (seeded.json.errors) throw new Error(JSON.stringify(seeded.json.errors));
  const userTokens = await Promise.all(users.map((sub) => mintToken({ secret: SECRET, sub, role: 'user' })));
  const mallory = await mintToken({ secret: SECRET, sub: 'mallory', role: 'user' });

  // 1. The cost bomb: time to the coded refusal, measured by the client (includes HTTP and JSON).
  const bombTimes: number[] = [];
  let bombCode = '';
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await post(server.url, mallory, { query: BOMB });
    bombTimes.push(performance.now() - t0);
    bombCode = `${r.status} ${r.json.errors?.[0]?.extensions?.code} (${r.json.errors?.[0]?.extensions?.limit})`;
  }

  // 2. A well-behaved client, idle and under attack.
  const wellBehaved = async () => {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const u = i % users.length;
      const t0 = performance.now();
      const r = await post(server.url, userTokens[u]!, {
        query: `query($id: ID!) { user(id: $id) { recommendations(first: 10) { item { id title } score reasons { kind text } } } }`,
        variables: { id: users[u] },
      });
      times.push(performance.now() - t0);
      if (r.json.errors) throw new Error(`well-behaved client refused: ${JSON.stringify(r.json.errors)}`);
    }
    return stats(times);
  };
  await wellBehaved(); // warm-up
  const idle = await wellBehaved();
  let stop = false;
  let attacks = 0;
  const hostile = [
    () => post(server.url, mallory, { query: BOMB }),
    () => post(server.url, mallory, { query: `{ users(first: 100) { edges { node { ${USER_FIELDS} } } } }` }),
    () => post(server.url, null, { query: `{ items { ${'edges { '.repeat(40)}id${' }'.repeat(40)} } }` }),
    () => post(server.url, 'forged.token.value', { query: '{ user(id: "u1") { id } }' }),
    () => post(server.url, mallory, { query: '{ user(id: "u1") { behaviors { totalCount } } }' }),
  ];
  const attackers = Array.from({ length: ATTACKERS }, async (_, a) => {
    for (let i = a; !stop; i++) {
      await hostile[i % hostile.length]!();
      attacks++;
    }
  });
  const t0 = performance.now();
  const underAttack = await wellBehaved();
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(attackers);

  const bomb = stats(bombTimes);
  const file = writeResult('hostile', {
    description:
      'Issue #13: refusal time of the 50-alias cost bomb; p99 of a well-behaved client idle vs. with attackers alongside',
    server:
      'src/cli/serve.ts as a child process, SQLite, 500 items, 50 users x 10 events, default limits, rate limits off for users',
    costBomb: { ...bomb, answer: bombCode, goalMs: 50, meetsGoal: bomb.p99 < 50 },
    wellBehavedClient: {
      query: 'user(id) { recommendations(first: 10) { item { id title } score reasons { kind text } } }',
      requests: REQUESTS,
      idleMs: idle,
      underAttackMs: underAttack,
      attackers: ATTACKERS,
      attackRequestsPerSecond: round(attacks / seconds, 1),
      p99Ratio: round(underAttack.p99 / idle.p99),
      goalRatio: 2,
      meetsGoal: underAttack.p99 <= 2 * idle.p99,
    },
    machine: machine(),
    date: new Date().toISOString(),
  });
  console.log(`wrote ${file}`);
  console.log(JSON.stringify({ bomb, idle, underAttack, attacksPerSecond: round(attacks / seconds, 1) }));
} finally {
  await server.stop();
  await db.drop();
}
