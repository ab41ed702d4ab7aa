// Periodic consolidation: re-decays every profile to `now`, prunes faded interests, writes versions where
// something changed. Walks users in id order and reports the last finished id, so a stopped run resumes there.
import type { ProfileService } from './profileService.js';
import type { Store } from '../store/types.js';

export interface ConsolidateOptions {
  now: number;
  /** Resume after this user id (the `lastUserId` of a stopped run). */
  after?: string | null;
  pageSize?: number;
  log?: (msg: string) => void;
  onProgress?: (p: { processed: number; versioned: number; lastUserId: string }) => void;
  signal?: AbortSignal;
}

export interface ConsolidateReport {
  processed: number;
  versioned: number;
  lastUserId: string | null;
  stopped: boolean;
}

export async function consolidateProfiles(
  profiles: ProfileService,
  store: Store,
  opts: ConsolidateOptions,
): Promise<ConsolidateReport> {
  let after = opts.after ?? null;
  let processed = 0;
  let versioned = 0;
  for (;;) {
    const ids = await store.listProfileUserIds(opts.pageSize ?? 200, after);
    if (!ids.length) break;
    for (const id of ids) {
      if (opts.signal?.aborted) return { processed, versioned, lastUserId: after, stopped: true };
      if (await profiles.consolidate(id, opts.now)) versioned++;
      processed++;
      after = id;
      opts.onProgress?.({ processed, versioned, lastUserId: id });
    }
  }
  opts.log?.(`consolidated ${processed} profiles, ${versioned} new versions`);
  return { processed, versioned, lastUserId: after, stopped: false };
}
