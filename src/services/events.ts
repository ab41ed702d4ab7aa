// Live profile updates. In one process they go through an in-memory PubSub; with REDIS_URL they go through Redis,
// so a subscriber on one server process sees updates written by another. Payloads are plain JSON for that reason.
import { createPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import { setMaxListeners } from 'node:events';
import type { PubSub } from 'type-graphql';
import type { FacetChange } from '../domain/profile/index.js';
import type { ProfileRow } from '../store/types.js';

export const PROFILE_UPDATED = 'PROFILE_UPDATED';
/** Topic id of the stream of every user's updates (subscription without userId). */
export const ALL_USERS = '*';

/** A profile as carried in an update: the stored row with its state as base64 (JSON-safe across processes). */
export type ProfileSnapshotPayload = Omit<ProfileRow, 'state' | 'updatedAt'> & {
  updatedAt: string;
  stateBase64: string;
};

export interface ProfileUpdatePayload {
  userId: string;
  version: number;
  drift: number | null;
  changedFacets: FacetChange[];
  profile: ProfileSnapshotPayload;
}

export interface ProfileEvents {
  pubSub: PubSub;
  publishProfileUpdate(update: ProfileUpdatePayload): void;
  close(): Promise<void>;
}

export function createProfileEvents(redisUrl: string | null): ProfileEvents {
  let clients: Redis[] = [];
  let pubSub;
  if (redisUrl) {
    const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    clients = [publishClient, subscribeClient];
    pubSub = createPubSub<Record<string, [string, ProfileUpdatePayload]>>({
      eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
    });
  } else {
    // Many subscribers to one user are normal (console tabs, a frontend per device): Node's default of 10
    // listeners per topic would print a false "memory leak" warning. The gate bounds subscriptions per socket.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    pubSub = createPubSub<Record<string, [string, ProfileUpdatePayload]>>({ eventTarget });
  }
  return {
    pubSub: pubSub as unknown as PubSub,
    publishProfileUpdate(update) {
      pubSub.publish(PROFILE_UPDATED, update.userId, update);
      pubSub.publish(PROFILE_UPDATED, ALL_USERS, update);
    },
    async close() {
      await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    },
  };
}

/**
 * The update published for one newly written profile version. The state's base64 and the summary are made when
 * first read (a subscriber, or JSON for Redis): with nobody subscribed, ingest would make them per event for nothing.
 */
export function profileUpdatePayload(row: ProfileRow): ProfileUpdatePayload {
  let stateBase64: string | null = null;
  return {
    userId: row.userId,
    version: row.version,
    drift: row.drift,
    changedFacets: row.changedFacets,
    profile: {
      userId: row.userId,
      version: row.version,
      eventCount: row.eventCount,
      get summary() {
        return row.summary;
      },
      drift: row.drift,
      driftShort: row.driftShort,
      changedFacets: row.changedFacets,
      updatedAt: row.updatedAt.toISOString(),
      get stateBase64() {
        stateBase64 ??= Buffer.from(row.state.buffer, row.state.byteOffset, row.state.byteLength).toString('base64');
        return stateBase64;
      },
    },
  };
}
