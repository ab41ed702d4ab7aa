// `npm run profiles:consolidate [-- --after <userId>]`: one consolidation pass over every profile.
// Ctrl-C stops after the current user and prints the id to resume from; re-running is safe (idempotent per `now`).
import { consolidateProfiles } from '../services/profileJobs.js';
import { runProfileJob } from './profileJob.js';

const now = Date.now();
await runProfileJob('profiles:consolidate', 'consolidated', (services, opts) =>
  consolidateProfiles(services.profiles, services.store, { ...opts, now }),
);
