// Tuned configurations (`npm run model:tune`): stored as increasing versions, the newest read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openStore, parseDatabaseUrl, type Store } from '../../src/store/index.js';
import { freshDatabase, providers, type TestDatabase } from '../helpers/server.js';

describe.each(await providers())('tuned configurations on %s', (provider) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = freshDatabase(provider);
    const target = parseDatabaseUrl(db.url);
    await migrate(target, () => {});
    store = await openStore(target);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('is null before model:tune ran, then the newest version', async () => {
    expect(await store.latestTunedConfiguration()).toBeNull();
    const a = await store.saveTunedConfiguration({ config: { weights: { sequential: 8 } }, validation: { users: 10 } });
    const b = await store.saveTunedConfiguration({
      config: { weights: { sequential: 16 } },
      validation: { users: 20 },
    });
    expect(b.version).toBeGreaterThan(a.version);
    const latest = await store.latestTunedConfiguration();
    expect(latest?.version).toBe(b.version);
    expect(latest?.config).toEqual({ weights: { sequential: 16 } });
    expect(latest?.validation).toEqual({ users: 20 });
  });
});
