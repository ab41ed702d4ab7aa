// Erasure and export of one user's data. Erasure removes the user, every behaviour, the profile, every profile
// version and every relation from or to the user in one transaction (then refolds the profiles of users whose ties
// to them went), then replays the remaining log into the in-memory recommender so nothing learnt from
// the user remains (one full log read per erasure). Logs name the user only by a hash.
import { createHash } from 'node:crypto';
import type { Limits } from '../config.js';
import type {
  BehaviorRow,
  ProfileRow,
  ProfileVersionRow,
  RelationRow,
  Store,
  UserDeletion,
  UserRow,
} from '../store/types.js';
import type { ProfileService } from './profileService.js';
import type { LogFollower } from './logFollower.js';
import type { RecommendationService } from './recommendationService.js';
import { checkId } from './validation.js';

export interface DeleteUserResult extends UserDeletion {
  userId: string;
  /** False when nothing was stored under this id. */
  deleted: boolean;
}

interface Deps {
  store: Store;
  profiles: ProfileService;
  recommendations: RecommendationService;
  /** The model's log follower: an erasure rebuilds the model from the remaining log through it. */
  follower: LogFollower;
  limits: Limits;
  log: (msg: string) => void;
}

/** A stable, non-reversible name for a user in logs. */
export const userLogId = (userId: string): string =>
  createHash('sha256').update(`tastegraph-user:${userId}`).digest('hex').slice(0, 12);

const iso = (d: Date) => d.toISOString();
const base64 = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('base64') : null);

export class PrivacyService {
  /** Model rebuilds run one at a time; each replays the whole remaining log. */
  private rebuilding: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: Deps) {}

  async deleteUser(userId: string): Promise<DeleteUserResult> {
    const id = checkId('id', userId, this.deps.limits);
    const started = Date.now();
    // No write of this user's profile in this process interleaves with the erasure.
    const counts = await this.deps.profiles.runExclusive(id, () => this.deps.store.deleteUserData(id));
    const deleted = counts.users + counts.behaviors + counts.profiles + counts.profileVersions + counts.relations > 0;
    // Their ties to this user were erased from other users' relation logs: refold those users' profiles (a rebuild
    // drops their old snapshots too, so no stored state names the erased user any more).
    for (const other of counts.affectedUsers) {
      await this.deps.profiles.rebuildProfile(other).catch((err: unknown) => {
        this.deps.log(`refolding ${userLogId(other)} after an erasure failed: ${(err as Error).message}`);
      });
    }
    if (counts.behaviors > 0) {
      const run = this.rebuilding.then(() => this.deps.follower.rebuild());
      this.rebuilding = run.catch(() => undefined);
      await run;
      // The erasure committed an Erasure row: wake the other replicas so they rebuild from the log at once.
      await this.deps.follower.committed();
    }
    this.deps.log(
      `erased user ${userLogId(id)}: ${counts.behaviors} behaviours, ${counts.profileVersions} profile versions, ` +
        `${counts.relations} relations (${counts.affectedUsers.length} other profiles refolded), ` +
        `${counts.profiles} profile, ${counts.users} user row; model replayed in ${Date.now() - started} ms`,
    );
    return { userId: id, deleted, ...counts };
  }

  /** Everything stored about the user, as JSON: the user row, every behaviour, the profile and its versions. */
  async exportUser(userId: string): Promise<Record<string, unknown>> {
    const { store } = this.deps;
    const [[user], behaviors, [profile], versions, relations, incoming] = await Promise.all([
      store.usersByIds([userId]),
      store.userBehaviors(userId),
      store.profilesByUserIds([userId]),
      store.allProfileVersions(userId),
      store.userRelations(userId),
      store.relationsTo(userId),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      userId,
      user: user ? exportUserRow(user) : null,
      behaviors: behaviors.map(exportBehavior),
      profile: profile ? exportProfile(profile) : null,
      profileVersions: versions.map(exportVersion),
      relations: relations.map(exportRelation),
      // Who follows this user; who blocked them is the blocker's data, not theirs, and is left out.
      relationsToUser: incoming.filter((r) => r.type !== 'BLOCK').map(exportRelation),
    };
  }
}

const exportUserRow = (u: UserRow) => ({ ...u, createdAt: iso(u.createdAt), updatedAt: iso(u.updatedAt) });
const exportBehavior = (b: BehaviorRow) => ({
  ...b,
  occurredAt: iso(new Date(b.occurredAt)),
  receivedAt: iso(new Date(b.receivedAt)),
});
const exportRelation = (r: RelationRow) => ({
  ...r,
  occurredAt: iso(new Date(r.occurredAt)),
  receivedAt: iso(new Date(r.receivedAt)),
});
const exportProfile = (p: ProfileRow) => {
  const { state, ...rest } = p;
  return { ...rest, updatedAt: iso(p.updatedAt), stateBase64: base64(state) };
};
const exportVersion = (v: ProfileVersionRow) => {
  const { snapshot, ...rest } = v;
  return { ...rest, createdAt: iso(v.createdAt), asOf: iso(v.asOf), snapshotBase64: base64(snapshot) };
};
