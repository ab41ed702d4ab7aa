// `npm run profiles:rebuild [-- --after <userId>]`: recomputes every profile from the event log, each as a new
// version. Run it after an upgrade that changes how events are read (new profile dimensions, another opinion method
// or encoder): stored states then equal a rebuild again. Ctrl-C stops after the current user; re-running is safe.
import { rebuildProfiles } from '../services/profileJobs.js';
import { runProfileJob } from './profileJob.js';

await runProfileJob('profiles:rebuild', 'rebuilt', (services, opts) =>
  rebuildProfiles(services.profiles, services.store, opts),
);
