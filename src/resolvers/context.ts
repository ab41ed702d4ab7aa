// Per-request context: the process-wide services plus request-scoped DataLoaders, so a page of users resolving
// `profile` issues one query, not one per user.
import DataLoader from 'dataloader';
import type { Principal } from '../auth/authenticate.js';
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
  /** Who is calling (authenticated by src/server/security.ts before the operation runs). */
  principal: Principal;
}

export function createContext(services: Services, principal: Principal): Context {
  return {
    services,
    principal,
    loaders: {
      user: new DataLoader((ids) => services.users.usersByIds(ids)),
      item: new DataLoader((ids) => services.catalog.itemsByIds(ids)),
      profile: new DataLoader((ids) => services.profiles.currentProfiles(ids)),
    },
  };
}
