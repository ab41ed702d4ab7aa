// Some reads go through the driver, not Prisma (src/store/driverReads.ts): they must return exactly what Prisma's
// client returns for the same rows, on both databases: features, vectors bit for bit, null vectors, times, pages
// that cover every item once in id order, rows in the order asked with null for missing ids, a snapshot's bytes,
// pages of the behaviour log.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NewBehaviorEvent } from '../../src/domain/types.js';
import { parseDatabaseUrl } from '../../src/store/databaseUrl.js';
import { openStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import type { ItemWrite } from '../../src/store/types.js';
import { freshDatabase, providers, useMigratedStore } from '../helpers/server.js';

const item = (id: string, vector: number[] | null): ItemWrite => ({
  id,
  title: `Title ${id}`,
  description: `About ${id}`,
  category: id.endsWith('1') ? null : 'tools',
  tags: id.endsWith('2') ? [] : ['a', `tag "${id}"`],
  brand: id.endsWith('3') ? null : 'Acme',
  price: id.endsWith('4') ? null : 12.5,
  attributes: {},
  embedding: vector ? Float32Array.from(vector) : null,
  encoderId: vector ? 'enc-a' : null,
});

describe.each(await providers())('driver reads on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('pages every item once, in id order, as Prisma reads it', async () => {
    const { store } = db;
    const written = ['i3', 'i1', 'i10', 'i2', 'i4', 'i5'].map((id, k) =>
      item(id, k === 2 ? null : [k + 0.1, -1 / 3, Math.PI * k, 1e-30]),
    );
    await store.upsertItems(written);
    const pages = [];
    for await (const page of store.iterateItemVectors(4)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([4, 2]);
    const viaDriver = pages.flat();
    const prismaRows = (await store.listItems(100, null, null)).rows;
    expect(await store.itemsByIds(['i5', 'nope', 'i1', 'i5'])).toEqual([
      prismaRows.find((r) => r.id === 'i5'),
      null,
      prismaRows.find((r) => r.id === 'i1'),
      prismaRows.find((r) => r.id === 'i5'),
    ]);
    expect(await store.itemsByIds([])).toEqual([]);
    const viaPrisma = prismaRows.map((r) => ({
      id: r!.id,
      title: r!.title,
      category: r!.category,
      tags: r!.tags,
      brand: r!.brand,
      price: r!.price,
      embedding: r!.embedding,
      encoderId: r!.encoderId,
    }));
    expect(viaDriver.map((r) => r.id)).toEqual(['i1', 'i10', 'i2', 'i3', 'i4', 'i5']);
    expect(viaDriver).toEqual(viaPrisma);
    const i3 = viaDriver.find((r) => r.id === 'i3')!;
    expect(i3.embedding).toEqual(Float32Array.from([0.1, -1 / 3, 0, 1e-30]));
    expect(viaDriver.find((r) => r.id === 'i10')!.embedding).toBeNull();
  });

  it('reads users as Prisma reads them', async () => {
    const { store } = db;
    await store.upsertUser({ id: 'uA', attributes: { age: 30, tags: ['x'] }, onboardingText: 'hello' });
    await store.upsertUser({ id: 'uB', attributes: {}, onboardingText: null });
    const prismaRows = (await store.listUsers(10, null)).rows;
    expect(prismaRows.map((u) => u.id)).toEqual(['uA', 'uB']);
    expect(await store.usersByIds(['uB', 'missing', 'uA'])).toEqual([prismaRows[1], null, prismaRows[0]]);
  });

  it("reads a write batch's users and profile heads inside its transaction as Prisma reads them", async () => {
    const { store } = db;
    await store.upsertUser({ id: 'hA', attributes: { band: '25-34' }, onboardingText: 'likes tools' });
    const savedAt = new Date(Date.UTC(2025, 4, 6, 7, 8, 9, 123));
    const profile = {
      userId: 'hA',
      version: 3,
      eventCount: 7,
      state: new Uint8Array([1, 2, 3]),
      summary: 's',
      drift: null,
      driftShort: null,
      changedFacets: [],
      updatedAt: savedAt,
    };
    await store.transaction((tx) =>
      tx.saveProfiles([{ row: profile, expectedVersion: null, expectedEventCount: null }]),
    );
    const { users, heads } = await store.transaction(async (tx) => ({
      users: await tx.ensureUsers(['hB', 'hA']),
      heads: await tx.profileHeads(['hB', 'hA', 'hA']),
    }));
    const [hA, hB] = (await store.listUsers(10, null)).rows;
    expect(users).toEqual([hB, hA]);
    expect(users[1]!.attributes).toEqual({ band: '25-34' });
    expect(heads).toEqual([null, { userId: 'hA', version: 3, eventCount: 7, updatedAt: savedAt }, heads[1]]);
    expect((await store.getProfile('hA'))!.updatedAt).toEqual(heads[1]!.updatedAt);
  });

  it("reads a snapshot's bytes and creation time as Prisma wrote them", async () => {
    const { store } = db;
    const state = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    await store.saveRecommenderSnapshot({
      fingerprint: 'f',
      format: 3,
      behaviorSeq: 9,
      catalogSeq: 4,
      erasureSeq: 2,
      state,
      vectorIndex: Uint8Array.from([1, 2, 3]),
    });
    const info = await store.latestRecommenderSnapshotInfo();
    const row = await store.latestRecommenderSnapshot('f');
    expect(row).toMatchObject({ ...info, behaviorSeq: 9, catalogSeq: 4, erasureSeq: 2, format: 3 });
    expect(row!.createdAt.getTime()).toBe(info!.createdAt.getTime());
    expect(Buffer.from(row!.state).equals(Buffer.from(state))).toBe(true);
    expect([...row!.vectorIndex!]).toEqual([1, 2, 3]);
  });

  it('pages the behaviour log by sequence as Prisma reads it', async () => {
    const { store } = db;
    await store.upsertItems([item('b1', [1, 0, 0, 0])]);
    const event = (userId: string, k: number): NewBehaviorEvent => ({
      eventId: `e${k}`,
      userId,
      itemId: k % 3 ? 'b1' : null,
      type: k % 2 ? 'RATE' : 'REVIEW',
      value: k % 2 ? k + 0.5 : null,
      text: k % 2 ? null : `text ${k} "quoted"`,
      opinion: k % 2 ? null : -0.25 * k,
      occurredAt: Date.UTC(2024, 0, 1, 12) + k * 61_001,
    });
    // Two users interleaved, out of time order within the log.
    const events = [0, 1, 2, 3, 4, 5, 6].map((k) => event(k % 2 ? 'la' : 'lb', 7 - k));
    await store.transaction(async (tx) => {
      await tx.ensureUsers(['la', 'lb']);
      await tx.insertBehaviors(events);
    });
    const viaPrisma = [
      ...(await store.listBehaviors('la', 10, null)).rows,
      ...(await store.listBehaviors('lb', 10, null)).rows,
    ].sort((a, b) => a.seq - b.seq);
    expect(viaPrisma).toHaveLength(7);
    expect(await store.behaviorsAfter(0, 100)).toEqual(viaPrisma);
    expect(await store.behaviorsAfter(viaPrisma[2]!.seq, 3)).toEqual(viaPrisma.slice(3, 6));
    expect(await store.behaviorsAfter(viaPrisma[6]!.seq, 3)).toEqual([]);
  });
});

describe('the SQLite driver connection', () => {
  it('closes before the writer, so a closed database is one file (no WAL left beside it)', async () => {
    const db = freshDatabase('sqlite');
    const target = parseDatabaseUrl(db.url);
    await migrate(target, () => {});
    const store = await openStore(target);
    await store.upsertItems([item('w1', [1, 2, 3, 4])]);
    // The driver's read-only connection is open (it opens on first use) while the writer has written.
    expect((await store.itemsByIds(['w1']))[0]!.id).toBe('w1');
    expect(existsSync(`${target.location}-wal`)).toBe(true);
    await store.close();
    expect(existsSync(`${target.location}-wal`)).toBe(false);
    await db.drop();
  });
});
