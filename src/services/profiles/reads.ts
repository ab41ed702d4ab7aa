// Reading profiles: the current ones (as stored), one as of a past time (rebuilt from its nearest snapshot), and
// the state the log implies (replay; tests compare it with the stored one).
import {
  decodeProfileState,
  replayProfile,
  summarizeProfile,
  type ProfileConfig,
  type ProfileState,
} from '../../domain/profile/index.js';
import type { Store } from '../../store/types.js';
import { notFound } from '../errors.js';
import { ProfileView, type LabelVocabulary } from '../profileView.js';
import { withRelations } from './relations.js';
import type { TextContexts } from './texts.js';
import { afterSnapshot } from './unitOfWork.js';

export interface ReaderDeps {
  store: Store;
  texts: TextContexts;
  config: ProfileConfig;
  vocabulary: () => LabelVocabulary | null;
}

export class ProfileReader {
  constructor(private readonly deps: ReaderDeps) {}

  /** Current profiles by user id (DataLoader batch function). */
  async currentProfiles(userIds: readonly string[]): Promise<Array<ProfileView | null>> {
    const rows = await this.deps.store.profilesByUserIds(userIds);
    return rows.map((r) => (r ? ProfileView.fromRow(r, this.deps.config, this.deps.vocabulary()) : null));
  }

  /** The version in force at `asOf` (event time), rebuilt from its nearest snapshot. */
  async profileAt(userId: string, asOf: Date): Promise<ProfileView | null> {
    const { store, config, texts } = this.deps;
    const versionRow = await store.profileVersionAt(userId, asOf);
    if (!versionRow) return null;
    const user = await store.getUser(userId);
    if (!user) return null;
    const snapshotRow = await store.snapshotBefore(userId, asOf);
    const from = snapshotRow?.snapshot ? decodeProfileState(snapshotRow.snapshot) : null;
    const rows =
      from?.lastEventAt != null
        ? await store.behaviorsFrom(userId, new Date(from.lastEventAt))
        : await store.userBehaviors(userId);
    const upTo = rows.filter((r) => r.occurredAt <= asOf.getTime() && (from === null || afterSnapshot(r, from)));
    const vectors = await texts.encode(texts.textsOf(user, upTo));
    const events = texts.withContexts(upTo, vectors);
    const replayed = replayProfile(userId, texts.seed(user, vectors), events, config, from ?? undefined);
    const state = await withRelations(store, replayed, asOf.getTime());
    const data = {
      userId,
      version: versionRow.version,
      eventCount: state.eventCount,
      summary: summarizeProfile(state, asOf.getTime(), config),
      drift: versionRow.drift,
      driftShort: versionRow.driftShort,
      changedFacets: versionRow.changedFacets,
      updatedAt: versionRow.createdAt,
    };
    return new ProfileView(data, state, config, this.deps.vocabulary(), asOf.getTime());
  }

  /** Computes the state the log implies, without writing anything. */
  async replayFromLog(userId: string): Promise<ProfileState> {
    const { store, config, texts } = this.deps;
    const user = await store.getUser(userId);
    if (!user) throw notFound('userId', `user ${userId} does not exist`);
    const rows = await store.userBehaviors(userId);
    const vectors = await texts.encode(texts.textsOf(user, rows));
    const state = replayProfile(userId, texts.seed(user, vectors), texts.withContexts(rows, vectors), config);
    return withRelations(store, state);
  }
}
