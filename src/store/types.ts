// The one persistence interface the service layer talks to; implemented over Prisma for SQLite and PostgreSQL.
import type { FacetChange, NewRelationEvent, RelationEvent } from '../domain/profile/index.js';
import type { BehaviorEvent, NewBehaviorEvent } from '../domain/types.js';
import type { Provider } from './databaseUrl.js';

/** What identifies a stored profile state without reading it. */
export type ProfileHead = Pick<ProfileRow, 'userId' | 'version' | 'eventCount' | 'updatedAt'>;

/** A profile to save with the version (and event count) it must still be at; null: it must not exist yet. */
export interface ProfileSave {
  row: ProfileRow;
  expectedVersion: number | null;
  expectedEventCount: number | null;
}

export interface UserRow {
  id: string;
  attributes: Record<string, unknown>;
  onboardingText: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ItemRow {
  id: string;
  title: string;
  description: string | null;
  category: string | null;
  tags: string[];
  brand: string | null;
  price: number | null;
  attributes: Record<string, unknown>;
  embedding: Float32Array | null;
  encoderId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ItemWrite = Omit<ItemRow, 'createdAt' | 'updatedAt'>;

/** What the recommender loads of an item at start: its features and vector. */
export type ItemVectorRow = Pick<
  ItemRow,
  'id' | 'title' | 'category' | 'tags' | 'brand' | 'price' | 'embedding' | 'encoderId'
>;

/** An entry of the event log: the domain's event (`seq` is the log's id) and when the server received it (ms). */
export type BehaviorRow = BehaviorEvent & { receivedAt: number };

/** An entry of the relation log: the domain's relation (`seq` is the log's id) and when the server received it. */
export type RelationRow = RelationEvent & { receivedAt: number };

export interface ProfileRow {
  userId: string;
  version: number;
  eventCount: number;
  state: Uint8Array;
  summary: string;
  drift: number | null;
  driftShort: number | null;
  changedFacets: FacetChange[];
  updatedAt: Date;
}

export interface ProfileVersionRow {
  id: number;
  userId: string;
  version: number;
  behaviorId: number | null;
  drift: number | null;
  driftShort: number | null;
  changedFacets: FacetChange[];
  eventCount: number;
  snapshot: Uint8Array | null;
  createdAt: Date;
  asOf: Date;
}

export type ProfileVersionWrite = Omit<ProfileVersionRow, 'id' | 'createdAt'>;

export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
}

/** One entry of the catalogue's change log: an item upserted or deleted. */
export interface CatalogChangeRow {
  id: number;
  itemId: string;
  deleted: boolean;
}

/** The newest sequence numbers of the behaviour log and of the catalogue's change log (0 when empty). */
export interface LogHeads {
  behaviors: number;
  catalog: number;
  /** The newest Erasure.id (0: none): a follower behind it rebuilds its model from the remaining log. */
  erasures: number;
}

/** Rows erased by Store.deleteUserData, per table. */
export interface UserDeletion {
  users: number;
  behaviors: number;
  profiles: number;
  profileVersions: number;
  /** Relations from or to the user. */
  relations: number;
  /** Users whose relations to the erased user were erased: their social ties must be refolded. */
  affectedUsers: string[];
}

/** Operations inside one database transaction (the unit of work of recordBehavior). */
export interface StoreTx {
  /**
   * Takes a transaction-scoped lock on one user's profile (PostgreSQL advisory lock; SQLite transactions are
   * already serialised), for PROFILE_LOCKING=lock.
   */
  lockUser(userId: string): Promise<void>;
  /** lockUser for several users at once, taken in one fixed order (no two batches wait on each other in a cycle). */
  lockUsers(userIds: readonly string[]): Promise<void>;
  getUser(id: string): Promise<UserRow | null>;
  ensureUser(id: string): Promise<UserRow>;
  /** ensureUser for several ids in one statement; the users in the given order. */
  ensureUsers(ids: readonly string[]): Promise<UserRow[]>;
  getProfile(userId: string): Promise<ProfileRow | null>;
  /** Version, event count and save time of several users' profiles (no state), in the given order. */
  profileHeads(userIds: readonly string[]): Promise<Array<ProfileHead | null>>;
  /** Current profiles of several users in one query, in the given order (null where none). */
  getProfiles(userIds: readonly string[]): Promise<Array<ProfileRow | null>>;
  /**
   * Appends one event; throws DuplicateEventError when its (userId, eventId) is already in the log. Appends are
   * ordered until commit (PostgreSQL: a log advisory lock), so log ids become visible in id order.
   */
  insertBehavior(row: NewBehaviorEvent): Promise<BehaviorRow>;
  /** Appends several events (of any users) in one statement; returns them in the given order with their ids. */
  insertBehaviors(rows: NewBehaviorEvent[]): Promise<BehaviorRow[]>;
  /**
   * Writes the profile if its stored version is still `expectedVersion` (null: it must not exist yet).
   * Throws VersionConflictError when another writer got there first, so the caller redoes its unit of work.
   */
  saveProfile(row: ProfileRow, expectedVersion: number | null, expectedEventCount: number | null): Promise<void>;
  /** saveProfile for several profiles in at most two statements; VersionConflictError if any is stale. */
  saveProfiles(saves: readonly ProfileSave[]): Promise<void>;
  insertProfileVersions(rows: ProfileVersionWrite[]): Promise<void>;
  userBehaviors(userId: string): Promise<BehaviorRow[]>;
  /** Newest version row carrying a full snapshot whose asOf is at or before `at` (ms). */
  snapshotBefore(userId: string, at: Date): Promise<ProfileVersionRow | null>;
  behaviorsFrom(userId: string, from: Date): Promise<BehaviorRow[]>;
  /** Clears snapshots taken after `at`: a late event at `at` made them stale. */
  dropSnapshotsAfter(userId: string, at: Date): Promise<void>;
  /** Appends one relation; throws DuplicateEventError when its (userId, eventId) is already in the relation log. */
  insertRelation(row: NewRelationEvent): Promise<RelationRow>;
  /** The user's own relations in (occurredAt, seq) order. */
  userRelations(userId: string): Promise<RelationRow[]>;
}

export interface StoreStats {
  /** Database reads and writes issued, through Prisma or the driver (DataLoader tests count these). */
  queries: number;
  /** Transactions begun through Store.transaction or upsertItems and not yet committed or rolled back. */
  transactionsInFlight: number;
  /** Called as each such transaction ends with its duration (metrics); null when nobody listens. */
  onTransaction: ((seconds: number, outcome: 'commit' | 'rollback') => void) | null;
  /** The PostgreSQL connection pool's counts; null on SQLite (one connection, no pool). */
  pool(): { total: number; idle: number; waiting: number } | null;
  /** SQLite with full durability: WAL syncs so far (commits share them); null elsewhere. */
  walSyncs(): number | null;
}

/** Where a recommender snapshot stands: what it was made for and the log positions it covers. */
export interface RecommenderSnapshotInfo {
  id: number;
  fingerprint: string;
  format: number;
  behaviorSeq: number;
  catalogSeq: number;
  erasureSeq: number;
  createdAt: Date;
}

export interface RecommenderSnapshotRow extends RecommenderSnapshotInfo {
  /** The behaviour statistics (src/domain/recommend/snapshot.ts). */
  state: Uint8Array;
  /** The approximate vector index as saved (null: rebuilt from the items' vectors). */
  vectorIndex: Uint8Array | null;
}

export type RecommenderSnapshotWrite = Omit<RecommenderSnapshotRow, 'id' | 'createdAt'>;

/** A configuration chosen by `npm run model:tune`; `version` increases with every run. */
export interface TunedConfigurationRow {
  version: number;
  /** DeepPartial<RecommendConfig> overrides. */
  config: Record<string, unknown>;
  validation: Record<string, unknown>;
  createdAt: Date;
}

export interface Store extends Omit<
  StoreTx,
  | 'lockUser'
  | 'lockUsers'
  | 'ensureUsers'
  | 'getProfiles'
  | 'profileHeads'
  | 'saveProfiles'
  | 'insertBehavior'
  | 'insertBehaviors'
  | 'saveProfile'
  | 'insertProfileVersions'
  | 'ensureUser'
  | 'dropSnapshotsAfter'
  | 'insertRelation'
> {
  readonly provider: Provider;
  readonly stats: StoreStats;
  ping(): Promise<void>;
  close(): Promise<void>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  upsertUser(input: {
    id: string;
    attributes?: Record<string, unknown> | null;
    onboardingText?: string | null;
  }): Promise<UserRow>;
  usersByIds(ids: readonly string[]): Promise<Array<UserRow | null>>;
  listUsers(first: number, after: string | null): Promise<Page<UserRow>>;
  countUsers(): Promise<number>;

  upsertItems(items: ItemWrite[]): Promise<void>;
  /** Deletes items (their behaviours stay in the log); returns the ids that existed. */
  deleteItems(ids: readonly string[]): Promise<string[]>;
  itemsByIds(ids: readonly string[]): Promise<Array<ItemRow | null>>;
  listItems(first: number, after: string | null, category: string | null): Promise<Page<ItemRow>>;
  countItems(category: string | null): Promise<number>;
  /** Streams every item (all columns, with embeddings) in id order, in pages (jobs: encoder fitting, tuning). */
  iterateItems(pageSize?: number): AsyncGenerator<ItemRow[]>;
  /** Every item's features and vector in id order, a page at a time (the recommender's start-up load; fast path). */
  iterateItemVectors(pageSize?: number): AsyncGenerator<ItemVectorRow[]>;
  /** Items whose stored vector came from another encoder (or none): re-embedding work list. */
  itemsNeedingEmbedding(encoderId: string, first: number): Promise<ItemRow[]>;
  setItemEmbeddings(rows: Array<{ id: string; embedding: Float32Array; encoderId: string }>): Promise<void>;

  findBehavior(userId: string, eventId: string): Promise<BehaviorRow | null>;
  behaviorById(id: number): Promise<BehaviorRow | null>;
  listBehaviors(userId: string, first: number, after: number | null): Promise<Page<BehaviorRow>>;
  countBehaviors(userId: string): Promise<number>;
  /** How often each behaviour type was recorded about one item, and by how many distinct users (no user ids). */
  itemBehaviorCounts(itemId: string): Promise<{ byType: Array<{ type: string; count: number }>; users: number }>;
  /** Log entries after `afterSeq`, in sequence order (the order every replica's recommender is fed in). */
  behaviorsAfter(afterSeq: number, limit: number): Promise<BehaviorRow[]>;
  /** Catalogue changes after `afterSeq`, in sequence order (upsertItems and deleteItems append them). */
  catalogChangesAfter(afterSeq: number, limit: number): Promise<CatalogChangeRow[]>;
  logHeads(): Promise<LogHeads>;
  /** The newest Erasure.id (0: none); deleteUserData appends one when it removes behaviours. */
  erasureHead(): Promise<number>;
  /** Streams the whole log in sequence (id) order; rebuilds the in-memory recommendation model at start. */
  iterateBehaviors(pageSize?: number): AsyncGenerator<BehaviorRow[]>;

  profilesByUserIds(ids: readonly string[]): Promise<Array<ProfileRow | null>>;
  /** Replaces the summary of the current profile if it is still at `version` (LLM rewrites arrive later). */
  setProfileSummary(userId: string, version: number, summary: string): Promise<boolean>;
  listProfileVersions(userId: string, first: number, afterVersion: number | null): Promise<Page<ProfileVersionRow>>;
  countProfileVersions(userId: string): Promise<number>;
  profileVersionAt(userId: string, asOf: Date): Promise<ProfileVersionRow | null>;
  /** Users with a profile, in id order, for the consolidation job (resumable by `after`). */
  listProfileUserIds(first: number, after: string | null): Promise<string[]>;
  /** Erases the user, every behaviour, the profile and every profile version, in one transaction; records an
   * Erasure (no personal data) in it when behaviours went, so every replica rebuilds its model. */
  deleteUserData(userId: string): Promise<UserDeletion>;
  findRelation(userId: string, eventId: string): Promise<RelationRow | null>;
  /** Relations other users recorded about `userId`, in log order (export). */
  relationsTo(userId: string): Promise<RelationRow[]>;
  /** How many users' newest relation to `userId` is FOLLOW (the social facet's followers, read time). */
  followerCount(userId: string): Promise<number>;
  /** Users whose newest relation to `userId` is BLOCK (the social source never shows their activity to them). */
  blockersOf(userId: string): Promise<string[]>;
  /** Every stored version of a user's profile, oldest first (export). */
  allProfileVersions(userId: string): Promise<ProfileVersionRow[]>;
  /** Stores a tuned recommender configuration as the next version. */
  saveTunedConfiguration(input: {
    config: Record<string, unknown>;
    validation: Record<string, unknown>;
  }): Promise<TunedConfigurationRow>;
  /** The newest tuned configuration, or null when model:tune never ran. */
  latestTunedConfiguration(): Promise<TunedConfigurationRow | null>;
  /** Adds a recommender snapshot unless one of its fingerprint covers a position as new; false when skipped. */
  saveRecommenderSnapshot(s: RecommenderSnapshotWrite): Promise<boolean>;
  /** The snapshot at the newest behaviour position, whatever it was made for (no bytes). */
  latestRecommenderSnapshotInfo(): Promise<RecommenderSnapshotInfo | null>;
  /** The newest snapshot made for `fingerprint`. */
  latestRecommenderSnapshot(fingerprint: string): Promise<RecommenderSnapshotRow | null>;
  /** Row counts per table (tests check that bad input writes nothing). */
  tableCounts(): Promise<Record<string, number>>;
  /** Bytes stored for profile versions (storage budget benchmark). */
  profileVersionBytes(): Promise<{ rows: number; bytes: number }>;
}
