// Data shapes of one user's page, shared by its parts.
import type { FacetChangeData } from '../../components.js';

export interface ProfileData {
  version: number;
  eventCount: number;
  summary: string;
  updatedAt: string;
  drift: number | null;
  driftShort: number | null;
  interests: Array<{ label: string; weight: number; topItemIds: string[] }>;
  facets: Array<{ kind: string; value: string; weight: number }>;
  changedFacets: FacetChangeData[];
}
export interface VersionData {
  version: number;
  asOf: string;
  drift: number | null;
  driftShort: number | null;
  eventCount: number;
  hasSnapshot: boolean;
  changedFacets: FacetChangeData[];
}
export interface BehaviorData {
  id: string;
  eventId: string;
  type: string;
  itemId: string | null;
  item: { title: string } | null;
  value: number | null;
  text: string | null;
  occurredAt: string;
}
export interface UserData {
  user: {
    id: string;
    createdAt: string;
    onboardingText: string | null;
    attributes: Record<string, unknown>;
    profile: ProfileData | null;
    profileHistory: { totalCount: number; edges: Array<{ node: VersionData }> };
    behaviors: { totalCount: number; edges: Array<{ node: BehaviorData }> };
  } | null;
}
