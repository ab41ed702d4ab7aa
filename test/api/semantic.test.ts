// From a fresh database to semantic recommendations: items upserted with the lexical default, a catalogue encoder
// fitted from the database by `npm run encoder:fit`, the server restarted on it (items re-embedded), then cold start
// from onboarding text and a brand-new item recommended before anyone touches it. Real MovieLens-1M text.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movieLensItems, sharedDataAvailable } from '../helpers/catalogEncoder.js';
import { freshDatabase, startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!sharedDataAvailable())('semantic matching after encoder:fit (MovieLens-1M text)', () => {
  const db = freshDatabase('sqlite');
  let server: TestServer;
  let genresOf: Map<string, string[]>;

  beforeAll(async () => {
    const movies = await movieLensItems();
    genresOf = new Map(movies.map((m) => [m.id, m.genres]));
    const items = movies.map((m) => ({
      id: m.id,
      title: m.title,
      category: m.genres[0] ?? null,
      tags: m.genres,
      description: m.plot,
    }));
    const lexical = await startTestServer('sqlite', {}, db);
    for (let i = 0; i < items.length; i += 500) {
      const res = await lexical.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, {
        items: items.slice(i, i + 500),
      });
      expect(res.errors).toBeUndefined();
    }
    await lexical.close(); // keep the database for the next start

    const modelDir = path.join(mkdtempSync(path.join(tmpdir(), 'tastegraph-fit-')), 'catalog');
    const fit = await run(process.execPath, ['--import', 'tsx', 'src/cli/fitEncoder.ts', '--out', modelDir], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url },
      timeout: 120_000,
    });
    expect(fit.stderr).toContain(`${items.length} texts`);

    server = await startTestServer('sqlite', { ENCODER_MODEL_DIR: modelDir }, db);
    await server.services.backgroundWork; // re-embedding with the fitted encoder
  }, 240_000);
  afterAll(async () => server?.stop());

  it('re-embedded every item with the fitted encoder', async () => {
    const ready = (await (await fetch(server.url.replace('/graphql', '/readyz'))).json()) as {
      encoder: { kind: string; id: string };
      staleItems: number;
    };
    expect(ready.encoder.kind).toBe('static');
    expect(ready.staleItems).toBe(0);
    const res = await server.gql<{ items: { edges: Array<{ node: { encoderId: string } }> } }>(
      `{ items(first: 100) { edges { node { encoderId } } } }`,
    );
    expect(new Set(res.data!.items.edges.map((e) => e.node.encoderId))).toEqual(new Set([ready.encoder.id]));
  });

  it('recommends sci-fi to a cold-start user whose onboarding text is about space adventure', async () => {
    await server.gql(
      `mutation { upsertUser(input: { id: "cold", onboardingText: "I love space adventure: starships, galactic rebels fighting an evil empire, aliens and distant planets" }) { id } }`,
    );
    const res = await server.gql<{
      user: { recommendations: Array<{ item: { id: string; title: string }; reasons: Array<{ kind: string }> }> };
    }>(`{ user(id: "cold") { recommendations(first: 10, explore: 0) { item { id title } reasons { kind text } } } }`);
    expect(res.errors).toBeUndefined();
    const recs = res.data!.user.recommendations;
    expect(recs).toHaveLength(10);
    const sciFi = recs.filter((r) => genresOf.get(r.item.id)?.includes('Sci-Fi'));
    expect(sciFi.length, recs.map((r) => r.item.title).join(' | ')).toBeGreaterThanOrEqual(5);
    expect(recs.every((r) => r.reasons.length > 0)).toBe(true);
  });

  it('recommends a brand-new item that matches the user interest before anyone touches it', async () => {
    // a user who bought haunted-house films: Poltergeist, The Amityville Horror, House on Haunted Hill, The Haunting, Amityville II
    const horror = ['1994', '1327', '2519', '2550', '1326'].filter((id) => genresOf.has(id));
    expect(horror).toHaveLength(5);
    for (const [i, itemId] of horror.entries()) {
      const r = await server.gql(`mutation($input: BehaviorInput!) { recordBehavior(input: $input) { duplicate } }`, {
        input: { userId: 'fan', itemId, type: 'PURCHASE', eventId: `h${i}` },
      });
      expect(r.errors).toBeUndefined();
    }
    await server.gql(`mutation { upsertItems(items: [{ id: "new-haunt", title: "The Haunting of Blackwood Manor (2026)", category: "Horror", tags: ["Horror", "Thriller"],
      description: "A family moves into an old haunted house where ghosts, a demon and a terrifying evil spirit torment them at night." }]) { count } }`);
    const res = await server.gql<{
      user: { recommendations: Array<{ item: { id: string }; reasons: Array<{ kind: string }> }> };
    }>(`{ user(id: "fan") { recommendations(first: 10, explore: 0) { item { id } reasons { kind } } } }`);
    expect(res.data!.user.recommendations.map((r) => r.item.id)).toContain('new-haunt');
  });

  it('labels interests readably from real titles and genres', async () => {
    const res = await server.gql<{
      user: { profile: { interests: Array<{ label: string; weight: number; topItemIds: string[] }>; summary: string } };
    }>(`{ user(id: "fan") { profile { summary interests { label weight topItemIds } } } }`);
    const interests = res.data!.user.profile.interests;
    expect(interests.length).toBeGreaterThan(0);
    for (const i of interests) {
      expect(i.label).not.toMatch(/cluster|interest \d/i);
      expect(i.label).toMatch(/^[A-Z][A-Za-z'-]+( [/(&] ?[A-Z][A-Za-z'-]+\)?)*/);
    }
    expect(interests[0]!.label).toMatch(/Horror|Thriller/);
    expect(interests[0]!.topItemIds.every((id) => genresOf.has(id))).toBe(true);
    expect(res.data!.user.profile.summary).toMatch(/Horror/);
  });
});
