// Tuned configurations (`npm run model:tune`): stored as increasing versions, the newest read back.
import { describe, expect, it } from 'vitest';
import { providers, useMigratedStore } from '../helpers/server.js';

describe.each(await providers())('tuned configurations on %s', (provider) => {
  const db = useMigratedStore(provider);

  it('is null before model:tune ran, then the newest version', async () => {
    expect(await db.store.latestTunedConfiguration()).toBeNull();
    const a = await db.store.saveTunedConfiguration({
      config: { weights: { sequential: 8 } },
      validation: { users: 10 },
    });
    const b = await db.store.saveTunedConfiguration({
      config: { weights: { sequential: 16 } },
      validation: { users: 20 },
    });
    expect(b.version).toBeGreaterThan(a.version);
    const latest = await db.store.latestTunedConfiguration();
    expect(latest?.version).toBe(b.version);
    expect(latest?.config).toEqual({ weights: { sequential: 16 } });
    expect(latest?.validation).toEqual({ users: 20 });
  });
});
