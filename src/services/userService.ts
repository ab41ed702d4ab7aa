// Reads about users that the API pages through: the user directory, each user's event log and profile history.
// Resolvers call this, never the store, so paging limits and totals are decided in one place.
import type { BehaviorRow, Page, ProfileVersionRow, Store, UserRow } from '../store/types.js';

/** One page of rows plus the total the connection reports. */
export interface CountedPage<T> extends Page<T> {
  totalCount: number;
}

export class UserService {
  constructor(private readonly store: Store) {}

  usersByIds(ids: readonly string[]): Promise<Array<UserRow | null>> {
    return this.store.usersByIds(ids);
  }

  async listUsers(first: number, after: string | null): Promise<CountedPage<UserRow>> {
    const [page, totalCount] = await Promise.all([this.store.listUsers(first, after), this.store.countUsers()]);
    return { ...page, totalCount };
  }

  /** The user's event log, newest first. */
  async behaviors(userId: string, first: number, after: number | null): Promise<CountedPage<BehaviorRow>> {
    const [page, totalCount] = await Promise.all([
      this.store.listBehaviors(userId, first, after),
      this.store.countBehaviors(userId),
    ]);
    return { ...page, totalCount };
  }

  /** Stored profile versions, newest first. */
  async profileHistory(
    userId: string,
    first: number,
    afterVersion: number | null,
  ): Promise<CountedPage<ProfileVersionRow>> {
    const [page, totalCount] = await Promise.all([
      this.store.listProfileVersions(userId, first, afterVersion),
      this.store.countProfileVersions(userId),
    ]);
    return { ...page, totalCount };
  }
}
