// Per-request context: the process-wide services plus request-scoped DataLoaders, so a page of users resolving
// `profile` issues one query, not one per user.
import { timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Services } from '../services/index.js';
import type { ProfileView } from '../services/profileView.js';
import type { ItemRow, UserRow } from '../store/types.js';

export interface Loaders {
  user: DataLoader<string, UserRow | null>;
  item: DataLoader<string, ItemRow | null>;
  profile: DataLoader<string, ProfileView | null>;
}

export interface Context {
  services: Services;
  loaders: Loaders;
  /** Whether the request carried the API key (always true when no API_KEY is configured). */
  admin: boolean;
}

/** Compares `Authorization: Bearer <key>` with API_KEY in constant time. */
export function isAdmin(apiKey: string | null, authorization: unknown): boolean {
  if (!apiKey) return true;
  if (typeof authorization !== 'string') return false;
  const given = Buffer.from(authorization.replace(/^Bearer\s+/i, ''));
  const wanted = Buffer.from(apiKey);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function createContext(services: Services, authorization?: unknown): Context {
  return {
    services,
    admin: isAdmin(services.config.apiKey, authorization),
    loaders: {
      user: new DataLoader((ids) => services.users.usersByIds(ids)),
      item: new DataLoader((ids) => services.catalog.itemsByIds(ids)),
      profile: new DataLoader((ids) => services.profiles.currentProfiles(ids)),
    },
  };
}
