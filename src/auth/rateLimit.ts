// How often: operations per window for each principal (token subject, API key, or client address when anonymous),
// with a budget per role. With REDIS_URL the counters live in Redis, so every server process shares them; if Redis
// is unreachable the in-process counters take over (the insurance limiter) rather than letting everything through.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from './config.js';
import type { Principal } from './authenticate.js';
import { rateLimited } from './errors.js';

export interface RateLimiter {
  /** Counts one operation; throws RATE_LIMITED (with retryAfter seconds) when the principal's budget is spent. */
  consume(principal: Principal): Promise<void>;
  readonly backend: 'memory' | 'redis';
  /** Resolves once Redis is connected (or after `timeoutMs`, when the in-process counters answer instead). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function createRateLimiter(config: RateLimitConfig, redisUrl: string | null, keyPrefix = 'tg-rl'): RateLimiter {
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : null;
  redis?.on('error', () => undefined); // the insurance limiter answers while Redis is away
  const limiters = new Map<Principal['role'], RateLimiterAbstract>();
  for (const [role, points] of Object.entries(config.points) as Array<[Principal['role'], number]>) {
    if (points <= 0) continue;
    const opts = { points, duration: config.windowSeconds, keyPrefix: `${keyPrefix}-${role}` };
    limiters.set(
      role,
      redis
        ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) })
        : new RateLimiterMemory(opts),
    );
  }
  return {
    backend: redis ? 'redis' : 'memory',
    async ready(timeoutMs = 3000) {
      if (!redis || redis.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        redis.once('ready', () => (clearTimeout(timer), resolve()));
      });
    },
    async consume(principal) {
      const limiter = limiters.get(principal.role);
      if (!limiter) return;
      try {
        await limiter.consume(principal.rateKey, 1);
      } catch (res) {
        if (res instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
        throw res;
      }
    },
    async close() {
      await redis?.quit().catch(() => undefined);
    },
  };
}
