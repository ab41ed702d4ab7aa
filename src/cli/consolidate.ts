// `npm run profiles:consolidate [-- --after <userId>]`: one consolidation pass over every profile.
// Ctrl-C stops after the current user and prints the id to resume from; re-running is safe (idempotent per `now`).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createServices } from '../services/index.js';
import { consolidateProfiles } from '../services/consolidation.js';

const { values } = parseArgs({ options: { after: { type: 'string' } } });
const services = await createServices(loadConfig(), (m) => console.error(m));
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const total = (await services.store.tableCounts()).profiles;
const report = await consolidateProfiles(services.profiles, services.store, {
  now: Date.now(),
  after: values.after ?? null,
  signal: controller.signal,
  onProgress: ({ processed, versioned }) => {
    if (processed % 100 === 0 || processed === total)
      process.stderr.write(`\rconsolidated ${processed}/${total} profiles, ${versioned} new versions`);
  },
});
process.stderr.write('\n');
console.log(
  report.stopped
    ? `stopped; resume with: npm run profiles:consolidate -- --after ${report.lastUserId}`
    : `done: ${report.processed} profiles, ${report.versioned} new versions`,
);
await services.close();
