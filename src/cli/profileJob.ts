// Shared by the profile job commands: start the services, show progress, stop cleanly on Ctrl-C after the current
// user and say how to resume.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createServices, type Services } from '../services/index.js';
import type { ProfileJobOptions, ProfileJobReport } from '../services/profileJobs.js';

export async function runProfileJob(
  command: string,
  verb: string,
  job: (services: Services, opts: ProfileJobOptions) => Promise<ProfileJobReport>,
): Promise<void> {
  const { values } = parseArgs({ options: { after: { type: 'string' } } });
  const services = await createServices(loadConfig(), (m) => console.error(m));
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const total = (await services.store.tableCounts()).profiles;
  const report = await job(services, {
    after: values.after ?? null,
    signal: controller.signal,
    onProgress: ({ processed, versioned }) => {
      if (processed % 100 === 0 || processed === total)
        process.stderr.write(`\r${verb} ${processed}/${total} profiles, ${versioned} new versions`);
    },
  });
  process.stderr.write('\n');
  console.log(
    report.stopped
      ? `stopped; resume with: npm run ${command} -- --after ${report.lastUserId}`
      : `done: ${report.processed} profiles, ${report.versioned} new versions`,
  );
  await services.close();
}
