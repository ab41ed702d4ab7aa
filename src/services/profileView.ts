// What the API shows of one profile version: the stored row plus the decoded state, read through the domain.
import {
  decodeProfileState,
  profileFacets,
  profileInterests,
  profileSignals,
  type ProfileConfig,
  type ProfileState,
} from '../domain/profile/index.js';
import type { FacetWeight, ProfileSignals } from '../domain/types.js';
import { normalized } from '../domain/vector.js';
import type { FacetChange } from '../domain/profile/index.js';
import type { ProfileRow } from '../store/types.js';
import type { ProfileSnapshotPayload } from './events.js';

export interface LabelVocabulary {
  entries: Array<{ label: string; vector: Float32Array }>;
}

/** The stored facts of one profile version; the state comes separately (decoded lazily). */
export type ProfileViewData = Omit<ProfileRow, 'state'>;

export class ProfileView implements ProfileViewData {
  readonly userId: string;
  readonly version: number;
  readonly eventCount: number;
  readonly drift: number | null;
  readonly driftShort: number | null;
  readonly changedFacets: FacetChange[];
  readonly updatedAt: Date;
  private decoded: ProfileState | null;
  /** Kept for the summary, read when asked for (a version written in a group may never be shown). */
  private readonly data: ProfileViewData;

  constructor(
    data: ProfileViewData,
    private readonly stateSource: ProfileState | Uint8Array,
    private readonly config: ProfileConfig,
    private readonly vocabulary: LabelVocabulary | null,
    /** The time facets are decayed to: now for the current profile, the version's time for history. */
    private readonly at: number,
  ) {
    this.userId = data.userId;
    this.version = data.version;
    this.eventCount = data.eventCount;
    this.data = data;
    this.drift = data.drift;
    this.driftShort = data.driftShort;
    this.changedFacets = data.changedFacets;
    this.updatedAt = data.updatedAt;
    this.decoded = stateSource instanceof Uint8Array ? null : stateSource;
  }

  get summary(): string {
    return this.data.summary;
  }

  static fromRow(
    row: ProfileRow,
    config: ProfileConfig,
    vocabulary: LabelVocabulary | null,
    at = Date.now(),
  ): ProfileView {
    return new ProfileView(row, row.state, config, vocabulary, at);
  }

  static fromPayload(
    p: ProfileSnapshotPayload,
    config: ProfileConfig,
    vocabulary: LabelVocabulary | null,
  ): ProfileView {
    const data = { ...p, updatedAt: new Date(p.updatedAt) };
    return new ProfileView(data, new Uint8Array(Buffer.from(p.stateBase64, 'base64')), config, vocabulary, Date.now());
  }

  get state(): ProfileState {
    if (!this.decoded) this.decoded = decodeProfileState(this.stateSource as Uint8Array);
    return this.decoded;
  }

  facets(kind?: string): FacetWeight[] {
    return profileFacets(this.state, this.at, this.config, kind);
  }

  interests(): Array<{ label: string; weight: number; topItemIds: string[] }> {
    return profileInterests(this.state, this.at, this.config, this.vocabulary?.entries).map((i) => ({
      label: i.label,
      weight: i.weight,
      topItemIds: i.topItemIds,
    }));
  }

  embedding(term: 'long' | 'short'): number[] | null {
    const v = term === 'long' ? this.state.long : this.state.short;
    return v ? Array.from(normalized(v.vec)) : null;
  }

  signals(now: number): ProfileSignals {
    return profileSignals(this.state, now, this.config, this.vocabulary?.entries);
  }
}
