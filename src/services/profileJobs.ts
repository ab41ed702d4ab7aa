// Jobs over every stored profile, walking users in id order and reporting the last finished id, so that a stopped
// run resumes there: consolidation (re-decay to `now`, forget faded interests, a version where something changed)
// and rebuilding (recompute each profile from the log: after changing how events are read, e.g. an upgrade that
// adds profile dimensions, or a new opinion method or encoder).
import type { ProfileService } from './profileService.js';
import type { Store } from '../store/types.js';

export interface ProfileJobOptions {
  /** Resume after this user id (the `lastUserId` of a stopped run). */
  after?: string | null;
  pageSize?: number;
  log?: (msg: string) => void;
  onProgress?: (p: { processed: number; versioned: number; lastUserId: string }) => void;
  signal?: AbortSignal;
}

export interface ConsolidateOptions extends ProfileJobOptions {
  now: number;
}

export interface ProfileJobReport {
  processed: number;
  versioned: number;
  lastUserId: string | null;
  stopped: boolean;
}

/** Runs `step` for every user with a profile; `step` says whether it wrote a version. */
async function walkProfiles(
  store: Store,
  opts: ProfileJobOptions,
  step: (userId: string) => Promise<boolean>,
): Promise<ProfileJobReport> {
  let after = opts.after ?? null;
  let processed = 0;
  let versioned = 0;
  for (;;) {
    const ids = await store.listProfileUserIds(opts.pageSize ?? 200, after);
    if (!ids.length) break;
    for (const id of ids) {
      if (opts.signal?.aborted) return { processed, versioned, lastUserId: after, stopped: true };
      if (await step(id)) versioned++;
      processed++;
      after = id;
      opts.onProgress?.({ processed, versioned, lastUserId: id });
    }
  }
  return { processed, versioned, lastUserId: after, stopped: false };
}

export async function consolidateProfiles(
  profiles: ProfileService,
  store: Store,
  opts: ConsolidateOptions,
): Promise<ProfileJobReport> {
  const report = await walkProfiles(store, opts, (id) => profiles.consolidate(id, opts.now));
  opts.log?.(`consolidated ${report.processed} profiles, ${report.versioned} new versions`);
  return report;
}

/** Recomputes every profile from the log alone, each stored as a new version (as `rebuildProfile` does). */
export async function rebuildProfiles(
  profiles: ProfileService,
  store: Store,
  opts: ProfileJobOptions,
): Promise<ProfileJobReport> {
  const report = await walkProfiles(store, opts, async (id) => {
    await profiles.rebuildProfile(id);
    return true;
  });
  opts.log?.(`rebuilt ${report.processed} profiles`);
  return report;
}
